"""What a new user tripped over (issue #12, item 6): delete asks first, a short
passphrase is refused or warned about, verify and issue take several files and arrays,
--context adds a pinned context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import test_cli_present
from .conftest import invoke_main
from .vaultkit import PASSPHRASE, credential

holder = test_cli_present.holder  # the fixture: a vault with the school's credential


@pytest.fixture
def vault(cli_vault: Path) -> Path:
    return cli_vault


def _stored_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    src = tmp_path / "c.json"
    src.write_text(json.dumps(credential("Welding")))
    assert invoke_main(monkeypatch, capsys, "import", str(src))[0] == 0
    _, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    return str(json.loads(out)[0]["id"])


def test_delete_without_a_terminal_needs_yes(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = _stored_id(tmp_path, monkeypatch, capsys)
    code, _, err = invoke_main(monkeypatch, capsys, "delete", rid)
    assert code == 2 and "--yes" in err
    assert json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1])  # still there
    assert invoke_main(monkeypatch, capsys, "delete", rid, "--yes")[0] == 0
    assert json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1]) == []


@pytest.mark.parametrize("answer", [False, True])
def test_delete_in_a_terminal_asks_first(
    answer: bool,
    vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import skillswallet.cli.vault as cli_vault

    rid = _stored_id(tmp_path, monkeypatch, capsys)
    asked: list[str] = []
    monkeypatch.setattr(cli_vault, "is_interactive", lambda: True)
    monkeypatch.setattr(cli_vault, "confirm", lambda question: asked.append(question) or answer)
    code, _, err = invoke_main(monkeypatch, capsys, "delete", rid[:8])
    assert len(asked) == 1 and rid in asked[0] and "Welding" in asked[0]
    left = json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1])
    if answer:
        assert code == 0 and left == []
    else:
        assert code == 2 and "nothing deleted" in err and len(left) == 1


def test_a_short_passphrase_is_refused_and_a_weak_one_warned_about(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", "x")
    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 2 and "too short" in err and "at least 8" in err
    assert not vault.exists()

    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", "abcdefghi")  # 9: accepted, warned
    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 0 and err.startswith("warning: a short or repetitive passphrase")

    monkeypatch.setenv("SKILLSWALLET_NEW_PASSPHRASE", "short")
    code, _, err = invoke_main(monkeypatch, capsys, "passphrase", "change")
    assert code == 2 and "too short" in err
    monkeypatch.setenv("SKILLSWALLET_NEW_PASSPHRASE", PASSPHRASE)
    code, _, err = invoke_main(monkeypatch, capsys, "passphrase", "change")
    assert code == 0 and "warning" not in err


# --- verify several files and arrays ---------------------------------------------------------


def test_verify_takes_several_files_and_arrays_with_a_report_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(credential("Welding")))
    single = invoke_main(monkeypatch, capsys, "verify", str(good))
    forged = credential("Cooking")
    forged["name"] = "Forged"
    both = tmp_path / "both.json"
    both.write_text(json.dumps([credential("Baking"), forged]))

    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(good), str(both))
    assert code == 1  # one is not verified
    assert out.startswith(f"{good}:\n  VERIFIED\n")
    assert f"{both}[0]:\n  VERIFIED\n" in out and f"{both}[1]:\n  NOT VERIFIED\n" in out
    assert out.endswith("2 of 3 verified.\n")
    # one file, one document: the report as it always was
    assert single[0] == 0 and single[1].startswith("VERIFIED\n")

    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--json", str(both))
    reports = json.loads(out)
    assert code == 1
    assert [(r["file"], r["verified"]) for r in reports] == [
        (f"{both}[0]", True),
        (f"{both}[1]", False),
    ]
    assert {"checks", "claimed"} <= set(reports[0])

    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(good), str(good))
    assert code == 0 and out.endswith("2 of 2 verified.\n")
    code, _, err = invoke_main(monkeypatch, capsys, "verify", str(both), "--html", "r.html")
    assert code == 2 and "one document" in err


def test_verify_says_where_it_wrote_the_page_and_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # an employer ran 'verify --html report.html' and was told nothing about the page
    source, page, archived = tmp_path / "c.json", tmp_path / "r.html", tmp_path / "r.json"
    source.write_text(json.dumps(credential("Welding")))
    code, out, err = invoke_main(
        monkeypatch, capsys, "verify", "--json", str(source), "--html", str(page),
        "--report-out", str(archived),
    )  # fmt: skip
    assert code == 0 and json.loads(out)["verified"] is True  # stdout: the JSON alone
    assert f"Wrote the report as a page to {page}" in err and page.is_file()
    assert f"'skillswallet report check {archived}'" in err and archived.is_file()


# --- --context URL=FILE ------------------------------------------------------------------------

EXTRA_URL = "https://credentials.example/context/v1"
EXTRA_CONTEXT = {
    "@context": {"@protected": True, "mentor": "https://credentials.example/vocab#mentor"}
}


def _with_extra_context(tmp_path: Path) -> tuple[Path, Path, str]:
    """A credential signed under a context no one bundles, and that context's file."""
    import hashlib

    from skillswallet import ContextLoader, issue_credential
    from skillswallet.did.key import did_from_public_key, verification_method_id
    from skillswallet.tour import skill_badge

    from .vaultkit import HOLDER_DID, ISSUER

    raw = json.dumps(EXTRA_CONTEXT).encode()
    digest = hashlib.sha256(raw).hexdigest()
    context_file = tmp_path / "context.jsonld"
    context_file.write_bytes(raw)
    doc = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    doc["@context"] = [*doc["@context"], EXTRA_URL]
    doc["credentialSubject"]["mentor"] = "A. Teacher"
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    signed = issue_credential(doc, signer, loader=ContextLoader({EXTRA_URL: (raw, digest)}))
    path = tmp_path / "europass-like.json"
    path.write_text(json.dumps(signed))
    return path, context_file, digest


