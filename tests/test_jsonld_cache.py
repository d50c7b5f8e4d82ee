"""Our JSON-LD hot path caches processed contexts across calls. Whatever the order of
documents, its output must equal stock pyld's (run without our caches)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld_jsonld

from skillswallet.credentials import jsonld
from skillswallet.credentials.loader import ContextLoader, default_loader

from .conftest import CONFORMANCE, EDDSA, INTEROP, load_json

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=20)


def _stock_canonical(doc: dict[str, Any], loader: ContextLoader) -> str:
    fresh = ContextLoader()  # separate state from the loader under test

    def load(url: str, options: Any = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(fresh.load(url))}

    out: str = pyld_jsonld.normalize(
        copy.deepcopy(doc),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load},
    )
    return out


@st.composite
def ob3_credentials(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = load_json(INTEROP / "ob3-unsigned.json")
    doc["name"] = draw(TEXT)
    ach = doc["credentialSubject"]["achievement"]
    ach["name"] = draw(TEXT)
    ach["description"] = draw(TEXT)
    alignments = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just(["Alignment"]),
                    "targetName": TEXT,
                    "targetUrl": st.sampled_from(
                        [
                            "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d",
                            "http://data.europa.eu/esco/skill/0b2d4c05-8a0a-4a5b-b1c3-1f8e5f3f7c1a",
                        ]
                    ),
                }
            ),
            max_size=3,
        )
    )
    ach["alignment"] = alignments
    if draw(st.booleans()):
        doc["validUntil"] = "2030-01-01T00:00:00Z"
    if draw(st.booleans()):
        doc["credentialSubject"]["result"] = [
            {"type": ["Result"], "value": draw(TEXT), "status": "Completed"}
        ]
    if draw(st.booleans()):
        doc["evidence"] = [{"type": ["Evidence"], "narrative": draw(TEXT)}]
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=ob3_credentials())
def test_cached_expansion_equals_stock_pyld(doc: dict[str, Any]) -> None:
    loader = default_loader()
    before = copy.deepcopy(doc)
    assert jsonld.canonicalize(doc, loader) == _stock_canonical(doc, loader)
    assert doc == before  # expansion never changes its input (we skip pyld's deep copy)


def test_interleaved_documents_with_different_contexts() -> None:
    loader = default_loader()
    docs = [
        load_json(EDDSA / "unsigned.json"),
        load_json(INTEROP / "ob3-unsigned.json"),
        load_json(CONFORMANCE / "openbadges" / "ldp-test-vector" / "unsigned.json"),
        load_json(CONFORMANCE / "status-list" / "bitstring-status-list-credential.example.json"),
    ]
    for _ in range(3):
        for doc in docs:
            before = copy.deepcopy(doc)
            assert jsonld.canonicalize(doc, loader) == _stock_canonical(doc, loader)
            assert doc == before


def _strings(value: Any) -> list[str]:
    """Every string inside a memo (keys and values, through tuples, dicts and terms)."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(v for v in item.values() if isinstance(v, (str, tuple, dict)))
        elif isinstance(item, tuple):
            stack.extend(item)
        elif hasattr(item, "__slots__"):  # an expansion term plan
            stack.extend(getattr(item, name) for name in item.__slots__)
    return out


def test_memos_never_keep_long_strings_of_untrusted_documents() -> None:
    # Memos live as long as the process (or the loader): what they keep must not grow
    # with the input. Long keys, IRIs and literals are processed, never memoized.
    from skillswallet.credentials import rdf, rdfc
    from skillswallet.credentials.suites import ALL_SUITES

    loader = ContextLoader()
    long = "x" * 5000
    for i in range(3):
        doc = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
            ],
            "id": f"urn:uuid:{i}{long}",
            "type": ["VerifiableCredential"],
            "issuer": f"did:example:{i}{long}",
            "credentialSubject": {f"k{i}{long}": f"{i}{long}"},  # a term through @vocab
        }
        jsonld.canonicalize(doc, loader)
        config = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2025-01-01T00:00:00Z",
            "verificationMethod": f"did:example:{i}{long}#key",
            "proofPurpose": "assertionMethod",
            "@context": doc["@context"],
        }
        ALL_SUITES["eddsa-rdfc-2022"]._canonical_config(config, loader)
    memos = [loader.iri_memo, loader.expansion_memos.terms, rdf._IRI_TERMS, rdfc._SERIALIZED_TERMS]
    longest = max(len(s) for memo in memos for s in _strings(memo))
    assert 0 < longest <= 1024 + 64  # (a term plan's IRI: a key of up to 1024, plus @vocab)
    assert sum(len(s) for s in _strings(loader.proof_config_cache)) <= 3 * (4096 + 1024)
