import hashlib

import pytest

from skillswallet.credentials import jsonld
from skillswallet.credentials.loader import ContextLoader, bundled_contexts, default_loader
from skillswallet.errors import ContextError, DataLossError, UnknownContextError

REQUIRED = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
]


def test_required_contexts_are_bundled() -> None:
    assert set(REQUIRED) <= set(bundled_contexts())


def test_unknown_context_is_refused_naming_the_url() -> None:
    with pytest.raises(UnknownContextError) as info:
        default_loader().load("https://evil.example/context.jsonld")
    assert info.value.url == "https://evil.example/context.jsonld"
    assert "https://evil.example/context.jsonld" in str(info.value)


def test_unknown_context_inside_a_document_surfaces_as_the_typed_error() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "http://localhost/x"],
        "id": "urn:x",
    }
    with pytest.raises(UnknownContextError, match="http://localhost/x"):
        jsonld.canonicalize(doc)


def test_caller_context_must_match_its_pinned_digest() -> None:
    raw = b'{"@context": {"skill": "https://example.org/skill"}}'
    loader = ContextLoader({"https://example.org/ctx": (raw, hashlib.sha256(raw).hexdigest())})
    doc = {"@context": "https://example.org/ctx", "@id": "urn:s", "skill": "welding"}
    assert jsonld.canonicalize(doc, loader) == '<urn:s> <https://example.org/skill> "welding" .\n'
    with pytest.raises(ContextError, match="digest"):
        ContextLoader({"https://example.org/ctx": (raw, "00" * 32)})


def test_extra_contexts_do_not_leak_into_the_default_loader() -> None:
    raw = b'{"@context": {"skill": "https://example.org/skill"}}'
    ContextLoader({"https://example.org/ctx2": (raw, hashlib.sha256(raw).hexdigest())})
    assert "https://example.org/ctx2" not in default_loader()


def test_undefined_terms_are_data_loss_not_silently_unsigned() -> None:
    doc = {"@context": {"a": "urn:a"}, "@id": "urn:s", "a": 1, "b": 2}
    with pytest.raises(DataLossError, match="'b'"):
        jsonld.canonicalize(doc)


def test_relative_type_is_data_loss() -> None:
    doc = {"@context": {"a": "urn:a"}, "@id": "urn:s", "@type": "Thing", "a": 1}
    with pytest.raises(DataLossError, match="Thing"):
        jsonld.canonicalize(doc)


def test_big_integers_are_refused() -> None:
    from skillswallet.errors import CanonicalizationError

    doc = {"@context": {"a": "urn:a"}, "@id": "urn:s", "a": 2**60}
    with pytest.raises(CanonicalizationError, match="2\\^53"):
        jsonld.canonicalize(doc)