def test_verify_with_a_context_of_your_own_records_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, context_file, digest = _with_extra_context(tmp_path)
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(path))
    assert code == 1 and "unknown JSON-LD context" in out

    given = f"{EXTRA_URL}={context_file}"
    code, out, _ = invoke_main(
        monkeypatch, capsys, "verify", "--json", "--context", given, str(path)
    )
    assert code == 0
    contexts = next(c for c in json.loads(out)["checks"] if c["id"] == "contexts")
    assert contexts["detail"] == {"added": [{"url": EXTRA_URL, "sha256": digest}]}
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--context", given, str(path))
    assert code == 0 and "1 added by you, pinned by SHA-256" in out

    code, _, err = invoke_main(monkeypatch, capsys, "verify", "--context", "nonsense", str(path))
    assert code == 2 and "URL=FILE" in err


def test_import_with_a_context_of_your_own(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, context_file, _ = _with_extra_context(tmp_path)
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    assert invoke_main(monkeypatch, capsys, "import", str(path))[0] == 1  # refused
    code, _, err = invoke_main(
        monkeypatch, capsys, "import", "--context", f"{EXTRA_URL}={context_file}", str(path)
    )
    assert code == 0, err
    assert len(json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1])) == 1


# --- issue several files and arrays ------------------------------------------------------------


