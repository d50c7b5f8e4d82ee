"""The taxonomy protocol, label search and the bundled ESCO starter set."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillswallet.errors import TaxonomyError
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
from skillswallet.skills.taxonomy import (
    LABEL_ALTERNATIVE,
    LABEL_HIDDEN,
    LABEL_PREFERRED,
    concept_match_key,
    label_match_key,
)

ESCO = "http://data.europa.eu/esco/"
ADVICE = ESCO + "skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
TECHNICAL_DIRECTOR = ESCO + "occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
WORK_IN_TEAMS = ESCO + "skill/60c78287-22eb-4103-9c8c-28deaa460da0"
PLUMBER = ESCO + "occupation/ed3cf43d-c2c1-4c46-82fc-1375e27e0290"
SPECIALISED_DOCTOR = ESCO + "occupation/9b889f07-c39c-464d-b9d9-b2daa650f9ac"


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


def test_every_query_word_may_start_any_word_of_the_label() -> None:
    index = small_index()
    for query in ("teams work", "work teams", "WORK TEAM", "in work"):
        assert uris(index.search(query)) == ["urn:x:team"], query
    assert uris(index.search("zarzadzanie kawiar")) == ["urn:x:cafe"]
    assert index.search("work steam") == []  # every word must match


def test_fragments_inside_words_match_last() -> None:
    index = small_index()
    assert uris(index.search("eam")) == ["urn:x:team-leader", "urn:x:team", "urn:x:steam"]
    assert uris(index.search("ork tea")) == ["urn:x:team"]  # each word inside a word


def test_ranking_tiers_then_label_type_then_length() -> None:
    builder = IndexBuilder()
    builder.add("urn:r:automate", kind=KIND_SKILL, preferred="automate")
    builder.add("urn:r:project", kind=KIND_SKILL, preferred="project management")
    builder.add("urn:r:xray", kind=KIND_SKILL, preferred="use x-rays", hidden=["make up"])
    builder.add("urn:r:maps", kind=KIND_SKILL, preferred="cartography", alternatives=["mapping"])
    builder.add("urn:r:long", kind=KIND_SKILL, preferred="manage a large team")
    builder.add("urn:r:short", kind=KIND_SKILL, preferred="manage")
    builder.add("urn:r:exact", kind=KIND_SKILL, preferred="Ma")
    index = builder.build({"name": "t", "framework": "T"})
    expected = [
        "urn:r:exact",  # the exact label
        "urn:r:short",  # labels starting with "ma": preferred, shorter first,
        "urn:r:long",
        "urn:r:maps",  # then alternative,
        "urn:r:xray",  # then hidden labels
        "urn:r:project",  # a later word starts with "ma"
        "urn:r:automate",  # "ma" inside a word
    ]
    assert uris(index.search("ma")) == expected
    for limit in range(1, len(expected) + 1):  # a search that stops early keeps the order
        assert uris(index.search("ma", limit=limit)) == expected[:limit]
    assert index.get("urn:r:xray").label() == "use x-rays"  # type: ignore[union-attr]


def test_label_match_key_tiers() -> None:
    assert label_match_key("ma", "ma", LABEL_HIDDEN) == (0, LABEL_HIDDEN, 2, "ma")
    assert label_match_key("manage", "ma", LABEL_PREFERRED) == (1, 0, 6, "manage")
    assert label_match_key("work in teams", "teams wo", LABEL_ALTERNATIVE) == (
        2,
        LABEL_ALTERNATIVE,
        13,
        "work in teams",
    )
    # words are also split at punctuation: "learning" starts a word of "e-learning"
    assert label_match_key("use e-learning", "learning", LABEL_PREFERRED) == (
        2,
        0,
        14,
        "use e-learning",
    )
    assert label_match_key("steam engines", "team", LABEL_PREFERRED) == (3, 0, 13, "steam engines")
    assert label_match_key("steam engines", "team cars", LABEL_PREFERRED) is None


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


def test_hidden_labels_are_searched_after_the_others_and_never_shown() -> None:
    builder = IndexBuilder()
    builder.add("urn:x:plumber", kind=KIND_OCCUPATION, preferred="plumber", hidden=["plummer"])
    builder.add(
        "urn:x:plum", kind=KIND_OCCUPATION, preferred="fruit grower", alternatives=["plum picker"]
    )
    index = builder.build({"name": "t", "framework": "T"})
    (plumber,) = index.search("plummer")
    assert plumber.uri == "urn:x:plumber" and plumber.label() == "plumber"
    assert plumber.hidden_labels == {"en": ("plummer",)}
    # "plum": a preferred label ("plumber"), then an alternative one, before a hidden one
    assert uris(index.search("plum")) == ["urn:x:plumber", "urn:x:plum"]
    # a taxonomy layered over the index keeps the hit on a hidden label
    assert uris(CombinedTaxonomy([index]).search("PLUMMER")) == ["urn:x:plumber"]


def _stored(index: TaxonomyIndex, path: Path, **changes: object) -> Path:
    document = {**index.to_document(), **changes}
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    return path


def test_an_index_stored_by_version_1_still_reads_and_searches(tmp_path: Path) -> None:
    index = small_index()
    old_rows = [row[:8] for row in index.to_document()["concepts"]]  # no hidden labels
    path = _stored(index, tmp_path / "index.json.gz", version=1, concepts=old_rows)
    old = TaxonomyIndex.read(path)
    assert uris(old.search("teams work")) == ["urn:x:team"]
    assert old.get("urn:x:team") == index.get("urn:x:team")
    (source,) = old.sources()
    assert "taxonomy load" in source.notes[0]
    assert small_index().sources()[0].notes == ()


def test_an_unreadable_stored_index_says_to_load_again(tmp_path: Path) -> None:
    index = small_index()
    newer = _stored(index, tmp_path / "newer.json.gz", version=99)
    with pytest.raises(TaxonomyError, match=r"newer\.json\.gz: .*version 99.*taxonomy load"):
        TaxonomyIndex.read(newer)
    rows = index.to_document()["concepts"]
    rows[0][5] = ["not", "a", "mapping"]  # right shape, wrong contents
    damaged = TaxonomyIndex.read(_stored(index, tmp_path / "damaged.json.gz", concepts=rows))
    with pytest.raises(TaxonomyError, match=r"damaged\.json\.gz: .*damaged.*taxonomy load"):
        damaged.search("team")
    with pytest.raises(TaxonomyError, match="taxonomy load"):
        damaged.get(damaged.to_document()["uris"][0])


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


def test_starter_set_finds_work_in_teams_by_its_words_in_any_order() -> None:
    esco = starter_taxonomy()
    for query in ("work teams", "teams work", "Work in Teams", "teams"):
        found = esco.search(query, kind=SKILL_KINDS, limit=3)
        assert found[0].uri == WORK_IN_TEAMS, query
        assert found[0].label() == "work in teams"


def test_starter_set_searches_esco_hidden_labels() -> None:
    esco = starter_taxonomy()
    (plumber,) = esco.search("plummer")  # ESCO's hidden label: a misspelling
    assert plumber.uri == PLUMBER and plumber.label() == "plumber"
    assert esco.search("oncologist", kind=KIND_OCCUPATION)[0].uri == SPECIALISED_DOCTOR
    assert "oncologist" in esco.get(SPECIALISED_DOCTOR).hidden_labels["en"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "query", ["ine", "ma", "teams work", "g.p.", "ict", "Zespół", "x", "teamwork", "workteams"]
)
def test_starter_set_ranking_is_the_documented_one(query: str) -> None:
    # the index's search gives what ranking every concept by concept_match_key gives
    esco = starter_taxonomy()
    normalized = normalize(query)
    keyed = [(concept_match_key(c, normalized), c.uri) for c in esco.concepts()]
    ranked = sorted((key, uri) for key, uri in keyed if key is not None)
    assert uris(esco.search(query, limit=25)) == [uri for _, uri in ranked[:25]]


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


def test_words_written_together_are_found_last() -> None:
    assert label_match_key("work in teams", "teamwork", LABEL_PREFERRED) == (
        4,
        LABEL_PREFERRED,
        13,
        "work in teams",
    )
    assert label_match_key("work in teams", "teamwk", LABEL_PREFERRED) is None
    assert label_match_key("teamwork tools", "teamwork", LABEL_PREFERRED)[0] == 1  # type: ignore[index]
    found = starter_taxonomy().search("teamwork", kind="skill", limit=3)
    assert found[0].label() == "work in teams"
    assert [c.label() for c in starter_taxonomy().search("workteams", kind="skill", limit=1)] == [
        "work in teams"
    ]
