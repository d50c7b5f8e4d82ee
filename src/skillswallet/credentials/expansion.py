"""A fast JSON-LD 1.1 expansion for the documents we sign and verify.

pyld's expansion is general and slow: every key of every node re-derives its term
definition through several generic helpers, and every scoped context is re-resolved. This
module implements the Expansion Algorithm (JSON-LD 1.1 Processing Algorithms and API,
§5.1.2) for the shapes credentials use (node objects, ``@id`` / ``@type`` / ``@list`` /
``@set`` / ``@graph``, type-scoped and property-scoped contexts, ``@id`` / ``@vocab`` /
``@json`` / datatype coercion, default language and direction, ``@list`` / ``@set`` /
``@graph`` containers) on top of pyld's context processing, with two memos:

* the *term plan* of a key in an active context (its expanded IRI and the parts of its
  term definition expansion reads), computed once per active context;
* the result of processing a context that is named by URL or is part of a pinned
  document, per active context (active contexts are immutable once built, and pyld
  gives each a unique ``_uuid``).

Everything else, including every input the algorithm would reject or drop (``@value``
objects, index/language/id/type maps, ``@nest``, ``@reverse``, ``@included``, colliding
keywords, undefined terms), raises :class:`Unsupported`, and the caller expands the whole
document with pyld instead, which then gives the spec's result or error. The output
mirrors pyld's exactly (same structure, key order and list order); tests compare the two
on the W3C toRdf suite and on randomized credentials.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from .pyldimport import import_pyld

pyld_jsonld = import_pyld()

_KEYWORDS = frozenset(pyld_jsonld.KEYWORDS)
_KEYWORD_LIKE = re.compile(pyld_jsonld.KEYWORD_PATTERN)
_get_context_value = pyld_jsonld.JsonLdProcessor.get_context_value
_is_absolute_iri = pyld_jsonld._is_absolute_iri

#: Keywords a node may use on the fast path; the rest go to pyld.
_NODE_KEYWORDS = frozenset({"@id", "@type", "@list", "@set", "@graph"})
#: Containers whose maps the fast path does not expand.
_MAP_CONTAINERS = frozenset({"@language", "@index", "@id", "@type"})
#: Memo sizes: bounded, because inline contexts and keys come from untrusted documents.
_MAX_CONTEXTS = 512
_MAX_TERMS = 32768  # term plans of all contexts together
_MEMO_MAX_CHARS = 1024  # longer keys are planned every time, never memoized


class Unsupported(Exception):
    """The fast path does not handle this input; expand it with pyld."""


class _Term:
    """What expansion needs to know about one key (or type) in one active context."""

    __slots__ = (
        "container",
        "direction",
        "iri",
        "keyword",
        "language",
        "map_container",
        "reverse",
        "scoped",
        "scoped_memo",
        "string_type",
        "type",
        "usable",
    )

    def __init__(self, ctx: Any, key: str | None, processor: Any) -> None:
        iri = None if key is None else processor._expand_iri(ctx, key, vocab=True)
        self.iri: Any = iri
        self.keyword = isinstance(iri, str) and iri in _KEYWORDS
        self.usable = self.keyword or bool(_is_absolute_iri(iri))
        self.scoped: Any = _get_context_value(ctx, key, "@context")
        container = _get_context_value(ctx, key, "@container")
        self.container: tuple[Any, ...] = tuple(
            container if isinstance(container, list) else [] if container is None else [container]
        )
        self.map_container = not _MAP_CONTAINERS.isdisjoint(self.container)
        mapping = ctx["mappings"].get(key) if key is not None else None
        self.reverse = bool(mapping and mapping.get("reverse"))
        self.type: Any = _get_context_value(ctx, key, "@type")
        self.language: Any = _get_context_value(ctx, key, "@language")
        self.direction: Any = _get_context_value(ctx, key, "@direction")
        #: How a string value of this term expands on the quickest path, when it is
        #: simply {"@value": s} (None) or {"@type": T, "@value": s} (T); _NOT_SIMPLE
        #: when Value Expansion has more to do (keywords, coercion to IRIs, languages,
        #: containers, scoped contexts, reverse properties).
        self.string_type: Any = _NOT_SIMPLE
        if (
            self.usable
            and not self.keyword
            and self.scoped is None
            and not self.reverse
            and not self.map_container
            and "@list" not in self.container
            and "@graph" not in self.container
            and self.type not in ("@id", "@vocab", "@json")
            and iri not in ("@graph", "@list", "@set")
        ):
            if self.type is not None and self.type != "@none":
                self.string_type = self.type
            elif self.language is None and self.direction is None:
                self.string_type = None
        #: Processed scoped contexts of this (type) term, per active context (_process).
        self.scoped_memo: dict[str, Any] = {}


#: A term whose string values need the whole of Value Expansion (see _Term.string_type).
_NOT_SIMPLE = object()
#: Node plans of all contexts together, and the largest node shape that gets one (keys,
#: and characters of its keys and types).
_MAX_PLANS = 4096
_PLAN_MAX_KEYS = 16
_PLAN_MAX_CHARS = 1024
#: Per-term memo size (scoped contexts applied to more active contexts are re-looked up).
_MAX_SCOPED_MEMO = 64


class ExpansionMemos:
    """Per-loader memos (see the module docstring). Keys are active-context ``_uuid``s."""

    def __init__(self) -> None:
        self.terms: dict[str, dict[str | None, _Term]] = {}
        self.term_count = 0
        self.contexts: dict[tuple[Any, ...], Any] = {}
        #: Node plans (see FastExpander._node): per (active context, type-scoped context,
        #: property, keys), the key that holds the types (None: none) and the plans per
        #: tuple of types; None where the shape has no plan.
        self.plans: dict[tuple[Any, ...], tuple[str | None, dict[tuple[str, ...], Any]]] = {}
        self.plan_count = 0

    def trim(self) -> None:
        if len(self.terms) > _MAX_CONTEXTS or self.term_count > _MAX_TERMS:
            self.terms.clear()
            self.term_count = 0
        if len(self.contexts) > _MAX_CONTEXTS:
            self.contexts.clear()
        if self.plan_count > _MAX_PLANS:
            self.plans.clear()
            self.plan_count = 0


def _uid(ctx: Any) -> str:
    uid = ctx.get("_uuid")
    if uid is None:  # pyld names a context lazily; do it the same way
        uid = ctx["_uuid"] = str(uuid.uuid1())
    return str(uid)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _type_tuple(value: Any) -> tuple[str, ...] | None:
    """The types of a node as a tuple, when they are strings (None otherwise)."""
    if type(value) is str:
        return (value,)
    if type(value) is list and all(type(t) is str for t in value):
        return tuple(value)
    return None


def _extend(target: list[Any], value: Any) -> None:
    """pyld's add_value with propertyIsArray: arrays are flattened into the target."""
    if isinstance(value, list):
        for item in value:
            _extend(target, item)
    else:
        target.append(value)


