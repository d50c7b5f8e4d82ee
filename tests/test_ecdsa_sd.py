"""ecdsa-sd-2023: the W3C vectors step by step and byte for byte (ECDSA signatures are
randomized: the vector's are verified, and the proof values are rebuilt from them), two-way
interop with Digital Bazaar's implementation, and bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest

from skillswallet import derive_credential, issue_credential, verify
from skillswallet.credentials import jsonld
from skillswallet.credentials.loader import ContextLoader
from skillswallet.credentials.sd.groups import (
    canonicalize_and_group,
    hash_mandatory,
    hmac_label_map_factory,
)
from skillswallet.credentials.sd.proofvalue import (
    BaseProofValue,
    parse_base_proof_value,
    parse_derived_proof_value,
    serialize_base_proof_value,
)
from skillswallet.credentials.sd.select import pointer_to_paths, resolve_pointer, select_json_ld
from skillswallet.credentials.suites.ecdsa_sd_2023 import (
    ECDSA_SD_2023,
    add_derived_proof,
    base_transform,
    create_disclosure_data,
    serialize_sign_data,
)
from skillswallet.did.keyfile import read_key_file
from skillswallet.did.keys import KeyPair, verify_signature
from skillswallet.did.multikey import PublicKey, decode_multibase_base58
from skillswallet.errors import (
    CanonicalizationError,
    InvalidDocumentError,
    PointerError,
    ProofError,
    SelectableMandatoryWarning,
)
from skillswallet.result import Status

from .conftest import CONFORMANCE, ECDSA, INTEROP, NOW, invoke_main, load_json, read_text

SD = ECDSA / "ecdsa-sd-2023"
CREATED = datetime(2025, 6, 1, 12, tzinfo=UTC)
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
#: (folder, unsigned document, mandatory pointers, selective pointers)
EXAMPLES = {
    "employ": ("employmentAuth.json", "employMandatory.json", "employSelective.json"),
    "prc": ("prCredUnsigned.json", "prCredMandatory.json", "prCredSelective.json"),
}


@pytest.fixture(scope="module")
def loader() -> ContextLoader:
    raw = (CONFORMANCE / "contexts" / "citizenship-v4rc1.jsonld").read_bytes()
    return ContextLoader({CITIZENSHIP: (raw, hashlib.sha256(raw).hexdigest())})


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    material = load_json(SD / "SDKeyMaterial.json")
    return {
        "base": KeyPair.from_secret_multibase(material["baseKeyPair"]["secretKeyMultibase"]),
        "proof": KeyPair.from_secret_multibase(material["proofKeyPair"]["secretKeyMultibase"]),
        "hmac": bytes.fromhex(material["hmacKeyString"]),
        "material": material,
    }


def _vector(example: str, name: str) -> Any:
    return load_json(SD / example / name)


def _unsigned(example: str) -> dict[str, Any]:
    if example == "prc":
        # Upstream, prCredUnsigned.json has another description than the document the prc
        # vectors signed; the signed base document without its proof is that document.
        signed = _vector(example, "addSignedSDBase.json")
        return {k: v for k, v in signed.items() if k != "proof"}
    doc: dict[str, Any] = load_json(ECDSA / EXAMPLES[example][0])
    return doc


def _pointers(example: str) -> tuple[list[str], list[str]]:
    _, mandatory, selective = EXAMPLES[example]
    return load_json(ECDSA / mandatory), load_json(ECDSA / selective)


def _map(value: dict[str, Any]) -> dict[Any, Any]:
    """A JavaScript Map as the vectors write it: {"dataType": "Map", "value": [[k, v]...]}."""
    assert value["dataType"] == "Map"
    return dict(value["value"])


def _config_options(example: str) -> dict[str, Any]:
    config = _vector(example, "addProofConfig.json")
    return {k: v for k, v in config.items() if k != "@context"}


# --- issuer: every intermediate of the base proof -------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_base_proof_steps_byte_for_byte(example: str, loader: ContextLoader, keys: Any) -> None:
    document = _unsigned(example)
    mandatory_pointers, _ = _pointers(example)
    for entry in _vector(example, "addPointerValues.json"):
        assert resolve_pointer(document, entry["pointer"]) == entry["value"]

    canonical = jsonld.canonicalize(document, loader)
    assert canonical == "".join(_vector(example, "addBaseDocCanon.json"))

    transform = base_transform(document, mandatory_pointers, keys["hmac"], loader)
    expected = _vector(example, "addBaseTransform.json")
    assert transform.mandatory_pointers == expected["mandatoryPointers"]
    assert transform.mandatory == _map(expected["mandatory"])
    assert transform.non_mandatory == _map(expected["nonMandatory"])
    everything = {**transform.mandatory, **transform.non_mandatory}
    assert [everything[i] for i in sorted(everything)] == _vector(
        example, "addBaseDocHMACCanon.json"
    )

    proof_options = _config_options(example)
    assert ECDSA_SD_2023.canonical_proof_config(document, proof_options, loader) == read_text(
        SD / example / "addProofConfigCanon.txt"
    )
    hashes = _vector(example, "addHashData.json")
    proof_hash = ECDSA_SD_2023.proof_hash(document, proof_options, loader)
    mandatory_hash = hash_mandatory(transform.mandatory.values())
    assert proof_hash.hex() == hashes["proofHash"]
    assert mandatory_hash.hex() == hashes["mandatoryHash"]

    raw = _vector(example, "addRawBaseSignatureInfo.json")
    public_key = decode_multibase_base58(raw["publicKey"])
    assert raw["publicKey"] == keys["proof"].public.multibase
    base_signature = bytes.fromhex(raw["baseSignature"])
    signatures = [bytes.fromhex(s) for s in raw["signatures"]]
    to_sign = serialize_sign_data(proof_hash, public_key, mandatory_hash)
    assert verify_signature(keys["base"].public, to_sign, base_signature)
    assert not verify_signature(keys["base"].public, to_sign[:-1] + b"\0", base_signature)
    assert len(signatures) == len(transform.non_mandatory)
    for line, signature in zip(transform.non_mandatory.values(), signatures, strict=True):
        assert verify_signature(keys["proof"].public, line.encode(), signature)

    signed = _vector(example, "addSignedSDBase.json")
    proof_value = serialize_base_proof_value(
        BaseProofValue(base_signature, public_key, keys["hmac"], signatures, mandatory_pointers)
    )
    assert proof_value == signed["proof"]["proofValue"]
    recovered = _vector(example, "derivedRecoveredBaseData.json")
    parsed = parse_base_proof_value(proof_value)
    assert parsed.base_signature.hex() == recovered["baseSignature"]
    assert PublicKey.from_multibase(recovered["proofPublicKey"]).raw == parsed.public_key[2:]
    assert parsed.hmac_key.hex() == recovered["hmacKey"]
    assert [s.hex() for s in parsed.signatures] == recovered["signatures"]
    assert parsed.mandatory_pointers == recovered["mandatoryPointers"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_our_base_proof_with_the_vector_keys(
    example: str, loader: ContextLoader, keys: Any
) -> None:
    document = _unsigned(example)
    mandatory_pointers, _ = _pointers(example)
    options = _config_options(example)
    proof = ECDSA_SD_2023.create_base_proof(
        document,
        options,
        keys["base"].signer(options["verificationMethod"]),
        mandatory_pointers,
        loader,
        hmac_key=keys["hmac"],
        proof_scoped_key=keys["proof"],
    )
    signed = _vector(example, "addSignedSDBase.json")
    assert {k: v for k, v in proof.items() if k != "proofValue"} == {
        k: v for k, v in signed["proof"].items() if k != "proofValue"
    }
    ours = parse_base_proof_value(proof["proofValue"])
    theirs = parse_base_proof_value(signed["proof"]["proofValue"])
    assert ours.public_key == theirs.public_key
    assert ours.hmac_key == theirs.hmac_key
    assert ours.mandatory_pointers == theirs.mandatory_pointers
    assert len(ours.signatures) == len(theirs.signatures)
    # Derived from our base, with the vector's pointers: the disclosed document is the
    # vector's, and it verifies.
    _, selective = _pointers(example)
    derived = add_derived_proof({**document, "proof": proof}, proof, selective, loader)
    reveal = _vector(example, "derivedRevealDocument.json")
    assert {k: v for k, v in derived.items() if k != "proof"} == {
        k: v for k, v in reveal.items() if k != "proof"
    }
    unsecured = {k: v for k, v in derived.items() if k != "proof"}
    assert ECDSA_SD_2023.verify_proof(unsecured, derived["proof"], keys["base"].public, loader)


# --- holder: every intermediate of the derived proof ------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_derived_proof_steps_byte_for_byte(example: str, loader: ContextLoader, keys: Any) -> None:
    signed = _vector(example, "addSignedSDBase.json")
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    mandatory, selective = _pointers(example)
    assert select_json_ld(mandatory + selective, unsecured) == _vector(
        example, "derivedUnsignedReveal.json"
    )

    grouped = canonicalize_and_group(
        unsecured,
        hmac_label_map_factory(keys["hmac"]),
        {"mandatory": mandatory, "selective": selective, "combined": mandatory + selective},
        loader,
    )
    all_groups = _vector(example, "derivedAllGroupData.json")
    assert grouped.nquads == all_groups["nquads"]
    assert sorted(grouped.label_map.values()) == sorted(_map(all_groups["labelMap"]).values())
    for name, group in grouped.groups.items():
        assert group.matching == _map(all_groups["groups"][name]["matching"]), name
        assert group.non_matching == _map(all_groups["groups"][name]["nonMatching"]), name
    indexes = _vector(example, "derivedGroupIndexes.json")
    assert list(grouped.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouped.groups["mandatory"].matching) == indexes["mandatoryIndexes"]
    assert list(grouped.groups["mandatory"].non_matching) == indexes["nonMandatoryIndexes"]
    assert list(grouped.groups["selective"].matching) == indexes["selectiveIndexes"]

    data = create_disclosure_data(signed, signed["proof"], selective, loader)
    assert (
        data.mandatory_indexes
        == _vector(example, "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    )
    adjusted = _vector(example, "derivedAdjSignatures.json")
    non_mandatory = list(grouped.groups["mandatory"].non_matching)
    assert [
        position
        for position, index in enumerate(non_mandatory)
        if index in grouped.groups["selective"].matching
    ] == adjusted["adjSignatureIndexes"]
    assert [s.hex() for s in data.signatures] == adjusted["filteredSignatures"]
    disclosure = _vector(example, "derivedDisclosureData.json")
    _assert_derived_components(data, disclosure, _map(disclosure["labelMap"]))
    assert data.reveal_document == _vector(example, "derivedUnsignedReveal.json")

    derived = add_derived_proof(signed, signed["proof"], selective, loader)
    assert derived == _vector(example, "derivedRevealDocument.json")
    assert (
        derived["proof"]["proofValue"]
        == _vector(example, "derivedRevealDocument.json")["proof"]["proofValue"]
    )


def _assert_derived_components(value: Any, expected: dict[str, Any], label_map: Any) -> None:
    """The five components of a derived proof value against a vector's hex/multibase."""
    assert value.base_signature.hex() == expected["baseSignature"]
    assert value.public_key == decode_multibase_base58(expected["publicKey"])
    assert [s.hex() for s in value.signatures] == expected["signatures"]
    assert value.label_map == label_map
    assert value.mandatory_indexes == expected["mandatoryIndexes"]


