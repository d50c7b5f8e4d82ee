"""The taxonomy commands: search, show, load, info (exit codes, --json, no tracebacks)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import invoke_main
from .vaultkit import credential

FIXTURES = Path(__file__).parent / "fixtures" / "esco"
DIRECTOR = "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
Run = Callable[..., tuple[int, str, str]]
EXAMPLE = Path(__file__).parents[1] / "examples" / "skills-builder-framework.json"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("SKILLSWALLET_TAXONOMY_DIR", str(tmp_path / "taxonomy"))

    def run(*args: str) -> tuple[int, str, str]:
        return invoke_main(monkeypatch, capsys, "taxonomy", *args)

    return run


def test_search_text_and_json(cli: Run) -> None:
    code, out, _ = cli("search", "GIVE ADVICE", "--kind", "skill")
    assert code == 0 and f"give advice to others  <{ADVICE}>" in out
    code, out, _ = cli("search", "technical director", "--kind", "occupation", "--json")
    found = json.loads(out)
    assert found[0]["uri"] == DIRECTOR and found[0]["kind"] == "occupation"
    assert all(item["kind"] == "occupation" for item in found)
    code, out, _ = cli("search", "zzzqqq")
    assert code == 0 and "nothing found" in out


def test_search_finds_words_in_any_order_and_hidden_labels(cli: Run) -> None:
    code, out, _ = cli("search", "teams work", "--kind", "skill", "--limit", "1")
    assert code == 0
    assert out.startswith("skill        work in teams  <http://data.europa.eu/esco/skill/60c78287-")
    code, out, _ = cli("search", "plummer", "--json")  # ESCO's hidden label of "plumber"
    (found,) = json.loads(out)
    assert found["label"] == "plumber" and "plummer" in found["hiddenLabels"]["en"]


def test_a_stored_index_of_another_version(cli: Run, tmp_path: Path) -> None:
    assert cli("load", str(FIXTURES / "v1.2"))[0] == 0
    path = tmp_path / "taxonomy" / "esco-index.json.gz"
    document = json.loads(gzip.decompress(path.read_bytes()))
    # stored by version 1 (no hidden labels): read, searched, and `info` says to load again
    old = {**document, "version": 1, "concepts": [row[:8] for row in document["concepts"]]}
    path.write_bytes(gzip.compress(json.dumps(old).encode()))
    code, out, _ = cli("search", "technical director", "--kind", "occupation")
    assert code == 0 and DIRECTOR in out
    code, out, _ = cli("info")
    assert code == 0 and "note: stored by an older skillswallet" in out
    # stored by a later version: a clear error, not a traceback
    path.write_bytes(gzip.compress(json.dumps({**document, "version": 99}).encode()))
    code, _, err = cli("search", "director")
    assert code == 3 and "version 99" in err and "taxonomy load" in err
    assert "Traceback" not in err


def test_search_usage_errors_exit_2(cli: Run) -> None:
    code, _, err = cli("search", "x", "--kind", "planet")
    assert code == 2 and "planet" in err
    code, _, _ = cli("search", "x", "--limit", "0")
    assert code == 2


def test_show_occupation_before_and_after_loading_relations(cli: Run) -> None:
    code, out, _ = cli("show", DIRECTOR)
    assert code == 0 and "technical director" in out and "skills: not loaded" in out
    assert "broader: Graphic and multimedia designers" in out
    code, out, err = cli("load", str(FIXTURES / "v1.1"))
    assert code == 0 and "2 occupation" in out and "4 relations" in out
    assert "reading skills_en.csv" in err  # progress
    code, out, _ = cli("show", DIRECTOR, "--json")
    shown = json.loads(out)
    assert [s["label"] for s in shown["essentialSkills"]] == ["give advice to others", "Hungarian"]
    assert [s["label"] for s in shown["optionalSkills"]] == ["use spreadsheets software"]
    code, _, err = cli("show", "urn:nothing")
    assert code == 3 and "no concept" in err


def test_bad_esco_directory_keeps_the_old_index(cli: Run, tmp_path: Path) -> None:
    assert cli("load", str(FIXTURES / "v1.1"))[0] == 0
    index = tmp_path / "taxonomy" / "esco-index.json.gz"
    before = index.read_bytes()
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "v1.2", bad)
    relations = bad / "occupationSkillRelations_en.csv"
    relations.write_text(
        relations.read_text(encoding="utf-8").replace("skillUri", "skill", 1), encoding="utf-8"
    )
    code, _, err = cli("load", str(bad))
    assert code == 3
    assert "occupationSkillRelations_en.csv, line 1, column 'skillUri'" in err
    assert index.read_bytes() == before
    assert [p.name for p in index.parent.iterdir()] == ["esco-index.json.gz"]  # no temp file


def test_load_framework_and_info(cli: Run) -> None:
    code, out, _ = cli("load", str(EXAMPLE), "--json")
    assert code == 0 and json.loads(out)["counts"] == {"skill": 8}
    code, out, _ = cli("search", "teamwork")
    assert "universal-framework#teamwork" in out.splitlines()[0]
    code, out, _ = cli("info")
    assert code == 0
    assert "ESCO, European Commission, https://esco.ec.europa.eu" in out
    assert "Skills Builder Universal Framework" in out
    code, out, _ = cli("info", "--json")
    names = [s["name"] for s in json.loads(out)["sources"]]
    assert names == ["ESCO starter set (bundled)", "Skills Builder Universal Framework"]


def test_load_refuses_other_files(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("x", encoding="utf-8")
    assert cli("load", str(path))[0] == 2
    assert cli("load", str(tmp_path / "missing"))[0] == 2


def test_import_warns_of_esco_skills_a_full_esco_does_not_know(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unknown = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000"
    known = credential("Advising colleagues")
    template = credential()
    subject = template["credentialSubject"]
    subject["achievement"]["alignment"][0]["targetUrl"] = unknown
    strange = credential("Strange skill", credentialSubject=subject)
    (tmp_path / "known.json").write_text(json.dumps(known))
    (tmp_path / "strange.json").write_text(json.dumps(strange))

    def run(*args: str) -> tuple[int, str, str]:
        return invoke_main(monkeypatch, capsys, *args)

    assert run("init")[0] == 0
    # The starter set holds a part of ESCO: it cannot tell an unknown skill, so no warning.
    code, _, err = run("import", str(tmp_path / "strange.json"))
    assert code == 0 and "warning" not in err
    assert run("taxonomy", "load", str(FIXTURES / "v1.2"))[0] == 0
    code, out, err = run("import", str(tmp_path / "known.json"))
    assert code == 0 and "warning" not in err
    again = credential("Strange skill", credentialSubject=subject)  # another id: not a duplicate
    (tmp_path / "strange.json").write_text(json.dumps(again))
    code, out, err = run("import", str(tmp_path / "strange.json"))
    assert code == 0 and "1 stored" in out  # kept ...
    assert f"warning: {unknown} is not an ESCO skill" in err  # ... with a warning
    code, out, _ = run("import", "--json", str(tmp_path / "strange.json"))
    [outcome] = json.loads(out)
    assert outcome["status"] == "duplicate" and outcome["warnings"] == []
