"""The taxonomy protocol, label search and the bundled ESCO starter set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from skillswallet.skills import (
    ESCO_ATTRIBUTION,
    KIND_OCCUPATION,
    KIND_SKILL,
    SKILL_KINDS,
    CombinedTaxonomy,
    Concept,
    IndexBuilder,
    Relation,
    Taxonomy,
    TaxonomyIndex,
    normalize,
    starter_taxonomy,
)

ESCO = "http://data.europa.eu/esco/"
ADVICE = ESCO + "skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
TECHNICAL_DIRECTOR = ESCO + "occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"


def small_index(framework_labels: dict[str, str] | None = None) -> TaxonomyIndex:
    builder = IndexBuilder()
    builder.add("urn:x:cafe", kind=KIND_SKILL, preferred="Café management")
    builder.add("urn:x:cafe", lang="pl", preferred="Zarządzanie kawiarnią")
    builder.add("urn:x:team", kind=KIND_SKILL, preferred="work in teams", alternatives=["teamwork"])
    builder.add("urn:x:steam", kind=KIND_SKILL, preferred="operate steam engines")
    builder.add("urn:x:team-leader", kind=KIND_OCCUPATION, preferred="team leader")
    builder.add("urn:x:zespol", kind=KIND_OCCUPATION, preferred="Zespół coordinator")
    builder.relate("urn:x:team-leader", "urn:x:steam", Relation.OPTIONAL)
    builder.relate("urn:x:team-leader", "urn:x:team", Relation.ESSENTIAL)
    return builder.build({"name": "test", "framework": "TEST"})


def uris(concepts: list[Concept]) -> list[str]:
    return [c.uri for c in concepts]


def test_normalize_folds_case_diacritics_and_space() -> None:
    assert normalize("  Café   Brûlée ") == "cafe brulee"
    assert normalize("ZESPÓŁ") == "zespol"
    assert normalize("Straße") == "strasse"


def test_search_is_case_and_diacritic_insensitive_both_ways() -> None:
    index = small_index()
    assert uris(index.search("cafe")) == ["urn:x:cafe"]
    assert uris(index.search("CAFÉ MAN")) == ["urn:x:cafe"]
    assert uris(index.search("zespol")) == ["urn:x:zespol"]
    assert uris(index.search("kawiarnia")) == ["urn:x:cafe"]  # a Polish label, no diacritics


def test_search_finds_alternative_labels() -> None:
    assert uris(small_index().search("teamwork")) == ["urn:x:team"]


def test_exact_and_prefix_matches_rank_before_substrings() -> None:
    # "team" is a prefix of "team leader", a word of "work in teams", inside "steam"
    found = uris(small_index().search("team"))
    assert found == ["urn:x:team-leader", "urn:x:team", "urn:x:steam"]


def test_search_kind_lang_and_limit() -> None:
    index = small_index()
    assert uris(index.search("team", kind=KIND_SKILL)) == ["urn:x:team", "urn:x:steam"]
    assert uris(index.search("team", kind=[KIND_OCCUPATION])) == ["urn:x:team-leader"]
    assert index.search("café", lang="pl") == []
    assert uris(index.search("zarzadzanie", lang="pl")) == ["urn:x:cafe"]
    assert len(index.search("team", limit=1)) == 1
    assert index.search("   ") == []


def test_label_falls_back_to_english_then_any() -> None:
    builder = IndexBuilder()
    builder.add("urn:x:a", kind=KIND_SKILL, lang="nl", preferred="adviseren")
    builder.add("urn:x:a", lang="en", preferred="advise")
    builder.add("urn:x:b", kind=KIND_SKILL, lang="nl", preferred="lassen")
    index = builder.build({"name": "t", "framework": "T"})
    assert index.label("urn:x:a", "nl") == "adviseren"
    assert index.label("urn:x:a", "de") == "advise"
    assert index.label("urn:x:b", "en") == "lassen"
    assert index.label("urn:x:unknown") is None


def test_occupation_skills_essential_first() -> None:
    index = small_index()
    assert index.occupation_skills("urn:x:team-leader") == [
        ("urn:x:team", Relation.ESSENTIAL),
        ("urn:x:steam", Relation.OPTIONAL),
    ]
    assert index.occupation_skills("urn:x:unknown") == []


def test_index_round_trips_through_its_file(tmp_path: pytest.TempPathFactory) -> None:
    index = small_index()
    path = tmp_path / "index.json.gz"  # type: ignore[operator]
    index.write(path)
    again = TaxonomyIndex.read(path)
    assert again.get("urn:x:cafe") == index.get("urn:x:cafe")
    assert again.occupation_skills("urn:x:team-leader") == index.occupation_skills(
        "urn:x:team-leader"
    )


def test_starter_set_has_esco_collections_and_occupations() -> None:
    esco = starter_taxonomy()
    assert isinstance(esco, Taxonomy)
    advice = esco.get(ADVICE)
    assert advice is not None and advice.label() == "give advice to others"
    assert advice.is_transversal and "transversal" in advice.collections
    assert esco.is_transversal(ADVICE)
    counts = esco.counts()
    assert counts["occupation"] == 2942 and counts["isco-group"] > 400
    director = esco.get(TECHNICAL_DIRECTOR)
    assert director is not None and director.code == "2166"
    assert esco.broader(TECHNICAL_DIRECTOR) == (ESCO + "isco/C2166",)
    assert esco.label(ESCO + "isco/C2166") == "Graphic and multimedia designers"
    assert esco.broader(ESCO + "isco/C2166") == (ESCO + "isco/C216",)
    assert not esco.is_transversal(TECHNICAL_DIRECTOR)


def test_starter_set_digital_and_language_collections() -> None:
    esco = starter_taxonomy()
    hungarian = esco.search("write hungarian", kind=SKILL_KINDS)[0]
    assert hungarian.label() == "write Hungarian" and "language" in hungarian.collections
    programming = esco.search("computer programming", kind=SKILL_KINDS)[0]
    assert programming.collections == {"digital", "transversal"}
    assert uris(esco.search("software developer", kind=KIND_OCCUPATION, limit=1)) == [
        ESCO + "occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    ]


def test_starter_set_is_attributed() -> None:
    (source,) = starter_taxonomy().sources()
    assert source.attribution == ESCO_ATTRIBUTION
    assert "381d16fb6ae1c22f7c7b16a0631dbdc4bada5e8d" in (source.location or "")


class _Custom:
    """A minimal third-party Taxonomy: the protocol is all CombinedTaxonomy needs."""

    def __init__(self, concept: Concept) -> None:
        self.concept = concept

    def get(self, uri: str) -> Concept | None:
        return self.concept if uri == self.concept.uri else None

    def label(self, uri: str, lang: str = "en") -> str | None:
        return self.concept.label(lang) if uri == self.concept.uri else None

    def search(self, text: str, **_: object) -> list[Concept]:
        return [self.concept] if normalize(text) in normalize(self.concept.label()) else []

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, Relation]]:
        return []

    def occupations(self) -> Iterator[Concept]:
        return iter(())

    def broader(self, uri: str) -> tuple[str, ...]:
        return ()

    def is_transversal(self, uri: str) -> bool:
        return False

    def sources(self) -> list[object]:
        return []


def test_combined_upper_layer_wins_and_results_merge_by_rank() -> None:
    override = Concept("urn:x:team", KIND_SKILL, "MINE", preferred_labels={"en": "teamwork"})
    extra = Concept("urn:x:teams", KIND_SKILL, "MINE", preferred_labels={"en": "team"})
    combined = CombinedTaxonomy([_Custom(override), _Custom(extra), small_index()])
    assert combined.get("urn:x:team") is override
    assert combined.label("urn:x:cafe") == "Café management"
    # exact "team" (second layer) first, then prefixes, shortest first
    found = combined.search("team")
    assert uris(found)[:3] == ["urn:x:teams", "urn:x:team", "urn:x:team-leader"]
    assert found[1] is override  # "teamwork": the upper layer's label ranks it
    assert combined.occupation_skills("urn:x:team-leader")[0] == ("urn:x:team", Relation.ESSENTIAL)
    assert [c.uri for c in combined.occupations()] == ["urn:x:team-leader", "urn:x:zespol"]