# --- verifier ---------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_verify_derived_vector_step_by_step(example: str, loader: ContextLoader, keys: Any) -> None:
    derived = _vector(example, "derivedRevealDocument.json")
    unsecured = {k: v for k, v in derived.items() if k != "proof"}
    parsed = parse_derived_proof_value(derived["proof"]["proofValue"])
    expected = _vector(example, "verifyDerivedProofValue.json")
    _assert_derived_components(parsed, expected, dict(expected["labelMap"]))

    data = ECDSA_SD_2023.create_verify_data(unsecured, derived["proof"], loader)
    verify_data = _vector(example, "verifyCreateVerifyData.json")
    assert data.base_signature.hex() == verify_data["baseSignature"]
    assert data.proof_hash.hex() == verify_data["proofHash"]
    assert data.public_key == decode_multibase_base58(verify_data["publicKey"])
    assert [s.hex() for s in data.signatures] == verify_data["signatures"]
    assert data.non_mandatory == verify_data["nonMandatory"]
    assert data.mandatory_hash.hex() == verify_data["mandatoryHash"]
    nquads = _vector(example, "verifyNQuads.json")
    mandatory = [nquads[i] for i in parsed.mandatory_indexes]
    assert hash_mandatory(mandatory) == data.mandatory_hash

    assert ECDSA_SD_2023.verify_proof(unsecured, derived["proof"], keys["base"].public, loader)
    # Through verify(): the proof passes (the vector's issuer is not its signing key).
    result = verify(derived, loader=loader, now=NOW)
    assert result.check("proof").status is Status.PASSED, result.check("proof").reason