class FastExpander:
    """Expands one document at a time with a pyld processor's context processing."""

    def __init__(
        self,
        processor: Any,
        options: dict[str, Any],
        memos: ExpansionMemos,
        pinned_ids: frozenset[int],
    ) -> None:
        if options.get("base") is not None:
            raise ValueError("the fast expansion supports documents without a base IRI only")
        self._processor = processor
        self._options = options
        self._memos = memos
        self._pinned = pinned_ids

    # -- memoized lookups -------------------------------------------------------------

    def _terms(self, ctx: Any) -> dict[str | None, _Term]:
        """The term plans of one active context (filled lazily by :meth:`_term`)."""
        uid = _uid(ctx)
        terms = self._memos.terms.get(uid)
        if terms is None:
            self._memos.trim()
            terms = self._memos.terms[uid] = {}
        return terms

    def _term(
        self, ctx: Any, key: str | None, terms: dict[str | None, _Term] | None = None
    ) -> _Term:
        if terms is None:
            terms = self._terms(ctx)
        term = terms.get(key)
        if term is None:
            term = _Term(ctx, key, self._processor)
            if key is None or len(key) <= _MEMO_MAX_CHARS:
                terms[key] = term
                self._memos.term_count += 1
                if self._memos.term_count > _MAX_TERMS:
                    self._memos.trim()  # (the dict in hand is then simply dropped)
        return term

    def _context_key(self, local: Any) -> Any:
        if isinstance(local, str):
            return local
        if isinstance(local, list) and all(isinstance(item, str) for item in local):
            return tuple(local)
        if isinstance(local, dict) and id(local) in self._pinned:
            return ("pinned", id(local))
        return None

    def _process(
        self, ctx: Any, local: Any, *, propagate: bool = True, override_protected: bool = False
    ) -> Any:
        key = self._context_key(local)
        if key is None:  # an inline context of the document: pyld's own path, unmemoized
            return self._processor._process_context(
                ctx, local, self._options, override_protected, propagate
            )
        memo_key = (_uid(ctx), key, propagate, override_protected)
        result = self._memos.contexts.get(memo_key)
        if result is None:
            result = self._processor._process_context(
                ctx, local, self._options, override_protected, propagate
            )
            self._memos.trim()
            self._memos.contexts[memo_key] = result
        return result

    def _process_scoped(self, ctx: Any, type_term: _Term) -> Any:
        """``_process(ctx, type_term.scoped, propagate=False)``, memoized on the term too
        (a type-scoped context is applied to every node of that type)."""
        uid = _uid(ctx)
        memo = type_term.scoped_memo
        found = memo.get(uid)
        if found is None:
            found = self._process(ctx, type_term.scoped, propagate=False)
            if self._context_key(type_term.scoped) is not None:  # memoizable at all
                if len(memo) >= _MAX_SCOPED_MEMO:
                    memo.clear()
                memo[uid] = found
        return found

    @staticmethod
    def _expand_id(ctx: Any, value: Any) -> Any:
        """pyld's _expand_iri for a document-relative IRI without a base (vocab=False)."""
        if not isinstance(value, str) or value in _KEYWORDS:
            return value
        if _KEYWORD_LIKE.match(value):
            return None
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            mapping = ctx["mappings"].get(prefix)
            if mapping and mapping["_prefix"]:
                return mapping["@id"] + suffix
        return value

    # -- the algorithm ----------------------------------------------------------------

    def expand(self, document: Any) -> list[Any]:
        ctx = self._processor._get_initial_context(self._options)
        expanded = self._element(ctx, None, document, False, None)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return expanded if isinstance(expanded, list) else [expanded]

    def _element(
        self,
        ctx: Any,
        prop: str | None,
        element: Any,
        inside_list: bool,
        type_scoped: Any,
        term: _Term | None = None,  # the term of ``prop`` in ``ctx``, when the caller has it
    ) -> Any:
        if element is None:
            return None
        if isinstance(element, list):
            term = term or self._term(ctx, prop)
            inside_list = inside_list or "@list" in term.container
            out: list[Any] = []
            for item in element:
                expanded = self._element(ctx, prop, item, inside_list, type_scoped, term)
                if inside_list and isinstance(expanded, list):
                    expanded = {"@list": expanded}
                if expanded is not None:
                    if isinstance(expanded, list):
                        out.extend(expanded)
                    else:
                        out.append(expanded)
            return out
        if isinstance(element, dict):
            return self._node(ctx, prop, element, inside_list, type_scoped, term)
        term = term or self._term(ctx, prop)
        if not inside_list and (prop is None or term.iri == "@graph"):
            raise Unsupported("a dropped free-floating value")  # pyld's path reports it
        return self._value(ctx, term, element)

    def _value(self, ctx: Any, term: _Term, value: Any) -> Any:
        """Value Expansion (§5.3.2), as pyld's _expand_value."""
        iri = term.iri
        if iri == "@id":
            return self._expand_id(ctx, value)
        if iri == "@type":
            return self._processor._expand_iri(ctx, value, vocab=True, base=None)
        coerce = term.type
        if isinstance(value, str):
            if coerce == "@id" or iri == "@graph":
                return {"@id": self._expand_id(ctx, value)}
            if coerce == "@vocab":
                return {"@id": self._processor._expand_iri(ctx, value, vocab=True, base=None)}
        if term.keyword:
            return value
        out: dict[str, Any] = {}
        if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
            out["@type"] = coerce
        elif isinstance(value, str):
            if term.language is not None:
                out["@language"] = term.language
            if term.direction is not None:
                out["@direction"] = term.direction
        if not isinstance(value, (bool, int, float, str)):
            value = str(value)
        out["@value"] = value
        return out

    def _node(
        self,
        ctx: Any,
        prop: str | None,
        element: dict[str, Any],
        inside_list: bool,
        type_scoped: Any,
        prop_term: _Term | None,
    ) -> Any:
        prop_term = prop_term or self._term(ctx, prop)
        active_iri = prop_term.iri
        # A node of strings (and types) of a shape met before in the same contexts: the
        # plan recorded then (see _record_plan) gives its expansion directly.
        shape = None
        if (
            "@context" not in element
            and len(element) <= _PLAN_MAX_KEYS
            and (prop is None or len(prop) <= _PLAN_MAX_CHARS)
        ):
            shape = (_uid(ctx), _uid(type_scoped) if type_scoped else None, prop, *sorted(element))
            known = self._memos.plans.get(shape)
            if known is not None:
                type_key, by_types = known
                types = _type_tuple(element[type_key]) if type_key is not None else ()
                plan = by_types.get(types) if types is not None else None
                if plan is not None:
                    planned = self._apply_plan(plan, element)
                    if planned is not None:
                        if (
                            not inside_list
                            and (prop is None or active_iri == "@graph")
                            and (not planned or (len(planned) == 1 and "@id" in planned))
                        ):
                            raise Unsupported("a dropped free-floating object")  # as below
                        return planned
        if not type_scoped and ctx.get("previousContext"):
            type_scoped = ctx
        # Revert a type-scoped context, unless this is a subject reference.
        must_revert = True
        if type_scoped and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                iri = self._term(type_scoped, key).iri
                if iri == "@value":
                    raise Unsupported("value object")
                if iri == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert and "previousContext" in ctx:
            ctx = ctx["previousContext"]
        if prop_term.scoped is not None:
            ctx = self._process(ctx, prop_term.scoped, override_protected=True)

        # Embedded context, then type-scoped contexts (looked up before applying any).
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Unsupported("a context wrapping a context")
            ctx = self._process(ctx, local)
        type_scoped = ctx
        type_terms = terms = self._terms(ctx)
        items = sorted(element.items())
        for key, value in items:
            if (terms.get(key) or self._term(ctx, key, terms)).iri != "@type":
                continue
            for type_name in sorted(t for t in _as_list(value) if isinstance(t, str)):
                type_term = type_terms.get(type_name) or self._term(
                    type_scoped, type_name, type_terms
                )
                scoped = type_term.scoped
                if scoped is not None and scoped is not False:
                    ctx = self._process_scoped(ctx, type_term)
                    terms = self._terms(ctx)

        out = self._properties(ctx, terms, prop, active_iri, items, type_scoped, type_terms)
        if shape is not None:
            self._record_plan(shape, ctx, terms, items, type_scoped, type_terms)

        count = len(out)
        result: Any = out
        if "@set" in out or "@list" in out:
            if count > 1:  # (an error, or a loss: pyld's rules decide; see jsonld.py)
                raise Unsupported("a list or set object with other entries")
            if "@set" in out:
                result = out["@set"]
        if (
            isinstance(result, dict)
            and not inside_list
            and (prop is None or active_iri == "@graph")
            and (count == 0 or "@list" in result or (count == 1 and "@id" in result))
        ):
            # A free-floating node reference, list or empty object, which expansion drops:
            # pyld's path reports the loss (see jsonld.py).
            raise Unsupported("a dropped free-floating object")
        return result

    def _record_plan(
        self,
        shape: tuple[Any, ...],
        ctx: Any,
        terms: dict[str | None, _Term],
        items: list[tuple[str, Any]],
        type_scoped: Any,
        type_terms: dict[str | None, _Term],
    ) -> None:
        """Remember how a node of this shape expanded, when it was a node of plain strings
        (besides one ``@type`` entry of strings and an ``@id``): per key in sorted order,
        its expanded IRI and what its string becomes (see _Term.string_type). ``ctx`` and
        ``terms`` are the context the properties were expanded in, ``type_scoped`` and
        ``type_terms`` the one types were expanded in (what _properties was given)."""
        if sum(len(key) for key, _ in items) > _PLAN_MAX_CHARS:
            return
        type_key = None
        types: tuple[str, ...] = ()
        steps: list[tuple[str, Any, Any]] = []
        for key, value in items:
            term = terms.get(key) or self._term(ctx, key, terms)
            iri = term.iri
            if iri == "@type":
                found = _type_tuple(value)
                if type_key is not None or found is None or sum(map(len, found)) > 1024:
                    return
                type_key, types = key, found
                if found:
                    iris = tuple(self._term(type_scoped, t, type_terms).iri for t in found)
                    steps.append((key, "@type", iris))
            elif type(value) is not str:
                return
            elif iri == "@id":
                steps.append((key, "@id", ctx))
            elif term.string_type is _NOT_SIMPLE:
                return
            else:
                steps.append((key, iri, term.string_type))
        if len({iri for _, iri, _ in steps}) != len(steps):
            return  # two keys for one property: left to the general path
        known = self._memos.plans.get(shape)
        if known is None:
            known = self._memos.plans[shape] = (type_key, {})
        elif known[0] != type_key:  # (cannot happen: the keys decide it)
            return
        known[1][types] = tuple(steps)
        self._memos.plan_count += 1
        self._memos.trim()

    def _apply_plan(self, plan: tuple[tuple[str, Any, Any], ...], element: dict[str, Any]) -> Any:
        """The expansion of a node by its plan (None when a value is not a string as the
        plan requires: the general path then expands it)."""
        out: dict[str, Any] = {}
        for key, iri, how in plan:
            if iri == "@type":
                out["@type"] = list(how)
                continue
            value = element[key]
            if type(value) is not str:
                return None
            if iri == "@id":
                out["@id"] = self._expand_id(how, value)
            elif how is None:
                out[iri] = [{"@value": value}]
            else:
                out[iri] = [{"@type": how, "@value": value}]
        return out

    def _properties(
        self,
        ctx: Any,
        terms: dict[str | None, _Term],
        prop: str | None,
        active_iri: Any,
        items: list[tuple[str, Any]],
        type_scoped: Any,
        type_terms: dict[str | None, _Term],
    ) -> dict[str, Any]:
        """The Expansion Algorithm's step 13, for one node (pyld's _expand_object).
        ``terms`` and ``type_terms`` are the term plans of ``ctx`` and ``type_scoped``."""
        out: dict[str, Any] = {}
        for key, value in items:
            if key == "@context":
                continue
            term = terms.get(key) or self._term(ctx, key, terms)
            iri = term.iri
            if type(value) is str:
                string_type = term.string_type
                if string_type is not _NOT_SIMPLE:
                    # Value Expansion of a plain string (what _value returns for it).
                    expanded_value = (
                        {"@value": value}
                        if string_type is None
                        else {"@type": string_type, "@value": value}
                    )
                    found = out.get(iri)
                    if found is None:
                        out[iri] = [expanded_value]
                    else:
                        found.append(expanded_value)
                    continue
            if not term.usable:
                raise Unsupported(f"key {key!r} is not defined")  # pyld reports the loss
            if term.keyword:
                if iri in out or iri not in _NODE_KEYWORDS:
                    raise Unsupported(f"keyword {iri}")
                if iri == "@id":
                    if not isinstance(value, str):
                        raise Unsupported("non-string @id")
                    out["@id"] = self._expand_id(ctx, value)
                    continue
                if iri == "@type":
                    types = _as_list(value)
                    if value is None or not all(isinstance(t, str) for t in types):
                        raise Unsupported("invalid @type")
                    if types:
                        iris = [self._term(type_scoped, t, type_terms).iri for t in types]
                        if None in iris:  # a keyword-like type: pyld's rules for null types
                            raise Unsupported("a keyword-like type")
                        out["@type"] = iris
                    continue
                if iri == "@graph" and not isinstance(value, (dict, list)):
                    raise Unsupported("invalid @graph")

            if term.map_container:
                raise Unsupported("map container")
            if term.scoped is None:
                term_ctx = ctx
                reverse = term.reverse
            else:
                term_ctx = self._process(ctx, term.scoped, override_protected=True)
                mapping = term_ctx["mappings"].get(key)
                reverse = bool(mapping and mapping.get("reverse"))
            if reverse:
                raise Unsupported("reverse property")
            container = term.container
            if iri == "@list" or iri == "@set":
                is_list = iri == "@list"
                next_prop = None if is_list and active_iri == "@graph" else prop
                expanded = self._element(term_ctx, next_prop, value, is_list, None)
            elif term.type == "@json":
                expanded = {"@type": "@json", "@value": value}
            elif term_ctx is ctx and not isinstance(value, (dict, list)):
                # A scalar: Value Expansion, as _element would do it.
                if value is None:
                    continue
                if iri == "@graph":
                    raise Unsupported("a dropped free-floating value")
                expanded = self._value(ctx, term, value)
            else:
                same = term if term_ctx is ctx else None
                expanded = self._element(term_ctx, key, value, False, None, same)
            if expanded is None:
                continue
            if (
                iri != "@list"
                and "@list" in container
                and not (isinstance(expanded, dict) and "@list" in expanded)
            ):
                expanded = {"@list": _as_list(expanded)}
            if "@graph" in container:
                expanded = [{"@graph": [item]} for item in _as_list(expanded)]
            if type(expanded) is dict:
                out.setdefault(iri, []).append(expanded)
            else:
                _extend(out.setdefault(iri, []), expanded)
        return out
