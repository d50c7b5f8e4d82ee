"""Finding credentials as people ask for them: by a skill's name, an issuer's name, with
or without accents; only skills are listed as skills."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillswallet.cli.common import say_json_items
from skillswallet.wallet import Wallet

from .vaultkit import NOW, PASSPHRASE, credential, fast_kdf

OCCUPATION = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
TUNGSTEN = "http://data.europa.eu/esco/skill/tig-0000"


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    w = Wallet.create(tmp_path / "vault.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    yield w
    w.close()


def _welding() -> dict[str, object]:
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": "tungsten inert gas welding",
            "targetUrl": TUNGSTEN,
            "targetFramework": "ESCO",
        },
        {
            "type": ["Alignment"],
            "targetName": "welder",
            "targetUrl": OCCUPATION,
            "targetFramework": "ESCO",
        },
        {
            "type": ["Alignment"],
            "targetName": "EQF 4",
            "targetFramework": "EQF",
            "targetUrl": "http://data.europa.eu/snb/eqf/4",
        },
    ]
    template = credential()
    issuer = dict(template["issuer"], name="Zespół Szkół Technicznych")
    subject = template["credentialSubject"]
    subject["achievement"]["alignment"] = alignments
    return credential("Schweißen", issuer=issuer, credentialSubject=subject)


def test_skills_and_issuers_are_found_by_name(wallet: Wallet) -> None:
    welding = _welding()
    other = credential("Advising colleagues")
    assert [o.status for o in wallet.import_credentials([welding, other]).outcomes] == [
        "stored",
        "stored",
    ]
    [found] = wallet.search(skill="tungsten")
    assert found.name == "Schweißen"
    assert found.skills == [TUNGSTEN]  # the occupation and the EQF level are not skills
    assert found.skill_labels == ["tungsten inert gas welding"]
    assert [s.name for s in wallet.search(issuer="zespol")] == ["Schweißen"]
    assert [s.name for s in wallet.search(issuer="ZESPÓŁ SZKÓŁ")] == ["Schweißen"]
    assert [s.name for s in wallet.search(text="SCHWEIß")] == ["Schweißen"]
    assert wallet.search(skill="welder") == []
    assert found.issuer_name == "Zespół Szkół Technicznych"


def test_a_name_with_its_language_is_shown(wallet: Wallet) -> None:
    doc = credential(name={"@value": "Conseiller ses collègues", "@language": "fr"})  # type: ignore[arg-type]
    assert wallet.add(doc).status == "stored"
    assert [s.name for s in wallet.credentials()] == ["Conseiller ses collègues"]


def test_scan_produces_the_search_results_one_at_a_time(wallet: Wallet) -> None:
    names = [f"Skill {i}" for i in range(5)]
    wallet.import_credentials([credential(n) for n in names])
    scan = wallet.scan(text="skill")
    first = next(iter(scan))  # produced before the rest are read
    assert first.name == "Skill 0"
    assert [s.name for s in wallet.scan(text="skill")] == names
    assert [s.name for s in wallet.scan(text="Skill 3")] == ["Skill 3"]
    assert wallet.search(text="skill") == list(wallet.scan(text="skill"))
    empty = wallet.scan(text="nothing like it")
    assert list(empty) == [] and empty.damaged == []


def test_json_listings_are_one_valid_array_whatever_their_length(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for count in (0, 1, 999, 1000, 1001, 2500):
        items = [{"n": i, "text": "é\u202e"} for i in range(count)]
        say_json_items(iter(items))
        out = capsys.readouterr().out
        assert json.loads(out) == items
        assert "\u202e" not in out  # escaped, as every JSON output
        assert out.count("\n") == (count + 2 if count else 1)  # [, an item a line, ]