# --- interop with Digital Bazaar --------------------------------------------------------------

INTEROP_SELECTIVE = [
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/alignment",
]


def test_their_derived_credential_verifies() -> None:
    result = verify(load_json(INTEROP / "ob3-ecdsa-sd-2023-derived.json"), now=NOW)
    assert result.verified, result.to_json()
    assert result.check("proof").status is Status.PASSED


def test_we_derive_from_their_base_exactly_as_they_do() -> None:
    base = load_json(INTEROP / "ob3-ecdsa-sd-2023-base.json")
    derived = derive_credential(base, INTEROP_SELECTIVE)
    assert derived == load_json(INTEROP / "ob3-ecdsa-sd-2023-derived.json")
    assert verify(derived, now=NOW).verified


def test_their_base_credential_is_refused_as_it_is() -> None:
    result = verify(load_json(INTEROP / "ob3-ecdsa-sd-2023-base.json"), now=NOW)
    assert not result.verified
    proof = result.check("proof")
    assert proof.status is Status.FAILED
    assert "a base proof is not meant for verifiers" in proof.reason
    assert "derive" in proof.reason


# --- our issuing ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def p256_signer() -> Any:
    return read_key_file(INTEROP / "issuer-p256.key.json")


def p256_unsigned() -> dict[str, Any]:
    """The Open Badges sample, issued by the P-256 interop key."""
    unsigned: dict[str, Any] = load_json(INTEROP / "ob3-unsigned.json")
    unsigned["issuer"]["id"] = load_json(INTEROP / "issuer-p256.key.json")["did"]
    return unsigned


