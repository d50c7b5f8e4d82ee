"""The proof values of ecdsa-sd-2023 (Data Integrity ECDSA Cryptosuites v1.0 §3.5):
a three-byte header, then the CBOR array of the proof's components, as multibase
base64url without padding. "serializeBaseProofValue", "parseBaseProofValue",
"compressLabelMap", "decompressLabelMap", "serializeDerivedProofValue" and
"parseDerivedProofValue". Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cbor2

from ...errors import ProofError
from .groups import b64url, b64url_decode

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
#: The multikey header of a P-256 public key (p256-pub, 0x1200 as a varint).
P256_MULTIKEY_HEADER = b"\x80\x24"
_SIGNATURE_SIZE = 64
_PUBLIC_KEY_SIZE = 35  # header + compressed point
_HMAC_KEY_SIZE = 32

BASE_PROOF_FOR_VERIFIER = (
    "a base proof is not meant for verifiers; the holder must derive a disclosed "
    "credential (ecdsa-sd-2023)"
)


@dataclass(frozen=True)
class BaseProofValue:
    base_signature: bytes
    public_key: bytes  # multikey bytes of the proof-scoped P-256 key
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    #: canonical blank node id (``c14n0``…) -> HMAC label (``u``…)
    label_map: dict[str, str]
    mandatory_indexes: list[int]


def serialize_base_proof_value(value: BaseProofValue) -> str:
    components = [
        value.base_signature,
        value.public_key,
        value.hmac_key,
        list(value.signatures),
        list(value.mandatory_pointers),
    ]
    return _encoded(BASE_HEADER, components)


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    components = _components(proof_value, BASE_HEADER)
    base_signature, public_key, hmac_key, signatures, pointers = components
    _check_bytes(base_signature, _SIGNATURE_SIZE, "base signature")
    _check_public_key(public_key)
    _check_bytes(hmac_key, _HMAC_KEY_SIZE, "HMAC key")
    _check_signatures(signatures)
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise ProofError("the base proof's mandatory pointers are not a list of strings")
    return BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)


def compress_label_map(label_map: dict[str, str]) -> dict[int, bytes]:
    """``c14nN`` -> ``uXXX`` becomes N -> the decoded bytes, in N's order."""
    out: dict[int, bytes] = {}
    for key, value in label_map.items():
        if not key.startswith("c14n") or not value.startswith("u"):
            raise ProofError(f"label map entry {key!r}: {value!r} cannot be compressed")
        out[int(key[4:])] = b64url_decode(value[1:])
    return dict(sorted(out.items()))


def decompress_label_map(compressed: dict[int, bytes]) -> dict[str, str]:
    return {f"c14n{key}": "u" + b64url(value) for key, value in compressed.items()}


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    components = [
        value.base_signature,
        value.public_key,
        list(value.signatures),
        compress_label_map(value.label_map),
        list(value.mandatory_indexes),
    ]
    return _encoded(DERIVED_HEADER, components)


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    components = _components(proof_value, DERIVED_HEADER)
    base_signature, public_key, signatures, compressed, indexes = components
    _check_bytes(base_signature, _SIGNATURE_SIZE, "base signature")
    _check_public_key(public_key)
    _check_signatures(signatures)
    if not isinstance(compressed, dict) or not all(
        _is_index(k) and isinstance(v, bytes) and len(v) == 32 for k, v in compressed.items()
    ):
        raise ProofError("the derived proof's label map is not a map of integers to 32-byte labels")
    if not isinstance(indexes, list) or not all(_is_index(i) for i in indexes):
        raise ProofError("the derived proof's mandatory indexes are not a list of integers")
    return DerivedProofValue(
        base_signature, public_key, signatures, decompress_label_map(compressed), indexes
    )


def _encoded(header: bytes, components: list[Any]) -> str:
    """Multibase base64url-no-pad of the header and the CBOR array (no tags: plain
    bytes, text, integers, arrays and maps only)."""
    return "u" + b64url(header + cbor2.dumps(components))


def _components(proof_value: Any, header: bytes) -> list[Any]:
    """The five CBOR components after ``header``; ProofError for anything else."""
    kind = "base" if header == BASE_HEADER else "derived"
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise ProofError(
            "the ecdsa-sd-2023 proofValue is not multibase base64url (it must start with 'u')"
        )
    try:
        decoded = b64url_decode(proof_value[1:])
    except ValueError:
        raise ProofError("the ecdsa-sd-2023 proofValue is not valid base64url") from None
    if not decoded.startswith(header):
        if header == DERIVED_HEADER and decoded.startswith(BASE_HEADER):
            raise ProofError(BASE_PROOF_FOR_VERIFIER)
        if header == BASE_HEADER and decoded.startswith(DERIVED_HEADER):
            raise ProofError("this is a derived proof: derive from the base credential")
        raise ProofError(
            f"the proofValue does not start with the ecdsa-sd-2023 {kind} proof header "
            f"0x{header.hex()}"
        )
    try:
        components = cbor2.loads(
            decoded[len(header) :],
            tag_hook=_refuse_tag,
            max_depth=4,
            allow_duplicate_keys=False,
        )
    except Exception as exc:  # cbor2 raises its own errors and, on odd input, others
        refusal = _refusal_in(exc)
        if refusal is not None:
            raise refusal from None
        raise ProofError(
            f"the {kind} proofValue is not valid CBOR after its header ({type(exc).__name__})"
        ) from None
    if not isinstance(components, list) or len(components) != 5:
        raise ProofError(f"the {kind} proofValue is not a CBOR array of five components")
    return components


def _refusal_in(exc: BaseException) -> ProofError | None:
    """Our refusal of a tag, which cbor2 wraps (once per enclosing container)."""
    cause: BaseException | None = exc
    for _ in range(8):
        if cause is None or isinstance(cause, ProofError):
            return cause
        cause = cause.__cause__
    return None


def _refuse_tag(*args: Any) -> Any:
    # cbor2 releases differ in what they pass (decoder and tag, or tag and a flag)
    tag = next((a for a in args if isinstance(a, cbor2.CBORTag)), None)
    number = f" {tag.tag}" if tag is not None else ""
    raise ProofError(f"the proofValue uses CBOR tag{number}; tags are not allowed")


def _is_index(value: Any) -> bool:
    return type(value) is int and 0 <= value < 2**32


def _check_bytes(value: Any, size: int, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != size:
        raise ProofError(f"the proof's {what} is not {size} bytes")


def _check_public_key(value: Any) -> None:
    if (
        not isinstance(value, bytes)
        or len(value) != _PUBLIC_KEY_SIZE
        or not value.startswith(P256_MULTIKEY_HEADER)
    ):
        raise ProofError("the proof's proof-scoped key is not a P-256 multikey")


def _check_signatures(value: Any) -> None:
    if not isinstance(value, list) or not all(
        isinstance(s, bytes) and len(s) == _SIGNATURE_SIZE for s in value
    ):
        raise ProofError("the proof's statement signatures are not a list of 64-byte values")
