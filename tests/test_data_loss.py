"""Nothing a document states may be left out of what is signed.

Random documents over the pinned vocabularies are canonicalized as signing does; when that
succeeds, every string the document holds (other than keys, contexts, IRIs and keywords,
whose canonical form differs) must appear in the canonical N-Quads. Anything JSON-LD would
drop must instead be refused (DataLossError or another CanonicalizationError)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skillswallet.credentials import jsonld
from skillswallet.credentials.loader import ContextLoader
from skillswallet.credentials.nquads import escape_iri, escape_literal
from skillswallet.errors import CanonicalizationError

from .test_expansion import _nodes
from .test_verify_fuzz import SCALE

LOADER = ContextLoader()
CONTEXTS = [
    ["https://www.w3.org/ns/credentials/v2"],
    [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@settings(
    max_examples=400 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(_nodes(3), st.sampled_from(CONTEXTS))
@example({"type": "\\0"}, CONTEXTS[2])  # a type that becomes an IRI with an escape
def test_canonical_form_keeps_every_string_the_document_states(
    node: dict[str, Any], contexts: list[str]
) -> None:
    document = {"@context": contexts, **node}
    try:
        canonical = jsonld.canonicalize(document, LOADER)
    except CanonicalizationError:
        return  # refused: nothing is signed
    for text in _strings(document):
        if text == "" or ":" in text or text.startswith("@"):
            continue  # IRIs and keywords are written in their expanded form
        # (a string can be written as a literal or, through @vocab, as part of an IRI)
        written = {text, escape_literal(text), escape_iri(text)}
        assert any(form in canonical for form in written), text
