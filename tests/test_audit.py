"""Archivable verification reports: the verdict with every input it rested on, re-checked
offline later (from the report alone), signed by the verifier; tampering is noticed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id
from skillswallet.audit import archive_verification, check_report
from skillswallet.did.key import did_from_public_key
from skillswallet.did.web import WebResolver, did_web_file
from skillswallet.errors import InvalidDocumentError
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import DirectorySource
from skillswallet.tour import skill_badge
from skillswallet.trust.lists import TrustList
from skillswallet.wallet import Wallet

from .conftest import invoke_main
from .vaultkit import NOW, PASSPHRASE, fast_kdf

SCHOOL = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(3, 35)))
SCHOOL_DID = did_from_public_key(SCHOOL.public)
LIST_URL = "https://school.example/status/1"
STAMP = "2025-06-01T00:00:00Z"


def _badge() -> dict[str, Any]:
    doc = skill_badge(SCHOOL_DID, "did:example:student", valid_from=STAMP)
    return issue_credential(doc, SCHOOL.signer(verification_method_id(SCHOOL.public)), created=NOW)


def _trusting(scopes: list[str]) -> TrustList:
    return TrustList.from_json(
        {"name": "Schools", "entries": [{"issuer": SCHOOL_DID, "scopes": scopes}]}
    )


@pytest.fixture
def verifier(tmp_path: Path) -> Any:
    wallet = Wallet.create(tmp_path / "verifier.vault", PASSPHRASE, kdf=fast_kdf())
    did = wallet.create_did("ed25519")
    yield wallet, did
    wallet.close()


def test_a_signed_report_is_decided_again_from_itself(verifier: Any) -> None:
    wallet, did = verifier
    report = archive_verification(_badge(), now=NOW, trust=[_trusting(["skill"])])
    signed = wallet.sign_report(report, did)
    assert signed["issuer"] == did and signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = signed["credentialSubject"]
    assert subject["verified"] is True and subject["checkedAt"] == "2025-07-01T12:00:00Z"
    inputs = json.loads(subject["inputs"])
    assert "https://www.w3.org/ns/credentials/v2" in inputs["contexts"]
    assert inputs["trustLists"][0]["value"]["name"] == "Schools"
    found = check_report(signed)
    assert found.holds and found.differences == () and found.signature is not None
    assert found.recorded_verified


def test_a_changed_report_does_not_hold(verifier: Any) -> None:
    wallet, did = verifier
    signed = wallet.sign_report(
        archive_verification(_badge(), now=NOW, trust=[_trusting(["skill"])]), did
    )
    forged = json.loads(json.dumps(signed))
    forged["credentialSubject"]["verified"] = False  # a verdict written another way
    found = check_report(forged)
    assert not found.holds and found.signature is not None and not found.signature.verified
    assert "the verdict is now True, was False" in found.differences
    # the trust list archived in it swapped for one that does not trust the school:
    inputs = json.loads(signed["credentialSubject"]["inputs"])
    inputs["trustLists"][0]["value"] = _trusting(["diploma"]).to_json()
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    unsigned["credentialSubject"] = dict(signed["credentialSubject"], inputs=json.dumps(inputs))
    found = check_report(unsigned)
    assert not found.holds and found.signature is None
    assert any("trust of credential: passed" in d for d in found.differences)


def test_status_lists_and_did_web_documents_are_archived(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with Wallet.create(
        tmp_path / "school.vault", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW
    ) as school:
        did = school.create_did_web("school.example")
        did_json = did_web_file(site, did)
        did_json.parent.mkdir(parents=True)
        did_json.write_text(json.dumps(school.did_web_document(did)))
        status = StatusIssuer(SqliteStatusRegistry(tmp_path / "status.sqlite"))
        status.create_list(LIST_URL, "revocation", did)
        unsigned = status.add_status(
            skill_badge(did, "did:example:s", valid_from=STAMP), [LIST_URL]
        )
        diploma = school.issue(unsigned, did)
        status.revoke(diploma["id"])
        status.publish(site / "status", school.signer(did), now=NOW)
    report = archive_verification(
        diploma, now=NOW, resolver=WebResolver(site), status=DirectorySource(site / "status")
    )
    inputs = json.loads(report["credentialSubject"]["inputs"])
    assert list(inputs["statusLists"]) == [LIST_URL]
    assert did in inputs["didDocuments"]
    assert report["credentialSubject"]["verified"] is False  # revoked
    for path in sorted(site.rglob("*"), reverse=True):  # the site is gone ...
        path.unlink() if path.is_file() else path.rmdir()
    found = check_report(report)  # ... the report alone decides it again
    assert found.holds and not found.recorded_verified


def test_not_a_report_is_a_typed_error() -> None:
    with pytest.raises(InvalidDocumentError, match="not a skillswallet VerificationReport"):
        check_report(_badge())
    broken = archive_verification(_badge(), now=NOW)
    broken["credentialSubject"]["inputs"] = "{not json"
    with pytest.raises(InvalidDocumentError, match="damaged or incomplete"):
        check_report(broken)


def test_report_out_and_report_check_from_the_command_line(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return invoke_main(monkeypatch, capsys, *args)

    assert run("init")[0] == 0
    code, out, _ = run("did", "create", "--json")
    did = json.loads(out)["did"]
    source, report = tmp_path / "badge.json", tmp_path / "report.json"
    source.write_text(json.dumps(_badge()))
    code, _, err = run("verify", str(source), "--as", did)
    assert code == 2 and "--as signs the report of --report-out" in err
    code, _, _ = run("verify", str(source), "--report-out", str(report), "--as", did)
    assert code == 0 and json.loads(report.read_text())["issuer"] == did
    code, out, _ = run("report", "check", str(report))
    assert code == 0 and "The decision holds: the document was verified." in out
    assert "The verifier's signature verifies." in out
    forged = json.loads(report.read_text())
    forged["credentialSubject"]["checkedAt"] = "2020-01-01T00:00:00Z"  # before it was issued
    report.write_text(json.dumps(forged))
    code, out, _ = run("report", "check", str(report), "--json")
    assert code == 1 and json.loads(out)["holds"] is False
    assert json.loads(out)["signatureVerified"] is False


def test_a_jwt_credential_is_archived_and_decided_again(verifier: Any) -> None:
    wallet, did = verifier
    unsigned = skill_badge(did, "did:example:student", valid_from=STAMP)
    token = wallet.issue_vc_jwt(unsigned, did)
    report = archive_verification(token, now=datetime.now(UTC))
    assert json.loads(report["credentialSubject"]["document"]) == token  # one form: JSON text
    found = check_report(report)
    assert found.holds and found.recorded_verified  # a vc+jwt of a did:key issuer: verified
