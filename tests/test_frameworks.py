"""Custom skills frameworks: the documented JSON file, its schema and precise errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skillswallet.errors import TaxonomyError
from skillswallet.skills import CombinedTaxonomy, MatchType, starter_taxonomy
from skillswallet.skills.frameworks import load_framework, parse_framework

ROOT = Path(__file__).parents[1]
SKILLS_BUILDER = ROOT / "examples" / "skills-builder-framework.json"
WORK_IN_TEAMS = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"


def company() -> dict[str, Any]:
    return {
        "id": "https://example.com/competences",
        "name": "Acme competences",
        "concepts": [
            {
                "id": "https://example.com/competences/forklift",
                "label": {"en": "Forklift driving", "nl": "Heftruck rijden"},
                "altLabels": {"nl": ["heftruckchauffeur"]},
                "levels": [
                    {"id": "1", "label": {"en": "basic"}},
                    {"id": "2", "label": {"en": "expert"}},
                ],
                "crosswalk": [{"target": "http://data.europa.eu/esco/skill/x", "match": "exact"}],
            },
            {"id": "https://example.com/competences/safety", "label": {"en": "Site safety"}},
        ],
    }


def test_published_schema_is_packaged() -> None:
    name = "skills-framework.schema.json"
    packaged = ROOT / "src" / "skillswallet" / "credentials" / "schemas" / name
    assert packaged.read_bytes() == (ROOT / "schemas" / name).read_bytes()


def test_skills_builder_example_has_8_skills_of_16_steps_crosswalked_to_esco() -> None:
    framework = load_framework(SKILLS_BUILDER)
    concepts = list(framework.concepts())
    assert len(concepts) == 8
    assert all(len(c.levels) == 16 for c in concepts)
    assert all(c.is_transversal for c in concepts)
    esco = starter_taxonomy()
    targets = [link.target for c in concepts for link in c.crosswalk]
    assert targets and all(esco.get(t) is not None for t in targets)  # real ESCO URIs
    assert [c.label() for c in framework.mapped_to(WORK_IN_TEAMS)] == ["Teamwork"]


def test_framework_search_levels_and_layering() -> None:
    framework = parse_framework(company())
    forklift = framework.search("heftruck")[0]
    assert forklift.label("nl") == "Heftruck rijden"
    assert [level.label() for level in forklift.levels] == ["basic", "expert"]
    assert forklift.crosswalk[0].match is MatchType.EXACT
    assert framework.search("heftruckchauffeur", lang="en") == []
    combined = CombinedTaxonomy([framework, starter_taxonomy()])
    assert combined.label("https://example.com/competences/safety") == "Site safety"
    assert combined.search("forklift")[0].framework == "Acme competences"


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (lambda d: d.pop("name"), "/", "'name' is a required property"),
        (lambda d: d["concepts"][1].update(id="not a uri"), "/concepts/1/id", "does not match"),
        (
            lambda d: d["concepts"][0]["crosswalk"][0].update(match="similar"),
            "/concepts/0/crosswalk/0/match",
            "'similar' is not one of",
        ),
        (lambda d: d["concepts"][0].update(label={}), "/concepts/0/label", "should be non-empty"),
        (lambda d: d.update(concepts=[]), "/concepts", "should be non-empty"),
        (
            lambda d: d["concepts"][1].update(id=d["concepts"][0]["id"]),
            "/concepts/1/id",
            "used twice",
        ),
    ],
)
def test_bad_framework_names_the_path_and_what_was_expected(
    change: Any, path: str, expected: str
) -> None:
    document = company()
    change(document)
    with pytest.raises(TaxonomyError) as info:
        parse_framework(document, location="acme.json")
    assert info.value.column == path
    assert info.value.file == "acme.json"
    assert expected in str(info.value)


def test_bad_json_file(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text('{"id": "urn:a", "id": "urn:b"}', encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid JSON"):
        load_framework(path)
    path.write_text(json.dumps([1]), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not a skills framework"):
        load_framework(path)
