"""Plain compact form: the JSON a check reads must say exactly what was signed.

With an RDF suite only the RDF dataset is signed, and JSON-LD lets one statement be
written many ways: under a term, its full IRI or a compact IRI, as a value object, inside
``@nest``, re-mapped by a nested ``@context``, or next to ``@index`` values that never
reach the RDF at all. Our checks and summaries read plain JSON keys (``validUntil``,
``credentialStatus``, ``name``). So a document is accepted only in *plain compact form*,
where each key is the one term the contexts define for it, and two rules enforce that:

* :func:`plain_form_problems` (syntax, no JSON-LD needed): no keyword keys except
  ``@context`` at the top of a credential, presentation or proof, and language value
  objects; no key written as an IRI or compact IRI.
* :func:`signed_data_disagreements` (against the expansion, the signed meaning): the
  document has as many property entries as its expansion (two keys meaning one property,
  map containers whose keys are not data, anything expansion merged or dropped), and
  every property a check or summary reads has, in the expansion, exactly the values the
  JSON shows.

Both hold for JCS suites too: there the JSON is signed, but its meaning still comes from
its contexts, and a check must not read past a statement the document makes another way.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

CRED = "https://www.w3.org/2018/credentials#"
SCHEMA_ORG = "https://schema.org/"

#: The keys of the one value object a plain document may use, the *language value object*
#: of VC Data Model 2.0 §11.1: ``@value`` (a string, required) with ``@language`` and/or
#: ``@direction`` ("ltr" or "rtl"); "MUST NOT include any other keys". A typed value
#: object is not plain (the term's context gives the type), and a bare ``{"@value": ...}``
#: is a plain string written another way (write the string).
#:
#: ``@direction`` is accepted by the data model, but RDF canonicalization signs it only when
#: the JSON-LD ``rdfDirection`` option is set, and the RDFC cryptosuites (eddsa-rdfc-2022,
#: ecdsa-rdfc-2019, ecdsa-sd-2023) do not say to set it (w3c/vc-data-integrity#366:
#: implementations diverge; the default, ``null``, drops the direction, so a holder could
#: add or flip it). So the decision: a language value object with ``@direction`` is
#: accepted here (by :func:`plain_form_problems`, at issue and at verify), and the strict
#: RDF step refuses it as data loss (``rdf.py``, as jsonld.js's safe mode does): it is
#: signed and verified with a JCS suite (eddsa-jcs-2022, ecdsa-jcs-2019), which signs the
#: JSON itself, direction included, and refused, naming the value, with an RDFC one.
VALUE_OBJECT_KEYS = frozenset({"@value", "@language", "@direction"})
#: The base directions of JSON-LD 1.1 (§4.2.4 of the syntax).
DIRECTIONS = frozenset({"ltr", "rtl"})
#: Keys holding a JSON literal (``"@type": "@json"`` in the VC v2 and JWK contexts): their
#: contents are data, not JSON-LD, and are signed as one literal.
JSON_LITERAL_KEYS = frozenset({"jsonSchema", "jwk", "_sd", "publicKeyJwk", "secretKeyJwk"})
#: Types per node: far more than any real credential (each is processed with its scoped
#: context, and repeats would be work that RDF then collapses).
MAX_TYPES = 32
#: A type term: what expands, through the contexts' definitions or their @vocab, to an
#: IRI (VC Data Model 2.0 §4.5: "one or more terms and/or absolute URL strings"). The
#: other half of that rule, an absolute IRI, is accepted too: checks compare types
#: through credentials.types, which reads either spelling as the same type.
_TERM = re.compile(r"[^\s:@\x00-\x1f][^\s:\x00-\x1f]*\Z")
#: An absolute IRI (RFC 3987: a scheme, a colon, no whitespace or characters IRIs forbid).
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")
#: Keys under which an object starts a document of its own, with its own ``@context``.
NESTED_DOCUMENT_KEYS = frozenset({"verifiableCredential", "proof"})
#: The keyword aliases every pinned context defines.
ALIASES = frozenset({"id", "type"})

#: The properties checks and summaries read at the top of a credential or presentation.
_SINGLE_VALUE = {
    "validFrom": CRED + "validFrom",
    "validUntil": CRED + "validUntil",
    "issuanceDate": CRED + "issuanceDate",
    "expirationDate": CRED + "expirationDate",
}
_COUNTED = {
    "credentialSubject": CRED + "credentialSubject",
    "credentialStatus": CRED + "credentialStatus",
    "credentialSchema": CRED + "credentialSchema",
    "evidence": CRED + "evidence",
    "termsOfUse": CRED + "termsOfUse",
    "refreshService": CRED + "refreshService",
    "verifiableCredential": CRED + "verifiableCredential",
    "name": SCHEMA_ORG + "name",
    "description": SCHEMA_ORG + "description",
}


def plain_form_problems(document: Any) -> list[str]:
    """Keys and values written in a way our checks could read differently from what is
    signed (see the module docstring). Empty when the document is in plain form."""
    if _is_plain(document):
        return []
    problems: list[str] = []
    queue: deque[tuple[Any, str, bool]] = deque([(document, "", True)])
    while queue:
        value, path, may_have_context = queue.popleft()
        if isinstance(value, list):
            queue.extend((item, f"{path}[{i}]", may_have_context) for i, item in enumerate(value))
            continue
        if not isinstance(value, dict):
            continue
        if "@value" in value:
            _check_value_object(value, path, problems)
            continue
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "type":
                _check_types(item, where, problems)
                continue
            if key == "@context":
                if not may_have_context:
                    problems.append(
                        f"{where}: a @context inside the document is not accepted (it can "
                        "change what the terms below it mean); contexts belong at the top"
                    )
                continue
            if key.startswith("@"):
                problems.append(
                    f"{where}: the JSON-LD keyword {key} is not accepted in a credential "
                    "(its data may not be signed, or be read differently than it is signed)"
                )
                continue
            if ":" in key:
                problems.append(
                    f"{where}: a property written as an IRI is not accepted; write the term "
                    "its context defines for it"
                )
                continue
            if key in JSON_LITERAL_KEYS:
                continue
            queue.append((item, where, key in NESTED_DOCUMENT_KEYS))
        if len(problems) >= 20:
            problems.append("(more problems not listed)")
            break
    return problems


def _is_plain(document: Any) -> bool:
    """:func:`plain_form_problems` is empty (the same rules, without the messages)."""
    stack: list[tuple[Any, bool]] = [(document, True)]
    while stack:
        value, may_have_context = stack.pop()
        if isinstance(value, list):
            stack.extend((item, may_have_context) for item in value)
            continue
        if not isinstance(value, dict):
            continue
        if "@value" in value:
            if _value_object_problem(value) is not None:
                return False
            continue
        for key, item in value.items():
            if key == "type":
                if _type_problem(item) is not None:
                    return False
            elif key[:1] == "@":
                if key != "@context" or not may_have_context:
                    return False
            elif ":" in key:
                return False
            elif key not in JSON_LITERAL_KEYS and isinstance(item, (dict, list)):
                stack.append((item, key in NESTED_DOCUMENT_KEYS))
    return True


def direction_problems(document: Any) -> list[str]:
    """The language value objects with a ``@direction``, which an RDFC cryptosuite would
    not sign (see :data:`VALUE_OBJECT_KEYS`): one problem each, naming where it is."""
    problems: list[str] = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, dict):
            if "@value" in value:
                if "@direction" in value:
                    problems.append(
                        f"{path}.@direction: RDF canonicalization does not sign a base "
                        "direction (rdfDirection is not set by the RDFC cryptosuites); sign "
                        "with a JCS cryptosuite (eddsa-jcs-2022), or leave the direction out"
                    )
                continue
            for key, item in value.items():
                if key not in JSON_LITERAL_KEYS and isinstance(item, (dict, list)):
                    stack.append((item, f"{path}.{key}" if path else str(key)))
    return sorted(problems)


def _check_value_object(value: dict[str, Any], path: str, problems: list[str]) -> None:
    problem = _value_object_problem(value)
    if problem is not None:
        problems.append(f"{path}: {problem}")


def _value_object_problem(value: dict[str, Any]) -> str | None:
    """Why a value object is not a language value object (VC Data Model 2.0 §11.1)."""
    keys = value.keys()
    if not keys <= VALUE_OBJECT_KEYS or len(keys) < 2:
        found = ", ".join(sorted(str(k) for k in value))
        return (
            "a value object must be a language value object: @value with @language and/or "
            f"@direction, no other key (VC Data Model 2.0 §11.1; found {found}); write other "
            "values plainly, the context gives their type"
        )
    if not isinstance(value["@value"], str):
        return "a language value object's @value must be a string (VC Data Model 2.0 §11.1)"
    if "@language" in value and not isinstance(value["@language"], str):
        return "a language value object's @language must be a string (a BCP 47 language tag)"
    if "@direction" in value and value["@direction"] not in DIRECTIONS:
        return (
            f"a language value object's @direction must be 'ltr' or 'rtl' (JSON-LD 1.1 base "
            f"direction), not {str(value['@direction'])[:20]!r}"
        )
    return None


def _type_problem(value: Any) -> str | None:
    """Why a ``type`` value is not plain: each entry a term or an absolute IRI (VC Data
    Model 2.0 §4.5), none twice in either spelling, not too many."""
    if type(value) is list and len(value) == 1:  # the usual case, e.g. ["Alignment"]
        value = value[0]
    if type(value) is str and _TERM.match(value):
        return None
    types = value if isinstance(value, list) else [value]
    if len(types) > MAX_TYPES:
        return f"{len(types)} types; at most {MAX_TYPES} are accepted"
    for entry in types:
        if not isinstance(entry, str):
            return f"{str(entry)[:80]!r} is not a term or an absolute IRI"
        if ":" in entry and not (ABSOLUTE_IRI.match(entry) and not entry.startswith("_:")):
            return (
                f"{entry[:80]!r} is not an absolute IRI: a type is a term or an absolute "
                "URL (VC Data Model 2.0 §4.5)"
            )
        if ":" not in entry and not _TERM.match(entry):
            return (
                f"{entry[:80]!r} is not a term: a type must be a term that expands to an IRI "
                "or an absolute URL (VC Data Model 2.0 §4.5), not empty, a keyword or with "
                "spaces"
            )
    from .types import scoped_type_term, type_terms  # (types reads the pinned contexts)

    for entry in types:
        term = scoped_type_term(entry)
        if term is not None:
            return (
                f"write the term {term!r}, not its IRI {entry[:80]!r}: the context gives "
                f"{term!r} definitions of its own (issuer, validFrom...) that JSON-LD "
                "applies for the term only, so with the IRI the other properties would mean "
                "something else"
            )
    if len(set(type_terms(types))) != len(types):
        return "a type is listed more than once (as a term and as its IRI, or twice)"
    return None


def _check_types(value: Any, path: str, problems: list[str]) -> None:
    problem = _type_problem(value)
    if problem is not None:
        problems.append(f"{path}: {problem}")


# --- against the expansion --------------------------------------------------------------


def signed_data_disagreements(
    document: dict[str, Any], expanded: list[Any]
) -> tuple[list[str], int]:
    """Where the compact JSON and its expansion (what an RDF suite signs) disagree about
    what the checks and summaries read (empty when they agree), and the number of property
    entries (about the number of statements). ``document`` is the unsecured document
    (without ``proof``) that ``expanded`` came from."""
    expanded_count = _count_expanded(expanded)
    nodes = [n for n in expanded if isinstance(n, dict)]
    if len(nodes) != 1 or len(expanded) != 1:
        return [f"the document describes {len(expanded)} top-level nodes, not one"], expanded_count
    node = nodes[0]
    problems: list[str] = []
    compact_count = _count_compact(document)
    if compact_count != expanded_count:
        problems.append(
            f"the JSON has {compact_count} property entries but its signed data has "
            f"{expanded_count}: some keys mean the same property, or are not signed data"
        )
    if node.get("@id") != document.get("id"):
        problems.append("id: the signed data names another id")
    if len(as_list(node.get("@type"))) != len(as_list(document.get("type"))):
        problems.append("type: the signed data has other types")
    _compare_reference(node, CRED + "issuer", _ref_id(document.get("issuer")), "issuer", problems)
    _compare_reference(node, CRED + "holder", _ref_id(document.get("holder")), "holder", problems)
    for term, iri in _SINGLE_VALUE.items():
        found = node.get(iri)
        if found is None and document.get(term) is None:
            continue  # the usual case: neither says anything
        shown = [document[term]] if document.get(term) is not None else []
        signed = [v.get("@value") for v in found or [] if isinstance(v, dict)]
        if signed != shown or len(found or []) != len(shown):
            problems.append(f"{term}: the signed data says {signed!r}, the JSON {shown!r}")
    for term, iri in _COUNTED.items():
        signed_items = node.get(iri, [])
        if not signed_items and document.get(term) is None:
            continue
        shown_items = as_list(document.get(term))
        if len(shown_items) != len(signed_items):
            problems.append(
                f"{term}: the signed data has {len(signed_items)} value(s), "
                f"the JSON {len(shown_items)}"
            )
            continue
        shown_ids = [i.get("id") if isinstance(i, dict) else None for i in shown_items]
        signed_ids = [i.get("@id") if isinstance(i, dict) else None for i in signed_items]
        if term != "verifiableCredential" and any(
            s is not None and s != g for s, g in zip(shown_ids, signed_ids, strict=True)
        ):
            problems.append(f"{term}: the signed data names other ids")
    return problems, expanded_count


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ref_id(value: Any) -> str | None:
    """The id of a reference written as a string or as an object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _compare_reference(
    node: dict[str, Any], iri: str, shown: str | None, term: str, problems: list[str]
) -> None:
    signed = [v.get("@id") for v in node.get(iri, []) if isinstance(v, dict)]
    if signed != ([shown] if shown is not None else []):
        problems.append(f"{term}: the signed data names {signed!r}, the JSON {shown!r}")