@pytest.fixture(scope="module")
def our_base(p256_signer: Any) -> dict[str, Any]:
    return issue_credential(
        p256_unsigned(), p256_signer, cryptosuite="ecdsa-sd-2023", created=CREATED
    )


def test_issue_with_our_default_mandatory_pointers(our_base: dict[str, Any]) -> None:
    parsed = parse_base_proof_value(our_base["proof"]["proofValue"])
    # /validUntil and /credentialStatus are not in this credential.
    assert parsed.mandatory_pointers == ["/issuer", "/validFrom", "/type"]
    derived = derive_credential(our_base, ["/credentialSubject/achievement/name"])
    assert derived["credentialSubject"]["achievement"]["name"] == "Advising colleagues"
    assert "alignment" not in derived["credentialSubject"]["achievement"]
    assert derived["issuer"] == our_base["issuer"]
    assert derived["validFrom"] == our_base["validFrom"]
    result = verify(derived, now=NOW)
    assert result.verified, result.to_json()


def test_lists_are_disclosed_whole_and_verify(p256_signer: Any) -> None:
    # Open Badges' allowedValue is a JSON-LD list: its cells are blank nodes that no
    # selection names, so each list is named by where it hangs (the second one alone too).
    unsigned = p256_unsigned()
    unsigned["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": f"urn:uuid:11111111-0000-4000-8000-00000000000{n}",
            "type": ["ResultDescription"],
            "name": name,
            "resultType": "LetterGrade",
            "allowedValue": values,
        }
        for n, name, values in ((1, "Level", ["low", "high"]), (2, "Grade", ["A", "B", "C"]))
    ]
    base = issue_credential(unsigned, p256_signer, cryptosuite="ecdsa-sd-2023", created=CREATED)
    for pointer in (
        "/credentialSubject/achievement/resultDescription/1/allowedValue",
        "/credentialSubject/achievement/resultDescription",
        "/credentialSubject/achievement/name",
    ):
        derived = derive_credential(base, [pointer])
        assert verify(derived, now=NOW).verified, pointer
    grades = derive_credential(
        base, ["/credentialSubject/achievement/resultDescription/1/allowedValue"]
    )["credentialSubject"]["achievement"]["resultDescription"]
    assert grades == [
        {
            "id": "urn:uuid:11111111-0000-4000-8000-000000000002",
            "type": ["ResultDescription"],
            "allowedValue": ["A", "B", "C"],
        }
    ]


