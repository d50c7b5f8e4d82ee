"""Compression of record plaintexts before they are sealed (compressing after encryption
is useless: ciphertext looks random).

A credential's JSON is mostly vocabulary that every credential repeats (context URLs,
property names, ``did:key:z6Mk``, ESCO URIs), so raw DEFLATE primed with a dictionary of
that vocabulary shrinks a 1.4 KB Open Badges credential to about 0.45-0.8 KB, where plain
DEFLATE alone gets 0.8 KB. Packed plaintexts start with a format byte that JSON text never
starts with; anything else is read as the uncompressed JSON that vaults held before.

The dictionary is part of the file format: it must never change. Another dictionary
needs another format byte.
"""

from __future__ import annotations

import zlib

#: Format byte of raw DEFLATE primed with :data:`_DICTIONARY_1`.
_DEFLATE_DICT_1 = 0x01

# DEFLATE looks back at most 32 KiB and prefers recent matches: the commonest strings last.
_DICTIONARY_1 = (
    b'"targetType":"ceasn:Competency","targetType":"ext:ESCOSkill","targetFramework":"ESCO",'
    b'"targetCode":"","achievementType":"Diploma","achievementType":"Certificate",'
    b'"achievementType":"Badge","resultDescription":[{"id":"","name":"",'
    b'"resultType":"RubricCriterionLevel","rubricCriterionLevel":[{"id":"","level":"",'
    b'"name":"","type":["RubricCriterionLevel"]}],"result":[{"achievedLevel":"",'
    b'"credentialSchema":[{"id":"urn:skillswallet:schema:skill:1",'
    b'"type":"1EdTechJsonSchemaValidator2019"}],"evidence":[{"type":["Evidence"],'
    b'"narrative":"","EndorsementCredential","EndorsementSubject","endorsementComment":"",'
    b'"credentialStatus":{"id":"","type":"BitstringStatusListEntry","statusPurpose":'
    b'"revocation","statusListIndex":"","statusListCredential":"https://'
    b'"image":{"id":"data:image/png;base64,","type":"Image"},"url":"https://",'
    b'"https://www.w3.org/2018/credentials/v1","issuanceDate":"","expirationDate":"",'
    b'"Ed25519Signature2020","JsonWebSignature2020","ecdsa-rdfc-2019","eddsa-jcs-2022",'
    b'"ecdsa-sd-2023","did:key:zDna","did:web:","http://data.europa.eu/esco/occupation/'
    b'"http://data.europa.eu/esco/skill/","@context":["https://www.w3.org/ns/credentials/v2",'
    b'"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"credentialSubject":'
    b'{"achievement":{"alignment":[{"targetFramework":"ESCO","targetName":"",'
    b'"targetType":"ext:ESCOSkill","targetUrl":"http://data.europa.eu/esco/skill/",'
    b'"type":["Alignment"]}],"criteria":{"narrative":""},"description":"","id":"urn:uuid:",'
    b'"name":"","type":["Achievement"]},"id":"did:key:z6Mk","type":["AchievementSubject"]},'
    b'"id":"urn:uuid:","issuer":{"id":"did:key:z6Mk","name":"","type":["Profile"]},"name":"",'
    b'"proof":{"created":"2025-","cryptosuite":"eddsa-rdfc-2022","proofPurpose":'
    b'"assertionMethod","proofValue":"z","type":"DataIntegrityProof","verificationMethod":'
    b'"did:key:z6Mk#z6Mk"},"type":["VerifiableCredential","OpenBadgeCredential"],'
    b'"validFrom":"T00:00:00Z","validUntil":"'
)

#: Below this size compression rarely pays for its format byte.
_MIN_PACKED = 64


def pack(plain: bytes) -> bytes:
    """The bytes to seal for ``plain`` (JSON text): compressed when that is smaller."""
    if len(plain) < _MIN_PACKED:
        return plain
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_1)
    packed = bytes([_DEFLATE_DICT_1]) + compressor.compress(plain) + compressor.flush()
    return packed if len(packed) < len(plain) else plain


def unpack(stored: bytes) -> bytes:
    """The JSON text of a sealed plaintext, packed or not. Raises ValueError when packed
    data does not decompress (only damage or a foreign writer can cause it: plaintexts
    are authenticated)."""
    if not stored or stored[0] != _DEFLATE_DICT_1:
        return stored
    try:
        decompressor = zlib.decompressobj(-15, zdict=_DICTIONARY_1)
        plain = decompressor.decompress(stored[1:]) + decompressor.flush()
    except zlib.error as exc:
        raise ValueError(f"a packed record does not decompress ({exc})") from None
    if not decompressor.eof:
        raise ValueError("a packed record is truncated")
    return plain
