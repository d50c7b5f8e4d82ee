"""Start-up: the command line loads what a command needs, when it runs (issue #12)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import invoke_main

HEAVY = ("pyld", "jsonschema", "pydantic", "cryptography", "nacl", "joserfc", "lxml")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages imported by running ``code`` in a fresh interpreter."""
    probe = (
        "import sys, json\n"
        f"{code}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_package_and_the_cli_loads_no_heavy_dependency() -> None:
    loaded = _loaded_after("import skillswallet, skillswallet.cli, skillswallet.skills")
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_help_builds_no_command_and_loads_no_heavy_dependency() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['skillswallet', '--help']\n"
        "from skillswallet.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_lazy_package_exports_are_the_same_objects() -> None:
    import skillswallet
    import skillswallet.verify  # the submodule of the same name leaves the function
    from skillswallet.credentials.issue import issue_credential

    assert skillswallet.issue_credential is issue_credential
    assert callable(skillswallet.verify) and skillswallet.verify.__module__ == "skillswallet.verify"
    for name in skillswallet.__all__:
        assert getattr(skillswallet, name) is not None
    with pytest.raises(AttributeError):
        skillswallet.no_such_name  # noqa: B018


def test_version(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from skillswallet import __version__

    code, out, _ = invoke_main(monkeypatch, capsys, "--version")
    assert code == 0 and out == f"skillswallet {__version__}\n"


def test_the_lazy_root_and_the_built_app_list_the_same_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import typer.main

    from skillswallet.cli import app
    from skillswallet.cli.root import build_root

    helps = []
    for root in (build_root(app), typer.main.get_command(app)):
        root.main(["--help"], prog_name="skillswallet", standalone_mode=False)
        helps.append(capsys.readouterr().out)
    assert helps[0] == helps[1]
    assert "Checking:\n  verify" in helps[0]


def test_the_console_script_prints_help() -> None:
    script = Path(sys.executable).parent / "skillswallet"
    if not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Checking:" in result.stdout


def _run_main_raw(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    from skillswallet.cli import main

    monkeypatch.setattr("sys.argv", ["skillswallet", *args])
    with pytest.raises(SystemExit) as info:
        main()
    return int(info.value.code or 0), capsys.readouterr().err


def test_an_unexpected_error_is_one_sentence_and_exit_3_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import skillswallet.tour
    from skillswallet.cli.common import RUN

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(skillswallet.tour, "run_tour", broken)
    monkeypatch.setattr(RUN, "debug", False)
    code, err = _run_main_raw(monkeypatch, capsys, "tour")
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("error: unexpected RuntimeError")
    assert "--debug" in err and "Traceback" not in err

    code, err = _run_main_raw(monkeypatch, capsys, "--debug", "tour")
    assert code == 3
    assert err.startswith("error: unexpected RuntimeError")
    assert "Traceback (most recent call last)" in err and "RuntimeError: boom" in err
    monkeypatch.setattr(RUN, "debug", False)


def test_shell_completion_reaches_commands_the_root_builds_lazily(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "skillswallet"
    if not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    env = {
        "PATH": "/usr/bin:/bin",
        "COMP_WORDS": "skillswallet did cr",
        "COMP_CWORD": "2",
        "_SKILLSWALLET_COMPLETE": "complete_bash",
    }
    result = subprocess.run([str(script)], capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["create"]
    shown = subprocess.run(
        [str(script), "--show-completion", "bash"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and "_skillswallet_completion" in shown.stdout


def _modules_after(code: str, names: tuple[str, ...]) -> dict[str, object]:
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"print(json.dumps({{n: n in sys.modules for n in {names!r}}} | {{'out': OUT}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    return result


NETWORK_STACK = ("requests", "urllib3", "aiohttp", "lxml.etree")


def test_verifying_loads_none_of_pylds_network_or_html_stack() -> None:
    code = (
        "from skillswallet import KeyPair, verification_method_id\n"
        "from skillswallet.credentials.issue import issue_credential\n"
        "from skillswallet.verify import verify\n"
        "pair = KeyPair.generate()\n"
        "key = pair.signer(verification_method_id(pair.public))\n"
        "vc = issue_credential({'@context': ['https://www.w3.org/ns/credentials/v2'],"
        " 'type': ['VerifiableCredential'], 'credentialSubject': {'name': 'A'}}, key)\n"
        "OUT = verify(vc).verified"
    )
    seen = _modules_after(code, NETWORK_STACK)
    assert seen.pop("out") is True
    assert not any(seen.values()), seen


def test_pylds_default_loader_is_still_pylds_own_for_other_code() -> None:
    # Code elsewhere in the process that calls pyld without a loader gets what pyld gives:
    # its requests loader, built on first use (here it fails to reach a closed port).
    code = (
        "import skillswallet.credentials.jsonld\n"
        "from pyld import jsonld\n"
        "try:\n    jsonld.get_document_loader()('http://127.0.0.1:9/c.jsonld', {})\n"
        "except jsonld.JsonLdError:\n    pass\n"
        "import lxml.html\n"
        "OUT = [type(jsonld.get_document_loader()).__name__, lxml.html.fromstring('<p>x</p>').tag]"
    )
    seen = _modules_after(code, ("requests",))
    assert seen == {"requests": True, "out": ["RequestsDocumentLoader", "p"]}


def test_requests_imported_first_gives_pyld_its_loader_at_once() -> None:
    code = (
        "import requests\n"
        "import skillswallet.credentials.jsonld\n"
        "from pyld import jsonld\n"
        "OUT = type(jsonld.get_document_loader()).__name__"
    )
    assert _modules_after(code, ())["out"] == "RequestsDocumentLoader"