def test_json_literals_are_refused_clearly(keys: Any) -> None:
    # An object inside an @json value is not a node: naming it would change the literal.
    schema_credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "JsonSchemaCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": "https://example.com/schemas/skill.json",
            "type": "JsonSchema",
            "jsonSchema": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
    }
    with pytest.raises(CanonicalizationError, match="JSON literals"):
        base_transform(schema_credential, ["/issuer"], keys["hmac"])


def test_a_mandatory_pointer_stays_revealed_and_verifies(our_base: dict[str, Any]) -> None:
    derived = derive_credential(our_base, ["/issuer/name", "/credentialSubject/id"])
    assert derived["issuer"] == our_base["issuer"]  # all of it, not just the name
    assert verify(derived, now=NOW).verified


def test_selectable_defaults_are_warned_about(p256_signer: Any) -> None:
    unsigned = p256_unsigned()
    with pytest.warns(SelectableMandatoryWarning, match="/validFrom, /type"):
        issue_credential(
            unsigned, p256_signer, cryptosuite="ecdsa-sd-2023", mandatory_pointers=["/issuer"]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        issue_credential(
            unsigned,
            p256_signer,
            cryptosuite="ecdsa-sd-2023",
            mandatory_pointers=["/issuer", "/validFrom", "/type", "/credentialSubject/id"],
        )


def test_issuing_refuses_bad_mandatory_pointers(p256_signer: Any) -> None:
    unsigned = p256_unsigned()
    with pytest.raises(PointerError, match="names nothing"):
        issue_credential(
            unsigned, p256_signer, cryptosuite="ecdsa-sd-2023", mandatory_pointers=["/nope"]
        )
    with pytest.raises(PointerError, match="must start with '/'"):
        issue_credential(
            unsigned, p256_signer, cryptosuite="ecdsa-sd-2023", mandatory_pointers=["issuer"]
        )
    with pytest.raises(ProofError, match="are for ecdsa-sd-2023"):
        issue_credential(unsigned, p256_signer, mandatory_pointers=["/issuer"])


# --- bad input: typed errors at derivation ------------------------------------------------------


def test_derive_refuses_a_pointer_that_names_nothing(our_base: dict[str, Any]) -> None:
    for pointer in (
        "/credentialSubject/nope",
        "/credentialSubject/achievement/alignment/5",
        "/credentialSubject/achievement/name/0",
    ):
        with pytest.raises(PointerError, match="names nothing"):
            derive_credential(our_base, [pointer])
    with pytest.raises(PointerError, match="invalid '~' escape"):
        derive_credential(our_base, ["/a~2b"])
    with pytest.raises(PointerError, match="as a list"):
        derive_credential(our_base, "/credentialSubject/id")  # type: ignore[arg-type]


def test_derive_refuses_what_is_not_a_base_credential(our_base: dict[str, Any]) -> None:
    derived = derive_credential(our_base, ["/credentialSubject/id"])
    with pytest.raises(ProofError, match="derived proof"):
        derive_credential(derived, ["/credentialSubject/id"])
    with pytest.raises(InvalidDocumentError, match="no ecdsa-sd-2023 proof"):
        derive_credential(load_json(INTEROP / "ob3-ecdsa-rdfc-2019.json"), ["/issuer"])
    changed = {**our_base, "validFrom": "2024-02-01T00:00:00Z"}
    derived_from_changed = derive_credential(changed, ["/credentialSubject/id"])
    assert not verify(derived_from_changed, now=NOW).verified
    with pytest.raises(InvalidDocumentError, match="not be a valid credential"):
        derive_credential(our_base, ["/issuer"])  # no credentialSubject left


def test_pointer_escapes() -> None:
    assert pointer_to_paths("/a~1b/c~0d/0/01") == ["a/b", "c~d", 0, "01"]
    assert resolve_pointer({"a/b": [{"0": "x"}]}, "/a~1b/0/0") == "x"


# --- bad input: failed checks with a clear reason, quickly --------------------------------------


@pytest.fixture(scope="module")
def their_derived() -> dict[str, Any]:
    doc: dict[str, Any] = load_json(INTEROP / "ob3-ecdsa-sd-2023-derived.json")
    return doc


def _proof_failure(document: dict[str, Any]) -> str:
    start = time.perf_counter()
    result = verify(document, now=NOW)
    assert time.perf_counter() - start < 2
    assert not result.verified
    proof = result.check("proof")
    assert proof.status is Status.FAILED, proof.reason
    assert "could not be processed" not in proof.reason  # never a defect
    return proof.reason


def _with_proof_value(document: dict[str, Any], proof_value: str) -> dict[str, Any]:
    return {**document, "proof": {**document["proof"], "proofValue": proof_value}}


def _components(document: dict[str, Any]) -> list[Any]:
    raw = base64.urlsafe_b64decode(document["proof"]["proofValue"][1:] + "==")
    components: list[Any] = cbor2.loads(raw[3:])
    return components


def _encoded(components: list[Any], header: bytes = b"\xd9\x5d\x01") -> str:
    raw = header + cbor2.dumps(components)
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_forged_values_fail(their_derived: dict[str, Any]) -> None:
    forged = {
        **their_derived,
        "credentialSubject": {
            **their_derived["credentialSubject"],
            "achievement": {
                **their_derived["credentialSubject"]["achievement"],
                "name": "Advising the board",
            },
        },
    }
    assert "signature does not match" in _proof_failure(forged)
    forged_mandatory = {**their_derived, "validFrom": "2023-01-01T00:00:00Z"}
    assert "signature does not match" in _proof_failure(forged_mandatory)


def test_reordered_values_and_signatures_fail(their_derived: dict[str, Any]) -> None:
    achievement = their_derived["credentialSubject"]["achievement"]
    alignment = achievement["alignment"][0]
    swapped = {
        **their_derived,
        "credentialSubject": {
            **their_derived["credentialSubject"],
            "achievement": {
                **achievement,
                "name": alignment["targetName"],
                "alignment": [{**alignment, "targetName": achievement["name"]}],
            },
        },
    }
    assert "signature does not match" in _proof_failure(swapped)
    components = _components(their_derived)
    components[2] = [components[2][1], components[2][0], *components[2][2:]]
    assert "signature does not match" in _proof_failure(
        _with_proof_value(their_derived, _encoded(components))
    )
    components = _components(their_derived)
    components[4] = [i + 1 for i in components[4]]
    assert "signature" in _proof_failure(_with_proof_value(their_derived, _encoded(components)))


def test_an_undisclosed_statement_added_fails(their_derived: dict[str, Any]) -> None:
    added = {**their_derived, "name": "Advising"}
    reason = _proof_failure(added)
    assert "signatures" in reason or "label" in reason or "defined" in reason


def test_broken_proof_values_fail_with_a_reason(their_derived: dict[str, Any]) -> None:
    value = their_derived["proof"]["proofValue"]
    cases = {
        value[:40]: "not valid CBOR",
        value[:-8]: "not valid CBOR",
        "u" + base64.urlsafe_b64encode(b"\xd9\x5d\x01not cbor at all").decode().rstrip("="): (
            "CBOR"
        ),
        "z" + value[1:]: "must start with 'u'",
        "u!!!": "not valid base64url",
        _encoded(_components(their_derived), b"\xd9\x5d\x07"): "proof header 0xd95d01",
        _encoded(_components(their_derived), b"\xd9\x5d\x00"): "not meant for verifiers",
        _encoded(_components(their_derived)[:4]): "five components",
        _encoded([cbor2.CBORTag(1234, c) for c in _components(their_derived)]): "tag",
        _encoded([b"\0" * 63, *_components(their_derived)[1:]]): "64 bytes",
        _encoded([*_components(their_derived)[:3], {0: b"\0"}, []]): "32-byte labels",
        _encoded([*_components(their_derived)[:3], {}, [0]]): "no label for blank node",
    }
    for proof_value, reason in cases.items():
        assert reason in _proof_failure(_with_proof_value(their_derived, proof_value)), reason


def test_wrong_key_fails(their_derived: dict[str, Any]) -> None:
    other = KeyPair.generate("p256")
    unsecured = {k: v for k, v in their_derived.items() if k != "proof"}
    assert not ECDSA_SD_2023.verify_proof(unsecured, their_derived["proof"], other.public)
    did = f"did:key:{other.public.multibase}"
    method = f"{did}#{other.public.multibase}"
    moved = {
        **their_derived,
        "issuer": {**their_derived["issuer"], "id": did},
        "proof": {**their_derived["proof"], "verificationMethod": method},
    }
    assert "signature does not match" in _proof_failure(moved)
    ed25519 = load_json(INTEROP / "issuer-ed25519.key.json")
    wrong_type = {
        **their_derived,
        "proof": {**their_derived["proof"], "verificationMethod": ed25519["verificationMethod"]},
    }
    assert "ed25519" in _proof_failure(wrong_type)


# --- the command line -------------------------------------------------------------------------


def test_cli_issue_ecdsa_sd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unsigned = p256_unsigned()
    source = tmp_path / "unsigned.json"
    source.write_text(json.dumps(unsigned))
    key = str(INTEROP / "issuer-p256.key.json")
    out = tmp_path / "base.json"
    code, _, err = invoke_main(
        monkeypatch, capsys, "issue", str(source), "--key", key, "--suite", "ecdsa-sd-2023",
        "--mandatory", "/issuer", "--mandatory", "/credentialSubject/id", "--out", str(out),
    )  # fmt: skip
    assert code == 0
    assert "warning: the holder will be able to hide /validFrom, /type" in err
    base = load_json(out)
    parsed = parse_base_proof_value(base["proof"]["proofValue"])
    assert parsed.mandatory_pointers == ["/issuer", "/credentialSubject/id"]
    assert verify(derive_credential(base, ["/credentialSubject/achievement/name"])).verified
    code, _, err = invoke_main(
        monkeypatch, capsys, "issue", str(source), "--key", key, "--mandatory", "/issuer"
    )
    assert code == 2 and "--mandatory is for --suite ecdsa-sd-2023" in err
    code, _, err = invoke_main(
        monkeypatch, capsys, "issue", str(source), "--key", key, "-s", "ecdsa-sd-2023",
        "-m", "/nope",
    )  # fmt: skip
    assert code == 3 and "names nothing" in err and "warning" not in err


def test_cli_issue_ecdsa_sd_with_a_vault_key(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    code, did, _ = invoke_main(monkeypatch, capsys, "did", "create", "--type", "p256")
    unsigned = load_json(INTEROP / "ob3-unsigned.json")
    del unsigned["issuer"]
    source = tmp_path / "unsigned.json"
    source.write_text(json.dumps(unsigned))
    out = tmp_path / "base.json"
    code, _, err = invoke_main(
        monkeypatch, capsys, "issue", "--as", did.strip(), str(source), "-s", "ecdsa-sd-2023",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert "warning" not in err  # our defaults
    base = load_json(out)
    assert parse_base_proof_value(base["proof"]["proofValue"]).mandatory_pointers == [
        "/issuer",
        "/validFrom",
        "/type",
    ]
    assert verify(derive_credential(base, ["/credentialSubject/id"])).verified
