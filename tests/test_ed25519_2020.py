"""Ed25519Signature2020: the W3C vector reproduced, issuing on request, verifying it alone
and in proof sets with Data Integrity proofs (VC 1.1 and 2.0), its verification methods
(Ed25519VerificationKey2020 and Multikey, from any DID resolver), the pinned current
context, and what must fail."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import base58
import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.credentials.loader import ContextLoader, bundled_contexts
from skillswallet.credentials.proofs import add_proof, unsecured_copy
from skillswallet.credentials.suites import ALL_SUITES, get_suite
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.did.resolver import StaticResolver
from skillswallet.result import CheckId, Status, VerificationResult
from skillswallet.verify import verify

from .conftest import CONFORMANCE, EDDSA, NOW, load_json, read_text

VECTORS = EDDSA / "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
OLD_CONTEXT = CONFORMANCE / "contexts" / "ed25519-2020-v1-2020-09-18.jsonld"

ISSUER = KeyPair.generate("ed25519")
ISSUER_DID = did_from_public_key(ISSUER.public)
SIGNER = ISSUER.signer(verification_method_id(ISSUER.public))

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"


def _credential(version: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2 if version == 2 else V1],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
    }
    if version == 1:
        doc["issuanceDate"] = "2024-01-01T00:00:00Z"
    else:
        doc["validFrom"] = "2024-01-01T00:00:00Z"
    return doc


def _signed(version: int) -> dict[str, Any]:
    return issue_credential(
        _credential(version), SIGNER, cryptosuite="Ed25519Signature2020", created=NOW
    )


def _proof_check(result: VerificationResult) -> Any:
    return next(c for c in result.checks if c.id is CheckId.PROOF)


# --- the published vector ---------------------------------------------------------------------


def test_w3c_vector_every_intermediate_and_the_signed_credential() -> None:
    suite = get_suite("Ed25519Signature2020")
    keys = load_json(EDDSA / "keyPair.json")
    pair = KeyPair.from_secret_multibase(keys["privateKeyMultibase"])
    signed = load_json(VECTORS / "signedEdSig.json")
    config = load_json(VECTORS / "proofConfigEdSig.json")
    unsigned = unsecured_copy(signed)

    data = suite.hash_data(unsigned, config, pair.type)
    assert data.canonical_document == read_text(VECTORS / "canonDocEdSig.txt")
    assert data.canonical_proof_config == read_text(VECTORS / "proofCanonEdSig.txt")
    assert data.document_hash.hex() == read_text(VECTORS / "docHashEdSig.txt").strip()
    assert data.proof_config_hash.hex() == read_text(VECTORS / "proofHashEdSig.txt").strip()
    assert data.combined.hex() == read_text(VECTORS / "combinedHashEdSig.txt").strip()
    signature = pair.sign(data.combined)
    assert signature.hex() == read_text(VECTORS / "sigHexEdSig.txt").strip()
    assert (
        "z" + base58.b58encode(signature).decode()
        == read_text(VECTORS / "sigBTC58EdSig.txt").strip()
    )

    options = {k: v for k, v in config.items() if k != "@context"}
    proof = suite.create_proof(unsigned, options, pair.signer(config["verificationMethod"]))
    assert proof == signed["proof"]  # no cryptosuite, the vector's type and order
    # (the vector's issuer is an https URL, not the key's DID: only the proof is checked)
    check = _proof_check(verify(signed, now=NOW))
    assert check.status is Status.PASSED, check.reason
    assert check.reason == "1 proof verified (Ed25519Signature2020)"


def test_the_pinned_context_is_the_current_revision() -> None:
    current = bundled_contexts()[CONTEXT]["@context"]
    assert "proof" in current and "expires" in current["Ed25519Signature2020"]["@context"]
    key_terms = current["Ed25519VerificationKey2020"]["@context"]
    assert key_terms["publicKeyMultibase"]["@type"] == "https://w3id.org/security#multibase"
    manifest = json.loads(
        (
            Path(__import__("skillswallet").__file__).parent
            / "credentials"
            / "contexts"
            / "manifest.json"
        ).read_text()
    )
    assert manifest[CONTEXT]["sha256"].startswith("b9e1ab971fd8bf2c")


# --- issuing and verifying ----------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_issue_adds_the_context_and_verifies(version: int) -> None:
    signed = _signed(version)
    assert signed["@context"][-1] == CONTEXT
    proof = signed["proof"]
    assert proof["type"] == "Ed25519Signature2020" and "cryptosuite" not in proof
    assert proof["proofValue"].startswith("z")
    result = verify(signed, now=NOW)
    assert result.verified, result.to_json()
    assert _proof_check(result).detail["proofs"][0]["cryptosuite"] == "Ed25519Signature2020"


@pytest.mark.parametrize("version", [1, 2])
def test_a_document_modified_after_signing_fails(version: int) -> None:
    signed = _signed(version)
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    result = verify(signed, now=NOW)
    assert not result.verified
    check = _proof_check(result)
    assert check.status is Status.FAILED and "does not match the document" in check.reason


def test_a_modified_proof_option_fails() -> None:
    signed = _signed(2)
    signed["proof"]["created"] = "2020-01-01T00:00:00Z"
    assert _proof_check(verify(signed, now=NOW)).status is Status.FAILED


def test_without_its_context_the_proof_fails_with_the_reason() -> None:
    signed = _signed(2)
    signed["@context"] = [V2]
    check = _proof_check(verify(signed, now=NOW))
    assert check.status is Status.FAILED and CONTEXT in check.reason


def test_not_accepted_when_the_caller_leaves_it_out() -> None:
    signed = _signed(2)
    suites = [name for name in ALL_SUITES if name != "Ed25519Signature2020"]
    check = _proof_check(verify(signed, now=NOW, suites=suites))
    assert check.status is Status.FAILED and "not on the accepted list" in check.reason


def test_a_proof_made_under_the_2020_09_18_context_still_verifies() -> None:
    raw = OLD_CONTEXT.read_bytes()
    old = ContextLoader({CONTEXT: (raw, hashlib.sha256(raw).hexdigest())})
    assert "proof" not in old.load(CONTEXT)["@context"]  # really the old revision
    signed = issue_credential(
        _credential(1), SIGNER, cryptosuite="Ed25519Signature2020", loader=old, created=NOW
    )
    assert verify(signed, now=NOW).verified  # verified under the current one


def test_expires_is_signed_under_the_current_context() -> None:
    # (the 2020-09-18 revision does not define expires: it could not be signed at all)
    doc = _credential(2)
    doc["@context"].append(CONTEXT)
    doc["issuer"] = ISSUER_DID
    signed = add_proof(
        doc,
        SIGNER,
        cryptosuite="Ed25519Signature2020",
        created=NOW,
        expires=NOW + timedelta(days=1),
    )
    assert verify(signed, now=NOW).verified
    later = copy.deepcopy(signed)
    later["proof"]["expires"] = "2030-01-01T00:00:00Z"
    assert _proof_check(verify(later, now=NOW)).status is Status.FAILED  # expires is signed
    assert _proof_check(verify(signed, now=NOW + timedelta(days=2))).status is Status.FAILED


# --- proof sets --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_proof_set_with_data_integrity_proofs(version: int) -> None:
    p256 = KeyPair.generate("p256")
    p256_signer = p256.signer(verification_method_id(p256.public))
    doc = _credential(version)
    doc["@context"].append(CONTEXT)
    if version == 1:
        doc["@context"].append("https://w3id.org/security/data-integrity/v2")
    doc["issuer"] = ISSUER_DID
    signed = add_proof(doc, SIGNER, cryptosuite="Ed25519Signature2020", created=NOW)
    signed = add_proof(signed, SIGNER, cryptosuite="eddsa-rdfc-2022", created=NOW)
    signed = add_proof(signed, p256_signer, cryptosuite="ecdsa-rdfc-2019", created=NOW)
    result = verify(signed, now=NOW)
    assert result.verified, result.to_json()
    check = _proof_check(result)
    assert [p["cryptosuite"] for p in check.detail["proofs"]] == [
        "Ed25519Signature2020",
        "eddsa-rdfc-2022",
        "ecdsa-rdfc-2019",
    ]
    assert "Ed25519Signature2020, eddsa-rdfc-2022, ecdsa-rdfc-2019" in check.reason

    forged = copy.deepcopy(signed)
    forged["proof"][0]["proofValue"] = signed["proof"][1]["proofValue"]
    check = _proof_check(verify(forged, now=NOW))
    assert check.status is Status.FAILED and check.reason.startswith("proof 0:")


# --- verification methods from a DID resolver ----------------------------------------------------

WEB_DID = "did:web:university.example"


def _did_web_document(method_type: str, key: KeyPair) -> dict[str, Any]:
    vm = f"{WEB_DID}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", CONTEXT],
        "id": WEB_DID,
        "verificationMethod": [
            {
                "id": vm,
                "type": method_type,
                "controller": WEB_DID,
                "publicKeyMultibase": key.public.multibase,
            }
        ],
        "assertionMethod": [vm],
    }


@pytest.mark.parametrize("method_type", ["Ed25519VerificationKey2020", "Multikey"])
def test_did_web_methods_of_either_type(method_type: str) -> None:
    resolver = StaticResolver({WEB_DID: _did_web_document(method_type, ISSUER)})
    doc = _credential(2)
    doc["issuer"] = WEB_DID
    signed = issue_credential(
        doc, ISSUER.signer(f"{WEB_DID}#key-1"), cryptosuite="Ed25519Signature2020", created=NOW
    )
    result = verify(signed, now=NOW, resolver=resolver)
    assert result.verified, result.to_json()


def test_an_ed25519_verification_key_2020_holding_another_key_type_is_refused() -> None:
    p256 = KeyPair.generate("p256")
    resolver = StaticResolver({WEB_DID: _did_web_document("Ed25519VerificationKey2020", p256)})
    doc = _credential(2)
    doc["issuer"] = WEB_DID
    signed = issue_credential(
        doc, ISSUER.signer(f"{WEB_DID}#key-1"), cryptosuite="Ed25519Signature2020", created=NOW
    )
    check = _proof_check(verify(signed, now=NOW, resolver=resolver))
    assert check.status is Status.FAILED and "Ed25519VerificationKey2020" in check.reason


def test_a_p256_key_cannot_make_the_proof() -> None:
    p256 = KeyPair.generate("p256")
    from skillswallet.errors import CryptosuiteError

    with pytest.raises(CryptosuiteError):
        issue_credential(
            _credential(2),
            p256.signer(verification_method_id(p256.public)),
            cryptosuite="Ed25519Signature2020",
        )


# --- the command line ----------------------------------------------------------------------------


def test_cli_issue_with_the_suite_and_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import invoke_main

    key = tmp_path / "k.json"
    code, did, _ = invoke_main(monkeypatch, capsys, "key", "generate", "-o", str(key))
    assert code == 0
    src = tmp_path / "u.json"
    src.write_text(json.dumps(_credential(1)))
    code, out, err = invoke_main(
        monkeypatch, capsys, "issue", "--key", str(key), "--suite", "Ed25519Signature2020", str(src)
    )
    assert code == 0, err
    signed = json.loads(out)
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    assert signed["issuer"] == did.strip()
    path = tmp_path / "signed.json"
    path.write_text(out)
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--json", str(path))
    assert code == 0
    proof = next(c for c in json.loads(out)["checks"] if c["id"] == "proof")
    assert "Ed25519Signature2020" in proof["reason"]
    signed["credentialSubject"]["id"] = "did:example:tampered"
    path.write_text(json.dumps(signed))
    code, _, _ = invoke_main(monkeypatch, capsys, "verify", str(path))
    assert code == 1
