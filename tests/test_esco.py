"""Loading an official ESCO CSV download (v1.1 and v1.2 layouts) and its bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillswallet.errors import TaxonomyError
from skillswallet.skills import (
    ESCO_ATTRIBUTION,
    KIND_KNOWLEDGE,
    KIND_OCCUPATION,
    Relation,
    ReuseLevel,
    load_esco_directory,
    starter_taxonomy,
)

FIXTURES = Path(__file__).parent / "fixtures" / "esco"
S = "http://data.europa.eu/esco/skill/"
ADVICE = S + "045f71e6-0699-4169-8a54-9c6b96f3174d"
SHEETS = S + "1973c966-f236-40c9-b2d4-5d71a89019be"
HUNGARIAN = S + "ddd3596a-43f3-402e-960a-5f79362a8609"
DIRECTOR = "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"


@pytest.mark.parametrize("layout", ["v1.1", "v1.2"])
def test_both_layouts_load_the_same_concepts_and_relations(layout: str) -> None:
    index = load_esco_directory(FIXTURES / layout)
    advice = index.get(ADVICE)
    assert advice is not None
    assert advice.label() == "give advice to others"
    assert advice.alternative_labels["en"] == (
        "make recommendations to others",
        "advise colleagues",
        "counselling",
    )
    assert advice.reuse_level is ReuseLevel.TRANSVERSAL
    assert advice.broader == (S + "S1.5",)
    assert index.broader(S + "S1.5") == (S + "S1",)
    assert index.label(S + "S1.5") == "advising and consulting"
    hungarian = index.get(HUNGARIAN)
    assert hungarian is not None and hungarian.kind == KIND_KNOWLEDGE
    assert index.occupation_skills(DIRECTOR) == [
        (ADVICE, Relation.ESSENTIAL),
        (HUNGARIAN, Relation.ESSENTIAL),
        (SHEETS, Relation.OPTIONAL),
    ]
    assert [o.label() for o in index.occupations()] == [
        "technical director",
        "metal drawing machine operator",
    ]
    assert index.counts()["relations"] == 4
    (source,) = index.sources()
    assert source.attribution == ESCO_ATTRIBUTION


def test_v11_occupations_get_their_isco_group_and_code() -> None:
    index = load_esco_directory(FIXTURES / "v1.1")
    director = index.get(DIRECTOR)
    assert director is not None and director.kind == KIND_OCCUPATION
    assert director.code == "2166"  # no ESCO code in v1.1 files: the ISCO group's
    assert director.broader == ("http://data.europa.eu/esco/isco/C2166",)
    assert index.label(director.broader[0]) == "Graphic and multimedia designers"
    assert index.is_transversal(ADVICE) and not index.is_transversal(SHEETS)
    assert index.get(ADVICE).collections == {"transversal"}  # type: ignore[union-attr]


def test_v12_codes_and_a_second_language() -> None:
    index = load_esco_directory(FIXTURES / "v1.2")
    assert index.get(DIRECTOR).code == "2166.1"  # type: ignore[union-attr]
    assert index.get(S + "S1.5").code == "S1.5"  # type: ignore[union-attr]
    assert index.label(ADVICE, "nl") == "advies geven aan anderen"
    assert index.label(ADVICE, "en") == "give advice to others"
    assert index.label(HUNGARIAN, "nl") == "Hungarian"  # no Dutch label: English
    assert [c.uri for c in index.search("adviseren")] == [ADVICE]
    assert [c.uri for c in index.search("advies", lang="en")] == []
    assert [c.uri for c in index.search("advisering", lang="nl")] == [ADVICE]  # hidden, Dutch
    assert index.search("advisering", lang="en") == []


def test_search_over_a_loaded_directory() -> None:
    index = load_esco_directory(FIXTURES / "v1.1")
    creme = S + "00000000-0000-4000-8000-000000000001"
    assert [c.uri for c in index.search("CREME BRULEE")] == [creme]
    assert [c.uri for c in index.search("wire drawer")] == [
        "http://data.europa.eu/esco/occupation/000e93a3-d956-4e45-aacb-f12c83fedf84"
    ]


@pytest.mark.parametrize("layout", ["v1.1", "v1.2"])
def test_hidden_labels_are_loaded_and_searched(layout: str) -> None:
    index = load_esco_directory(FIXTURES / layout)
    sheets = index.get(SHEETS)
    assert sheets is not None
    assert sheets.hidden_labels == {"en": ("spreadsheat software", "use excel")}
    (found,) = index.search("Spreadsheat")
    assert found.uri == SHEETS and found.label() == "use spreadsheets software"
    assert [c.uri for c in index.search("tecnical director")] == [DIRECTOR]
    assert [c.label() for c in index.search("wiredrawer")] == ["metal drawing machine operator"]
    # the query's words in any order, each the start of a word of a label
    assert [c.uri for c in index.search("director technical")] == [DIRECTOR]
    assert [c.uri for c in index.search("brulee creme")] == [
        S + "00000000-0000-4000-8000-000000000001"
    ]


def copy_fixture(tmp_path: Path, layout: str = "v1.1") -> Path:
    target = tmp_path / "esco"
    shutil.copytree(FIXTURES / layout, target)
    return target


def test_missing_column_names_file_line_and_column(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    path = directory / "occupationSkillRelations_en.csv"
    text = path.read_text(encoding="utf-8").replace("relationType", "relation", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_esco_directory(directory)
    error = info.value
    assert (error.file, error.line, error.column) == (
        "occupationSkillRelations_en.csv",
        1,
        "relationType",
    )
    assert "occupationSkillRelations_en.csv, line 1, column 'relationType'" in str(error)


def test_bad_value_names_its_line(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    path = directory / "occupationSkillRelations_en.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",essential,", ",required,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_esco_directory(directory)
    assert (info.value.line, info.value.column) == (4, "relationType")
    assert "'essential' or 'optional', found 'required'" in str(info.value)


def test_lines_count_multiline_cells(tmp_path: Path) -> None:
    # the first skill's altLabels span three lines: the second record starts on line 5
    directory = copy_fixture(tmp_path)
    path = directory / "skills_en.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(SHEETS, "not a uri", 1), encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_esco_directory(directory)
    assert (info.value.file, info.value.line, info.value.column) == (
        "skills_en.csv",
        5,
        "conceptUri",
    )


def test_short_row_and_non_utf8_and_empty_directory(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    with (directory / "ISCOGroups_en.csv").open("a", encoding="utf-8") as fh:
        fh.write("ISCOGroup,http://data.europa.eu/esco/isco/C9\n")
    with pytest.raises(TaxonomyError, match=r"ISCOGroups_en.csv, line 4, .*2 fields"):
        load_esco_directory(directory)
    (directory / "ISCOGroups_en.csv").write_bytes(b"conceptType,conceptUri,code\n\xff\xfe\n")
    with pytest.raises(TaxonomyError, match=r"ISCOGroups_en\.csv.*not UTF-8"):
        load_esco_directory(directory)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="no ESCO CSV files"):
        load_esco_directory(empty)
    with pytest.raises(TaxonomyError, match="not a directory"):
        load_esco_directory(tmp_path / "missing")


def test_unknown_files_are_skipped_and_reported(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    (directory / "conceptSchemes_en.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    index = load_esco_directory(directory)
    assert index.source["skipped"] == ["conceptSchemes_en.csv"]
    assert {f["name"] for f in index.source["files"]} >= {"skills_en.csv", "occupations_en.csv"}


def test_descriptions_are_text_not_html_entities(tmp_path: Path) -> None:
    # ESCO's CSV export writes '&' in some descriptions as '&amp;'; shown as such by
    # 'taxonomy show' and on the passport before
    directory = copy_fixture(tmp_path)
    path = directory / "skills_en.csv"
    text = path.read_text(encoding="utf-8")
    escaped = "Offer suggestions about the best course of action &amp; its risks &lt;here&gt;."
    plain = "Offer suggestions about the best course of action."
    path.write_text(text.replace(plain, escaped), encoding="utf-8")
    advice = load_esco_directory(directory).get(ADVICE)
    assert advice is not None
    assert advice.description() == plain[:-1] + " & its risks <here>."


def test_bundled_starter_descriptions_have_no_html_entities() -> None:
    # the bundled set is built from the same CSV export (tools/build_esco_starter.py)
    texts = [c.description() or "" for c in starter_taxonomy().occupations()]
    assert any("food & beverages" in text for text in texts)
    assert not [text for text in texts if "&amp;" in text or "&gt;" in text or "&lt;" in text]
