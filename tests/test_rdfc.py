"""RDFC-1.0: the W3C test suite, escaping, and the work limit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skillswallet.credentials import jsonld
from skillswallet.credentials.nquads import Quad, Term, escape_literal, parse_nquads
from skillswallet.credentials.rdfc import canonicalize_quads
from skillswallet.errors import WorkLimitError

from .conftest import CONFORMANCE

SUITE = CONFORMANCE / "rdf-canon"
MANIFEST = json.loads((SUITE / "manifest.jsonld").read_text())
ENTRIES = MANIFEST["entries"]


def _algorithm(entry: dict[str, Any]) -> str:
    return {"SHA384": "sha384"}.get(entry.get("hashAlgorithm", ""), "sha256")


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["type"] == "rdfc:RDFC10EvalTest"], ids=lambda e: e["id"]
)
def test_w3c_eval(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    expected = (SUITE / entry["result"]).read_text("utf-8")
    assert canonicalize_quads(quads, hash_algorithm=_algorithm(entry)).nquads == expected


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["type"] == "rdfc:RDFC10MapTest"], ids=lambda e: e["id"]
)
def test_w3c_issued_identifier_map(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    expected = json.loads((SUITE / entry["result"]).read_text("utf-8"))
    assert canonicalize_quads(quads, hash_algorithm=_algorithm(entry)).issued == expected


@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e["type"] == "rdfc:RDFC10NegativeEvalTest"],
    ids=lambda e: e["id"],
)
def test_w3c_negative_poison_graph_is_refused(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    with pytest.raises(WorkLimitError, match="work limit"):
        canonicalize_quads(quads)


def test_suite_has_all_86_tests() -> None:
    assert len(ENTRIES) == 86


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ('\b\t\n\f\r"\\', '\\b\\t\\n\\f\\r\\"\\\\'),
        ("\x00\x01\x07", "\\u0000\\u0001\\u0007"),
        ("\x0b\x0e\x1f\x7f", "\\u000B\\u000E\\u001F\\u007F"),
        ("é∞🌃\x80", "é∞🌃\x80"),
        ("\ufffe", "\\uFFFE"),
    ],
)
def test_literal_escaping_follows_rdfc_1_0(raw: str, escaped: str) -> None:
    assert escape_literal(raw) == escaped


def test_control_characters_in_a_credential_are_escaped_not_raw() -> None:
    doc = {
        "@context": {"@vocab": "urn:ex:"},
        "@id": "urn:ex:s",
        "note": "bell\x07 and tab\t",
    }
    out = jsonld.canonicalize(doc)
    assert out == '<urn:ex:s> <urn:ex:note> "bell\\u0007 and tab\\t" .\n'


def _clique_document(size: int) -> dict[str, Any]:
    nodes = [{"@id": f"_:n{i}"} for i in range(size)]
    for i, node in enumerate(nodes):
        node["urn:ex:p"] = [{"@id": f"_:n{j}"} for j in range(size) if j != i]
    return {"@graph": nodes}


def test_json_ld_poison_clique_is_refused() -> None:
    with pytest.raises(WorkLimitError):
        jsonld.canonicalize(_clique_document(8))


def test_duplicate_quads_collapse() -> None:
    q = Quad(Term("iri", "urn:s"), Term("iri", "urn:p"), Term("literal", "o", "", ""), None)
    assert canonicalize_quads([q, q]).nquads == '<urn:s> <urn:p> "o" .\n'


def test_iris_are_escaped_as_digital_bazaar_writes_them() -> None:
    # An IRIREF cannot hold ", <, >, {, }, |, ^, `, \ or U+0000-U+0020 as themselves. The
    # expected text is rdf-canonize 5.0.0's output for this document (jsonld.js, safe mode,
    # the pinned contexts), byte for byte; we used to write the quotation mark raw.
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "@type": '"',
        "tag": '"',
        "type": ["ExampleThing", "VerifiableCredential", "ExampleThing"],
    }
    assert jsonld.canonicalize(document) == (
        "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://www.w3.org/2018/credentials#VerifiableCredential> .\n"
        "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://www.w3.org/ns/credentials/examples#ExampleThing> .\n"
        "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://www.w3.org/ns/credentials/examples#\\u0022> .\n"
        '_:c14n0 <https://www.w3.org/ns/credentials/examples#tag> "\\"" .\n'
    )
    iri = Term("iri", 'https://example.org/a"b<c>d{e}|f^g`h\\i\x00 j')
    written = canonicalize_quads([Quad(iri, iri, iri, None)]).nquads
    escaped = "\\u0022b\\u003Cc\\u003Ed\\u007Be\\u007D\\u007Cf\\u005Eg\\u0060h\\u005Ci"
    assert escaped + "\\u0000\\u0020j" in written
    assert parse_nquads(written)[0].subject == iri  # and it reads back
