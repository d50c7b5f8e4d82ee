"""VC-JOSE-COSE (vc+jwt) credentials, and JWT credentials through the command line:
import (detected from content), list/show, verify (the report names the format), and
presenting an SD-JWT VC with one claim disclosed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skillswallet.did.key import verification_method_id
from skillswallet.did.keys import KeyPair, KeySigner, public_key_to_jwk
from skillswallet.jose import JoseError, issue_vc_jwt
from skillswallet.jose.compact import b64url_encode, unverified_payload
from skillswallet.jose.keys import sign_jws
from skillswallet.result import CheckId, Status
from skillswallet.verify import verify
from skillswallet.wallet import Wallet

from .conftest import NOW, invoke_main

UNSIGNED: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:ada"},
}


def _signer(key_type: str = "p256") -> KeySigner:
    pair = KeyPair.generate(key_type)
    return pair.signer(verification_method_id(pair.public))


def _failed(result: Any) -> dict[str, str]:
    bad = (Status.FAILED, Status.INCONCLUSIVE)
    return {c.id.value: c.reason for c in result.checks if c.status in bad}


@pytest.mark.parametrize(("key_type", "alg"), [("p256", "ES256"), ("ed25519", "EdDSA")])
def test_vc_jwt_issued_and_verified(key_type: str, alg: str) -> None:
    signer = _signer(key_type)
    token = issue_vc_jwt(UNSIGNED, signer, issued_at=NOW)
    payload = unverified_payload(token)
    assert payload["issuer"] == verification_method_id(signer.key_pair.public).split("#")[0]
    result = verify(token, now=NOW)
    assert result.verified, _failed(result)
    assert result.check(CheckId.STRUCTURE).detail["format"] == "vc+jwt"
    assert alg in result.check(CheckId.PROOF).reason


def test_vc_jwt_signed_by_another_key_than_the_issuers_fails() -> None:
    signer = _signer()
    with pytest.raises(JoseError, match="not the key's"):
        issue_vc_jwt({**UNSIGNED, "issuer": "did:example:school"}, signer)
    forged = sign_jws(
        {"typ": "vc+jwt", "kid": signer.verification_method},
        {**UNSIGNED, "issuer": "did:example:school"},
        signer,
    )
    assert "not the issuer did:example:school" in _failed(verify(forged, now=NOW))["issuer_binding"]


def test_vc_jwt_tampered_expired_and_not_yet_valid() -> None:
    signer = _signer()
    token = issue_vc_jwt(UNSIGNED, signer, issued_at=NOW, expires=NOW + timedelta(days=1))
    header, _, signature = token.split(".")
    changed = {**unverified_payload(token), "validFrom": "2020-01-01T00:00:00Z"}
    forged = f"{header}.{b64url_encode(json.dumps(changed).encode())}.{signature}"
    assert "does not match" in _failed(verify(forged, now=NOW))["proof"]
    later = NOW + timedelta(days=2)
    assert "(exp)" in _failed(verify(token, now=later))["validity_period"]
    early = issue_vc_jwt({**UNSIGNED, "validFrom": "2030-01-01T00:00:00Z"}, signer)
    assert "valid from 2030" in _failed(verify(early, now=NOW))["validity_period"]


def test_vc_1_1_jwt_and_unknown_types_are_refused_with_a_reason() -> None:
    signer = _signer()
    legacy = sign_jws({"typ": "JWT", "kid": signer.verification_method}, {"vc": {}}, signer)
    assert "only vc+jwt and dc+sd-jwt" in _failed(verify(legacy, now=NOW))["structure"]
    typed = sign_jws({"typ": "vc+jwt", "kid": signer.verification_method}, {"vc": {}}, signer)
    assert "VC 1.1 JWT encoding" in _failed(verify(typed, now=NOW))["structure"]


def test_pinned_jwk_and_a_kid_not_for_assertions() -> None:
    signer = _signer()
    token = sign_jws({"typ": "vc+jwt"}, {**UNSIGNED, "issuer": "https://school.example"}, signer)
    pinned = verify(token, now=NOW, issuer_key=public_key_to_jwk(signer.key_pair.public))
    assert pinned.verified, _failed(pinned)
    assert verify(token, now=NOW).check(CheckId.PROOF).status is Status.INCONCLUSIVE
    private = {**public_key_to_jwk(signer.key_pair.public), "d": "AAAA"}
    assert "private key" in _failed(verify(token, now=NOW, issuer_key=private))["proof"]


def test_vc_jwt_in_the_wallet(wallet: Wallet, me: str, tmp_path: Path) -> None:
    school = wallet.create_did("p256")
    token = wallet.issue_vc_jwt({**UNSIGNED, "credentialSubject": {"id": me}}, school)
    outcome = wallet.import_credentials([token]).outcomes[0]
    assert outcome.status == "stored", outcome.reasons
    summary, credential = wallet.get(outcome.record_id or "")
    assert summary.format == "vc+jwt" and summary.subject == me
    assert credential["credentialSubject"] == {"id": me}
    assert wallet.serialization(summary.id) == token
    [path] = wallet.export_plaintext(tmp_path / "out")
    assert path.suffix == ".jwt" and path.read_text().strip() == token


# --- the command line ------------------------------------------------------------------------


def _holder_with_sd_jwt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[str, Path]:
    """A CLI vault with a DID, and an SD-JWT VC bound to it in a file (not yet imported)."""
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    code, did, _ = invoke_main(monkeypatch, capsys, "did", "create")
    assert code == 0
    issuer = _signer()
    from skillswallet.did.key import public_key_from_did
    from skillswallet.jose import issue_sd_jwt_vc

    text = issue_sd_jwt_vc(
        {"given_name": "Ada", "skills": [{"id": "http://data.europa.eu/esco/skill/x"}]},
        issuer, vct="https://credentials.example/skills", disclosable=["given_name", "skills"],
        holder_key=public_key_from_did(did.strip()), issued_at=datetime.now(UTC),
    ).serialization  # fmt: skip
    path = tmp_path / "skill.sd-jwt"
    path.write_text(text + "\n")
    return did.strip(), path


def present_and_verify(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    chosen: list[str],
    challenge: str,
    out: Path,
) -> tuple[str, dict[str, Any]]:
    """``present`` (the credentials and disclosures ``chosen``) for jobs.example into
    ``out``, then ``verify --json`` of it: (what present said, the verified report)."""
    code, said, err = invoke_main(
        monkeypatch, capsys, "present", *chosen, "--challenge", challenge,
        "--domain", "jobs.example", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    code, printed, _ = invoke_main(
        monkeypatch, capsys, "verify", str(out), "--challenge", challenge,
        "--domain", "jobs.example", "--json",
    )  # fmt: skip
    report: dict[str, Any] = json.loads(printed)
    assert code == 0 and report["verified"], printed
    return said, report


def test_cli_imports_lists_verifies_and_presents_an_sd_jwt_vc(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, path = _holder_with_sd_jwt(tmp_path, monkeypatch, capsys)
    code, out, err = invoke_main(monkeypatch, capsys, "verify", str(path))
    assert code == 0, out + err
    assert "an SD-JWT VC (dc+sd-jwt" in out and "disclosures" in out
    code, out, err = invoke_main(monkeypatch, capsys, "import", "--json", str(path))
    assert code == 0, err
    record = json.loads(out)[0]["id"]
    code, out, _ = invoke_main(monkeypatch, capsys, "show", record)
    assert code == 0 and "format:   dc+sd-jwt" in out and '"given_name": "Ada"' in out
    presented = tmp_path / "presented.txt"
    said, report = present_and_verify(
        monkeypatch, capsys, ["--credential", record[:8], "--disclose", "given_name"],
        "nonce-42", presented,
    )  # fmt: skip
    assert "reveals   given_name" in said and "withholds skills" in said
    assert {c["id"] for c in report["checks"]} >= {"holder_binding", "challenge", "domain"}
    code, out, err = invoke_main(monkeypatch, capsys, "verify", str(presented))
    assert code == 2 and "--challenge" in err
    code, out, _ = invoke_main(
        monkeypatch,
        capsys,
        "verify",
        str(presented),
        "--challenge",
        "other",
        "--domain",
        "jobs.example",
    )
    assert code == 1 and "nonce 'nonce-42' is not the expected 'other'" in out


def test_cli_import_refuses_what_it_cannot_read_with_a_clear_error(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    junk = tmp_path / "note.txt"
    junk.write_text("hello, this is not a credential\n")
    code, _, err = invoke_main(monkeypatch, capsys, "import", str(junk))
    assert code == 3 and "compact JWTs (vc+jwt), SD-JWT VCs" in err
    huge = tmp_path / "huge.jwt"
    huge.write_text("eyJ" + "A" * (1024 * 1024 + 100))
    code, _, err = invoke_main(monkeypatch, capsys, "import", str(huge))
    assert code == 3 and "larger than 1024 KiB" in err


def test_cli_issues_an_sd_jwt_vc_that_its_holder_imports_and_presents(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return invoke_main(monkeypatch, capsys, *args)

    assert run("init")[0] == 0
    issuer = json.loads(run("did", "create", "--type", "p256", "--json")[1])["did"]
    holder = json.loads(run("did", "create", "--json")[1])["did"]
    claims = tmp_path / "claims.json"
    claims.write_text(
        json.dumps(
            {
                "skills": [{"id": "http://data.europa.eu/esco/skill/x", "name": "welding"}],
                "grade": "A",
            }
        )
    )
    out = tmp_path / "skill.sd-jwt"
    issue = ("jwt", "issue", str(claims), "--as", issuer, "--out", str(out))
    code, _, err = run(*issue)
    assert code == 2 and "needs --vct" in err
    code, said, err = run(
        *issue, "--vct", "https://school.example/skill", "--disclosable", "grade",
        "--disclosable", "skills", "--holder", holder,
    )  # fmt: skip
    assert code == 0 and "Wrote the sd-jwt credential" in said, err
    assert out.read_text().count("~") >= 3  # the issuer JWT and two disclosures
    code, said, _ = run("import", "--json", str(out))
    record = json.loads(said)[0]["id"]
    presented = tmp_path / "vp.sd-jwt"
    code, said, err = run(
        "present", "--credential", record[:8], "--disclose", "skills", "--challenge", "n-1",
        "--domain", "jobs.example", "--out", str(presented),
    )  # fmt: skip
    assert code == 0 and "withholds grade" in said, err
    code, said, _ = run("verify", str(presented), "--challenge", "n-1", "--domain", "jobs.example")
    assert code == 0 and said.startswith("VERIFIED")
