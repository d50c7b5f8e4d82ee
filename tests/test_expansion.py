"""Our fast JSON-LD expansion (:mod:`skillswallet.credentials.expansion`) against pyld's.

The fast path either gives exactly pyld's expansion (same values, key order and list
order) or declines (``Unsupported``) so that pyld expands the document. It is checked on
every input of the W3C JSON-LD toRdf suite and on randomized credentials."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld.context_resolver import ContextResolver

from skillswallet.credentials import jsonld
from skillswallet.credentials.expansion import ExpansionMemos, FastExpander, Unsupported
from skillswallet.credentials.jsonld import _Processor, _with_defaults
from skillswallet.credentials.loader import ContextLoader

from .conftest import CONFORMANCE, INTEROP, load_json
from .test_jsonld_cache import ob3_credentials
from .test_verify_fuzz import SCALE

SUITE = CONFORMANCE / "json-ld-api"
MANIFEST = json.loads((SUITE / "toRdf-manifest.jsonld").read_text())
BASE = MANIFEST["baseIri"]


def _suite_loader(url: str, options: Any = None) -> dict[str, Any]:
    if not url.startswith(BASE):
        raise ValueError(f"test loader refuses {url}")
    path = SUITE / url[len(BASE) :]
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text())}


#: One memo for the whole suite run: memoized contexts and terms must not change results.
SHARED_MEMOS = ExpansionMemos()


def _run(expand: Any) -> tuple[str, Any]:
    try:
        return "ok", expand()
    except Unsupported:
        return "unsupported", None
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, anything
        return "error", type(exc).__name__


def _both(document: Any, options: dict[str, Any], memos: ExpansionMemos) -> tuple[Any, Any]:
    before = json.dumps(document, sort_keys=True)
    fast = _run(
        lambda: FastExpander(_Processor(_dropped, {}, {}), options, memos, frozenset()).expand(
            document
        )
    )
    assert json.dumps(document, sort_keys=True) == before  # the input is never changed
    slow = _run(lambda: _Processor(_dropped, {}, {}).expand_in_place(document, options))
    return fast, slow


def _dropped(prop: Any) -> None:
    raise LookupError(f"dropped {prop}")


def _bundled() -> tuple[ContextLoader, dict[str, Any]]:
    """A fresh loader of the bundled contexts, and the options our expand() uses."""
    loader = ContextLoader()
    options = _with_defaults(
        {
            "documentLoader": loader.pyld_loader,
            "contextResolver": jsonld._resolver(loader),
            "base": None,
        }
    )
    return loader, options


def _fast(loader: ContextLoader, options: dict[str, Any], memos: Any = None) -> FastExpander:
    processor = _Processor(_dropped, {}, {})
    return FastExpander(processor, options, memos or ExpansionMemos(), loader.pinned_object_ids())


def _assert_same(fast: tuple[str, Any], slow: tuple[str, Any], label: str) -> None:
    """The fast path's answer (a value or an error) is pyld's answer."""
    assert fast[0] == slow[0], label
    if fast[0] == "ok":
        # Same values, and the same key and list order (blank node labels follow it).
        assert json.dumps(fast[1]) == json.dumps(slow[1]), label
    else:
        assert fast[1] == slow[1], label


def test_fast_expansion_equals_pyld_on_the_w3c_suite() -> None:
    handled = declined = 0
    for entry in MANIFEST["sequence"]:
        option = entry.get("option", {})
        if "expandContext" in option:
            continue
        options = _with_defaults(
            {
                "documentLoader": _suite_loader,
                "contextResolver": ContextResolver({}, _suite_loader),
                "base": None,
                "processingMode": option.get("processingMode", "json-ld-1.1"),
            }
        )
        document = json.loads((SUITE / entry["input"]).read_text())
        # A fresh and a shared memo: memoized contexts and terms must not change results.
        for memos in (ExpansionMemos(), SHARED_MEMOS):
            fast, slow = _both(document, options, memos)
            if fast[0] == "unsupported":
                declined += 1
                continue
            handled += 1
            _assert_same(fast, slow, entry["@id"])
    # The comparison is not vacuous: most of the suite runs on the fast path.
    assert handled > 500 and declined > 100, (handled, declined)


@pytest.mark.parametrize(
    "name", ["ob3-unsigned.json", "ob3-eddsa-rdfc-2022.json", "vp-eddsa-rdfc-2022.json"]
)
def test_interop_documents_take_the_fast_path(name: str) -> None:
    loader, options = _bundled()
    document = load_json(INTEROP / name)
    expanded = _fast(loader, options).expand(document)  # no Unsupported: shapes we sign
    assert json.dumps(expanded) == json.dumps(
        _Processor(_dropped, {}, {}).expand_in_place(document, options)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ob3_credentials())
def test_fast_expansion_equals_pyld_on_random_credentials(doc: dict[str, Any]) -> None:
    loader, options = _bundled()
    fast = _fast(loader, options)
    twice = [fast.expand(copy.deepcopy(doc)) for _ in range(2)]  # cold, then memoized
    slow = _Processor(_dropped, {}, {}).expand_in_place(doc, options)
    assert json.dumps(twice[0]) == json.dumps(slow) == json.dumps(twice[1])


# Random documents over the pinned vocabularies: node shapes, type-scoped and
# property-scoped terms, lists, sets, value objects and undefined keys, nested a few
# levels. Wherever the fast path answers, pyld must give the same answer.
_TYPES = [
    "VerifiableCredential",
    "OpenBadgeCredential",
    "Achievement",
    "AchievementSubject",
    "Alignment",
    "Profile",
    "Image",
    "Evidence",
    "Result",
    "ResultDescription",
    "IdentityObject",
    "Criteria",
    "ExampleThing",
]
_KEYS = [
    "id",
    "type",
    "name",
    "description",
    "credentialSubject",
    "achievement",
    "alignment",
    "criteria",
    "narrative",
    "issuer",
    "validFrom",
    "validUntil",
    "image",
    "evidence",
    "targetUrl",
    "targetName",
    "targetType",
    "result",
    "resultDescription",
    "identifier",
    "hashed",
    "achievedLevel",
    "creditsEarned",
    "tag",
    "url",
    "email",
    "@id",
    "@type",
    "undefinedTerm",
    "credentialSchema",
    "@list",
    "@set",
    "@graph",
]
_SCALARS = st.one_of(
    st.text(max_size=8),
    st.integers(-1000, 1000),
    st.booleans(),
    st.none(),
    st.sampled_from(["urn:uuid:1", "did:example:a", "https://example.org/x", "_:b0", "@foo"]),
)


def _values(depth: int) -> st.SearchStrategy[Any]:
    scalar_or_list = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))
    if depth <= 0:
        return scalar_or_list
    node = _nodes(depth - 1)
    value_object = st.fixed_dictionaries({"@value": _SCALARS, "@language": st.just("en")})
    return st.one_of(
        scalar_or_list,
        scalar_or_list,
        node,
        node,
        value_object,
        st.lists(st.one_of(node, _SCALARS), max_size=3),
        st.fixed_dictionaries({"@list": st.lists(st.one_of(_SCALARS, node), max_size=3)}),
    )


def _nodes(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    types = st.one_of(st.sampled_from(_TYPES), st.lists(st.sampled_from(_TYPES), max_size=3))
    return st.dictionaries(st.sampled_from(_KEYS), _values(depth), max_size=5).flatmap(
        lambda node: st.just(node) | types.map(lambda t: {**node, "type": t})
    )


@settings(
    max_examples=300 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    _nodes(3),
    st.sampled_from(
        [
            ["https://www.w3.org/ns/credentials/v2"],
            [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            # With @vocab every key is defined, so most documents reach the comparison.
            *[
                [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://www.w3.org/ns/credentials/examples/v2",
                ],
                [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                    "https://www.w3.org/ns/credentials/examples/v2",
                ],
            ]
            * 3,
        ]
    ),
)
def test_fast_expansion_equals_pyld_on_random_documents(
    node: dict[str, Any], contexts: list[str]
) -> None:
    document = {"@context": contexts, **node}
    loader, options = _bundled()
    fast = _run(lambda: _fast(loader, options).expand(document))
    slow = _run(lambda: _Processor(_dropped, {}, {}).expand_in_place(document, options))
    if fast[0] != "unsupported":
        _assert_same(fast, slow, json.dumps(document))
    # With memos kept across documents: node plans recorded by earlier documents (the
    # same shapes with other values) and by the first run of this one are used.
    shared_loader, shared_options = _SHARED_BUNDLED
    for _ in range(2):
        again = _run(
            lambda: _fast(shared_loader, shared_options, _SHARED_DOCUMENT_MEMOS).expand(document)
        )
        if again[0] != "unsupported":
            _assert_same(again, slow, json.dumps(document))


_SHARED_BUNDLED = _bundled()
_SHARED_DOCUMENT_MEMOS = ExpansionMemos()


def test_node_plans_expand_repeated_shapes_as_pyld_does() -> None:
    """Nodes of one shape with values the plan does not cover (other types, a number, a
    list, a missing key) among nodes it covers."""
    loader, options = _bundled()
    document = load_json(INTEROP / "ob3-unsigned.json")
    template = document["credentialSubject"]["achievement"]["alignment"][0]
    variants: list[dict[str, Any]] = [
        dict(template, targetName=f"skill {i}", targetUrl=f"https://example.org/{i}")
        for i in range(5)
    ]
    variants += [
        dict(template, targetName=7),
        dict(template, targetName=["a", "b"]),
        dict(template, type="Alignment"),
        dict(template, type=["Alignment", "Alignment"]),
        dict(template, id="urn:uuid:0b1c6a55-0e7e-4d8e-9d25-9f4c1e2a7b32"),
        {k: v for k, v in template.items() if k != "targetType"},
        dict(template, targetName="last"),
    ]
    document["credentialSubject"]["achievement"]["alignment"] = variants
    memos = ExpansionMemos()
    slow = _Processor(_dropped, {}, {}).expand_in_place(document, options)
    for _ in range(2):  # plans recorded, then used
        fast = _fast(loader, options, memos).expand(document)
        assert json.dumps(fast) == json.dumps(slow)
    assert memos.plans  # the comparison is not vacuous