def test_issue_takes_several_files_and_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillswallet.tour import skill_badge

    key = tmp_path / "k.json"
    assert invoke_main(monkeypatch, capsys, "key", "generate", "-o", str(key))[0] == 0
    unsigned = skill_badge(
        "did:example:unused", "did:example:holder", valid_from="2025-01-01T00:00:00Z"
    )
    del unsigned["issuer"]
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    one.write_text(json.dumps(unsigned))
    many.write_text(json.dumps([unsigned, unsigned]))

    code, out, err = invoke_main(monkeypatch, capsys, "issue", "--key", str(key), str(one))
    assert code == 0, err
    assert isinstance(json.loads(out), dict)  # one file, one credential: as before

    signed = tmp_path / "signed.json"
    code, out, err = invoke_main(
        monkeypatch, capsys, "issue", "--key", str(key), str(one), str(many), "-o", str(signed)
    )
    assert code == 0, err
    # it says what it wrote, and where (a newcomer saw nothing and looked for the output)
    assert out.startswith(f"Wrote 3 signed credentials (a JSON array) to {signed}: issuer did:")
    assert out.rstrip().endswith("eddsa-rdfc-2022")
    credentials = json.loads(signed.read_text())
    assert len(credentials) == 3 and all("proof" in c for c in credentials)
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(signed))
    assert code == 0 and out.endswith("3 of 3 verified.\n")

    many.write_text(json.dumps([unsigned, "not a credential"]))
    code, _, err = invoke_main(monkeypatch, capsys, "issue", "--key", str(key), str(many))
    assert code == 3 and f"item 1 of {many}" in err


ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
ME = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_new_credentials_take_a_skills_name_from_the_taxonomy(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "self.json"
    code, _, err = invoke_main(
        monkeypatch, capsys, "new", "self-assessment", "--skill", ADVICE, "--level", "B",
        "--subject", ME, "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    alignment = json.loads(out.read_text())["credentialSubject"]["achievement"]["alignment"]
    assert alignment[0]["targetName"] == "give advice to others"
    endorsed = tmp_path / "endorsement.json"
    code, _, err = invoke_main(
        monkeypatch, capsys, "new", "endorsement", "--issuer", ME.replace("z6Mkha", "z6Mkhb"),
        "--subject", ME, "--relationship", "colleague", "--comment", "Good advice.",
        "--skill", ADVICE, "--out", str(endorsed),
    )  # fmt: skip
    assert code == 0, err
    assert "give advice to others" in endorsed.read_text()
    # a skill the taxonomy does not know still needs its name
    unknown = "https://skills.example/frameworks/welding/tig"
    code, _, err = invoke_main(
        monkeypatch, capsys, "new", "self-assessment", "--skill", unknown, "--level", "B",
        "--subject", ME, "--out", str(tmp_path / "x.json"),
    )  # fmt: skip
    assert code == 2 and f"{unknown} is not in the taxonomy: give its name with --label" in err


def test_a_name_not_disclosed_is_told_apart_from_no_name(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = test_cli_present._request(
        tmp_path, monkeypatch, capsys, "--skill", ADVICE, "--domain", "jobs.example.com"
    )
    vp = tmp_path / "vp.json"
    code, out, err = invoke_main(
        monkeypatch, capsys, "respond", str(request), "--yes", "-o", str(vp)
    )
    assert code == 0 and "withholds /name" in out, err
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(vp), "--request", str(request))
    assert code == 0 and "    Skill credential (name not disclosed)\n" in out
    # a credential issued without a name says so
    nameless = credential()
    del nameless["name"], nameless["credentialSubject"]["achievement"]["name"]
    source = tmp_path / "nameless.json"
    source.write_text(json.dumps(nameless))
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(source))
    assert "  Skill credential (no name)\n" in out


# --- serve on a port that is taken -----------------------------------------------------------


def test_serve_on_a_port_in_use_says_so_before_announcing_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # it printed "skillswallet VC API on http://127.0.0.1:8000", then uvicorn's
    # "[Errno 98] error while attempting to bind"
    import socket

    pytest.importorskip("uvicorn")
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(tmp_path / "none.vault"))
    monkeypatch.delenv("SKILLSWALLET_API_TOKEN", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = invoke_main(monkeypatch, capsys, "serve", "--port", str(port))
    assert code == 3 and "VC API on" not in out + err
    assert f"port {port} is in use on 127.0.0.1" in err and "--port" in err
