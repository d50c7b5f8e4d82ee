"""Inline contexts (VC Data Model 2.0 allows objects after the first @context entry): one
policy at issue and at verify. Adding terms is accepted (as every valid example of the W3C
suite does); anything that could change what other terms mean is refused by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id, verify
from skillswallet.credentials.contextpolicy import context_problem
from skillswallet.credentials.loader import default_loader
from skillswallet.did.key import did_from_public_key
from skillswallet.errors import InvalidDocumentError
from skillswallet.result import Status

from .vaultkit import NOW

KEY = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(7, 39)))
DID = did_from_public_key(KEY.public)
V2 = "https://www.w3.org/ns/credentials/v2"
ADDS = {"ExampleDegreeCredential": "https://example.org/#ExampleDegreeCredential"}


def _credential(*extra: Any, types: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "@context": [V2, *extra],
        "type": ["VerifiableCredential", *types],
        "issuer": DID,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
    }


def _sign(doc: dict[str, Any]) -> dict[str, Any]:
    return issue_credential(doc, KEY.signer(verification_method_id(KEY.public)), created=NOW)


def test_an_inline_context_that_adds_a_type_is_issued_and_verified() -> None:
    signed = _sign(_credential(ADDS, types=("ExampleDegreeCredential",)))
    result = verify(signed, now=NOW)
    assert result.verified, [c for c in result.checks if c.status is not Status.PASSED]
    extended = {"degreeName": {"@id": "https://example.org/#degreeName", "@type": "@id"}}
    doc = _credential(extended)
    doc["credentialSubject"]["degreeName"] = "https://example.org/degrees/bsc"
    assert verify(_sign(doc), now=NOW).verified


@pytest.mark.parametrize(
    ("inline", "words"),
    [
        ({"@vocab": "https://attacker.example/#"}, "@vocab is not allowed"),
        ({"@base": "https://attacker.example/"}, "@base is not allowed"),
        ({"@language": "en"}, "@language is not allowed"),
        ({"@import": "https://attacker.example/ctx"}, "@import is not allowed"),
        ({"@propagate": False}, "@propagate is not allowed"),
        ({"name": "https://attacker.example/#name"}, "'name' is defined by an earlier context"),
        (  # a term the v2 context defines only inside a type-scoped context
            {"credentialSubject": "https://attacker.example/#subject"},
            "'credentialSubject' is defined by an earlier context",
        ),
        ({"ex:Thing": "https://example.org/#Thing"}, "is an IRI or compact IRI"),
        ({"Thing": "not an iri"}, "must map to an absolute IRI"),
        ({"Thing": "_:b0"}, "must map to an absolute IRI"),
        ({"Thing": {"@id": "https://e.org/#T", "@context": {}}}, "must be an absolute IRI or"),
        ({"Thing": {"@id": "https://e.org/#T", "@type": "@vocab"}}, "has @type '@vocab'"),
        ({"@vocab": None}, "@vocab is not allowed"),  # (pyld raised a KeyError here)
    ],
    ids=lambda v: str(v)[:30],
)
def test_inline_contexts_that_change_meaning_are_refused_at_issue_and_verify(
    inline: dict[str, Any], words: str
) -> None:
    problem = context_problem([V2, inline], default_loader())
    assert problem is not None and words in problem[0]
    with pytest.raises(InvalidDocumentError, match="contexts: inline @context"):
        _sign(_credential(inline))
    forged = _sign(_credential())
    forged["@context"] = [V2, inline]
    result = verify(forged, now=NOW)
    [contexts] = [c for c in result.checks if c.id.value == "contexts"]
    assert contexts.status is Status.FAILED and words in contexts.reason


def test_the_first_context_is_never_an_object_and_terms_are_added_once() -> None:
    assert "VC context first" in context_problem([ADDS, V2], default_loader())[0]  # type: ignore[index]
    again = context_problem([V2, ADDS, ADDS], default_loader())
    assert again is not None and "'ExampleDegreeCredential' is defined by an earlier" in again[0]


def _sri(url: str) -> str:
    import base64
    import hashlib

    from skillswallet.credentials.loader import bundled_context_bytes

    raw = bundled_context_bytes(url)
    assert raw is not None
    return "sha384-" + base64.b64encode(hashlib.sha384(raw).digest()).decode()


def _multibase(url: str, *, base58: bool = False) -> str:
    import base64
    import hashlib

    from skillswallet.credentials.loader import bundled_context_bytes
    from skillswallet.did.multikey import encode_multibase_base58

    raw = bundled_context_bytes(url)
    assert raw is not None
    digest = b"\x12\x20" + hashlib.sha256(raw).digest()
    if base58:
        return encode_multibase_base58(digest)
    return "u" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _bare_b64(url: str) -> str:
    import base64
    import hashlib

    from skillswallet.credentials.loader import bundled_context_bytes

    raw = bundled_context_bytes(url)
    assert raw is not None
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def test_related_resources_we_hold_must_have_the_digest_they_state() -> None:
    doc = _credential()
    doc["relatedResource"] = [
        {"id": V2, "digestSRI": _sri(V2)},
        {"id": "https://example.org/not-held.json", "digestSRI": "sha384-AAAA"},
    ]
    assert verify(_sign(doc), now=NOW).verified  # the one held matches; the other is not fetched
    doc["relatedResource"] = [{"id": V2, "digestMultibase": _multibase(V2)}]
    assert verify(_sign(doc), now=NOW).verified
    doc["relatedResource"] = [{"id": V2, "digestMultibase": _multibase(V2, base58=True)}]
    assert verify(_sign(doc), now=NOW).verified
    # a bare digest is not a multihash (Data Integrity §2.6): refused as not matching
    # a bare SHA-256 in multibase (the W3C suite's fixtures write one) is read too...
    doc["relatedResource"] = [{"id": V2, "digestMultibase": "u" + _bare_b64(V2)}]
    assert verify(_sign(doc), now=NOW).verified
    # ...but not one without its multibase prefix, nor a bare digest of other content
    for value in (_bare_b64(V2), "u" + _bare_b64(V2)[:-4] + "AAAA"):
        doc["relatedResource"] = [{"id": V2, "digestMultibase": value}]
        with pytest.raises(InvalidDocumentError, match="digestMultibase does not match"):
            _sign(doc)
    words = f"relatedResource {V2}: its digestSRI does not match the pinned context's content"
    wrong = _credential()
    wrong["relatedResource"] = [{"id": V2, "digestSRI": _sri(V2)[:-6] + "AAAAA="}]
    with pytest.raises(InvalidDocumentError, match=re.escape(words)):  # the same policy
        _sign(wrong)
    doc["relatedResource"] = [{"id": V2, "digestSRI": _sri(V2)}]
    forged = _sign(doc)
    forged["relatedResource"] = wrong["relatedResource"]
    result = verify(forged, now=NOW)
    [contexts] = [c for c in result.checks if c.id.value == "contexts"]
    assert not result.verified and contexts.status is Status.FAILED
    assert contexts.reason == words


@pytest.mark.parametrize(
    ("related", "words"),
    [
        ({"id": V2}, "needs a digestSRI or digestMultibase"),
        ({"digestSRI": "sha384-x"}, "needs an id URL"),
        ([{"id": V2, "digestSRI": "a"}, {"id": V2, "digestSRI": "b"}], "twice"),
    ],
)
def test_malformed_related_resources_are_refused_at_issue(related: Any, words: str) -> None:
    doc = _credential()
    doc["relatedResource"] = related
    with pytest.raises(InvalidDocumentError, match=words):
        _sign(doc)


@pytest.mark.parametrize("name", ["renderMethod", "confidenceMethod", "evidence", "termsOfUse"])
def test_typed_members_without_type_are_refused(name: str) -> None:
    doc = _credential()
    doc[name] = {"id": "https://example.org/thing"}
    with pytest.raises(InvalidDocumentError, match=name):
        _sign(doc)