def _count_compact(root: Any) -> int:
    """Property values of a plain compact document (each list item one), in every node:
    keys other than keywords and the id/type aliases; a JSON literal is one value."""
    total = 0
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        for key, item in value.items():
            if item is None or key in ALIASES or key[:1] == "@":
                continue
            if isinstance(item, list):
                total += len(item) - item.count(None)
                if key not in JSON_LITERAL_KEYS:
                    push(item)
            else:
                total += 1
                if key not in JSON_LITERAL_KEYS and isinstance(item, dict):
                    push(item)
    return total


def _count_expanded(root: Any) -> int:
    """Property values of an expansion (each item of a list, of an ``@list`` too)."""
    total = 0
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        for key, items in value.items():
            if key[:1] == "@":
                if key in _CONTAINING_KEYWORDS:
                    push(items)
                continue
            if type(items) is not list:  # (expansions always have lists here)
                for item in items:
                    if isinstance(item, dict) and "@list" in item:
                        total += len(item["@list"])
                    else:
                        total += 1
                push(items)
                continue
            total += len(items)
            for item in items:
                if isinstance(item, dict):
                    if "@list" in item:
                        total += len(item["@list"]) - 1
                    elif "@value" in item:
                        continue  # a value: counted, nothing inside to count
                push(item)
    return total


def json_size(document: Any) -> int:
    """The number of values (objects, arrays, scalars) in a JSON document: a measure of
    the work its processing costs, taken before any of it."""
    total = 1
    stack = [document]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        kind = type(value)
        if kind is dict or (kind is not list and isinstance(value, dict)):
            items: Any = value.values()
        elif kind is list or isinstance(value, list):
            items = value
        else:
            continue
        total += len(items)
        for item in items:
            if type(item) not in _SCALARS:
                push(item)
    return total


#: JSON scalars, by exact type: nothing inside them to count.
_SCALARS = frozenset({str, int, float, bool, type(None)})


#: Keywords of an expansion whose values hold more nodes.
_CONTAINING_KEYWORDS = frozenset({"@graph", "@list", "@set", "@included", "@reverse"})
