"""Which ``@context`` lists we accept, at issue and at verify alike (one function, so we
never issue what we would then refuse).

VC Data Model 2.0 lets entries after the first be objects (inline contexts). An inline
context can also change what signed data means (a nested one that swapped the IRIs of
"passed" and "failed" is how that was shown), so ours accept only the harmless use, the
one every valid example of the W3C test suite makes: **adding** terms.

An inline context may only define terms that no earlier context defines (at any depth,
type- and property-scoped ones included), each as an absolute IRI or ``{"@id": IRI}``
(with an optional ``"@type"`` that is an IRI or ``"@id"``). It may not set a keyword
(``@vocab``, ``@base``, ``@language``, ``@direction``, ``@import``, ``@propagate``,
``@version``, ``@protected``...), define a term that is itself an IRI or a compact IRI,
or nest a context. Anything else is refused with a message naming the term and the rule.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

from ..did.multikey import decode_multibase_base58
from ..errors import InvalidKeyError
from .loader import ContextLoader
from .plainform import ABSOLUTE_IRI

#: At most this many @context entries (a context list has a handful).
MAX_CONTEXTS = 16
#: Terms one inline context may add.
MAX_INLINE_TERMS = 64


def context_problem(entries: list[Any], loader: ContextLoader) -> tuple[str, dict[str, Any]] | None:
    """Why a document's top-level ``@context`` list is not acceptable, or None."""
    if len(entries) > MAX_CONTEXTS:
        return f"{len(entries)} @context entries; at most {MAX_CONTEXTS} are accepted", {}
    urls = [ctx for ctx in entries if isinstance(ctx, str)]
    repeated = sorted({u for u in urls if urls.count(u) > 1})
    if repeated:
        return "a context is listed more than once: " + ", ".join(repeated), {"repeated": repeated}
    unknown = [ctx for ctx in urls if ctx not in loader]
    if unknown:
        return (
            "unknown JSON-LD context(s), not bundled or allow-listed: " + ", ".join(unknown),
            {"unknown": unknown},
        )
    defined: set[str] = set()
    for position, entry in enumerate(entries):
        if isinstance(entry, str):
            continue
        if position == 0 or not isinstance(entry, dict):
            return (
                "@context must list the VC context first, then context URLs or objects",
                {},
            )
        # The terms of the earlier contexts, gathered only when an inline context comes
        # (a walk of the pinned contexts would cost every verify a sixth of its time).
        for earlier in entries[:position]:
            if isinstance(earlier, str):
                defined.update(_terms(loader.load(earlier).get("@context")))
        problem = _inline_problem(entry, defined)
        if problem is not None:
            return f"inline @context (entry {position}): {problem}", {"entry": position}
        defined.update(entry)
    return None


def _inline_problem(context: dict[str, Any], defined: set[str]) -> str | None:
    if len(context) > MAX_INLINE_TERMS:
        return f"{len(context)} terms; an inline context may add at most {MAX_INLINE_TERMS}"
    for term, definition in context.items():
        if term.startswith("@"):
            return f"{term} is not allowed (an inline context may only add terms)"
        if ":" in term or not term:
            return f"the term {term!r} is an IRI or compact IRI; only plain terms may be added"
        if term in defined:
            return f"the term {term!r} is defined by an earlier context; it may not be redefined"
        iri: Any
        if isinstance(definition, str):
            iri = definition
        elif isinstance(definition, dict) and set(definition) <= {"@id", "@type"}:
            iri = definition.get("@id")
            kind = definition.get("@type")
            if kind is not None and kind != "@id" and not _is_iri(kind):
                return f'the term {term!r} has @type {kind!r}; use an absolute IRI or "@id"'
        else:
            return (
                f'the term {term!r} must be an absolute IRI or {{"@id": IRI}} '
                '(optionally with "@type")'
            )
        if not _is_iri(iri):
            return f"the term {term!r} must map to an absolute IRI, not {iri!r}"
    return None


def _is_iri(value: Any) -> bool:
    return (
        isinstance(value, str)
        and not value.startswith(("_:", "@"))
        and ABSOLUTE_IRI.match(value) is not None
    )


def _terms(context: Any) -> Iterator[str]:
    """Every term a (pinned) context defines, at any depth."""
    for item in context if isinstance(context, list) else [context]:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if not key.startswith("@"):
                yield key
            if isinstance(value, dict) and "@context" in value:
                yield from _terms(value["@context"])


_SRI = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
#: Multihash codes (varint) of the digests a digestMultibase may use.
_MULTIHASH = {b"\x12\x20": hashlib.sha256, b"\x20\x30": hashlib.sha384, b"\x13\x40": hashlib.sha512}


def related_resource_problems(document: dict[str, Any], loader: ContextLoader) -> list[str]:
    """VC DM 2.0 §5.3: each ``relatedResource`` we hold (every pinned context) must have
    the digest it states; one message per resource that does not. Resources we do not
    hold are not fetched (offline), so not checked."""
    problems = []
    related = document.get("relatedResource")
    for item in related if isinstance(related, list) else [related]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        raw = loader.raw(item["id"]) if item["id"] in loader else None
        if raw is None:
            continue
        stated = [(k, item[k]) for k in ("digestSRI", "digestMultibase") if k in item]
        for kind, value in stated:
            if not _digest_matches(kind, value, raw):
                problems.append(
                    f"relatedResource {item['id']}: its {kind} does not match the pinned "
                    "context's content"
                )
    return problems


def _digest_matches(kind: str, value: Any, raw: bytes) -> bool:
    if not isinstance(value, str):
        return False
    if kind == "digestSRI":
        algorithm, _, encoded = value.partition("-")
        hasher = _SRI.get(algorithm)
        return hasher is not None and base64.b64encode(hasher(raw).digest()).decode() == encoded
    # A multibase-encoded multihash (Data Integrity §2.6): base64url ("u", as the VC DM
    # 2.0 examples) or base58btc ("z", as Data Integrity's example).
    try:
        if value.startswith("u"):
            data = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        elif value.startswith("z"):
            data = decode_multibase_base58(value)
        else:
            return False
    except (ValueError, InvalidKeyError):
        return False
    hasher = _MULTIHASH.get(data[:2])
    if hasher is not None and hasher(raw).digest() == data[2:]:
        return True
    # A bare SHA-256 (no multihash header), as the W3C VC DM 2.0 test suite's fixtures
    # and some issuers write it: 32 bytes cannot be mistaken for a 34-byte multihash, and
    # refusing it would refuse their credentials. We write multihashes.
    return len(data) == 32 and hashlib.sha256(raw).digest() == data
