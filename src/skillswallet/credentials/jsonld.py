"""JSON-LD to RDF for signing and verifying: expansion with data-loss detection, then
quads for RDFC-1.0. Expansion is ours (:mod:`.expansion`) for the shapes credentials use
and pyld's for anything else; pyld processes every context, with our loader and our own
context caches."""

from __future__ import annotations

import importlib
import uuid
from typing import Any

from ..errors import CanonicalizationError, ContextError, DataLossError
from .expansion import ExpansionMemos, FastExpander, Unsupported
from .loader import ContextLoader, default_loader
from .nquads import Quad
from .pyldimport import import_pyld
from .rdf import expanded_to_quads
from .rdfc import canonicalize_quads

# pyld is imported through import_pyld (its unused network stack deferred), then its parts.
pyld_jsonld = import_pyld()
ContextResolver: Any = importlib.import_module("pyld.context_resolver").ContextResolver
ResolvedContext: Any = importlib.import_module("pyld.resolved_context").ResolvedContext
_JsonLdProcessor: Any = pyld_jsonld.JsonLdProcessor


def _find_cause(exc: BaseException) -> BaseException | None:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 20:
        if isinstance(cur, (ContextError, DataLossError)):
            return cur
        nxt = getattr(cur, "cause", None) or cur.__cause__ or cur.__context__
        cur = nxt if isinstance(nxt, BaseException) else None
        seen += 1
    return None


_MEMO_MAX_CHARS = 1024


class _BoundedCache(dict[str, Any]):
    """A size-bounded dict: inline contexts in untrusted documents cannot grow it forever."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: str, value: Any) -> None:
        if len(self) >= self.maxsize and key not in self:
            self.pop(next(iter(self)))
        super().__setitem__(key, value)


class _PinnedContextResolver(ContextResolver):  # type: ignore[misc]
    """pyld's resolver keys every embedded (scoped) context by its JCS serialization, on
    every use: a third of signing time. Embedded contexts that are part of our pinned,
    immutable documents are keyed by identity instead; anything else takes pyld's path."""

    def __init__(self, loader: ContextLoader) -> None:
        super().__init__(loader.resolved_cache, loader.pyld_loader)
        self._pinned = loader.pinned_object_ids()

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        inner = context
        if isinstance(inner, dict) and "@context" in inner:
            inner = inner["@context"]
        items = inner if isinstance(inner, list) else [inner]
        if not items or not all(isinstance(c, dict) and id(c) in self._pinned for c in items):
            return super().resolve(active_ctx, context, base, cycles)
        out = []
        for ctx in items:
            key = f"pinned-object:{id(ctx)}"
            resolved = self._get(key)
            if not resolved:
                resolved = ResolvedContext(ctx)
                self._cache_resolved_context(key, resolved, "static")
            out.append(resolved)
        return out


class _Processor(_JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with one fix for its processed-context cache.

    A type-scoped context (``propagate=False``) is applied to a fresh clone of the active
    context, and each clone gets a new ``_uuid``, so pyld's cache of processed contexts
    (keyed by that uuid) never hits and every credential re-processes the Open Badges
    type-scoped contexts. We reuse one clone per (active context) instead: the clone is
    never mutated after creation, so the cache stays keyed by exactly the same inputs.
    """

    def __init__(
        self,
        on_property_dropped: Any,
        clone_memo: dict[str, Any],
        iri_memo: dict[Any, Any],
        *,
        safe: bool = False,
    ) -> None:
        super().__init__(on_property_dropped=on_property_dropped)
        self._clone_memo = clone_memo
        self._iri_memo = iri_memo
        self._safe = safe

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        """pyld's element expansion, plus (``safe``) the refusals of jsonld.js's safe mode,
        which Digital Bazaar's cryptosuites use: an element that expansion drops (a
        free-floating value or node, an empty object, a value object that is null or has
        only @language) would be unsigned data; and a list or set object with other
        entries is an error even next to @type (pyld skips that check when @type is
        there, and then loses the list or the node)."""
        result = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list,
            inside_index,
            type_scoped_ctx,
        )
        if not self._safe:
            return result
        if result is None and element is not None and not isinstance(element, list):
            raise DataLossError(
                f"{_describe_dropped(element)} would be dropped by JSON-LD expansion and "
                "left out of the signed data"
            )
        if isinstance(result, dict) and ("@list" in result or "@set" in result):
            others = set(result) - {"@list", "@set", "@index"}
            if others or ("@list" in result and "@set" in result):
                raise CanonicalizationError(
                    "a list or set object may have no other entry than @index "
                    "(invalid set or list object)"
                )
        return result

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # Outside context processing (no local_ctx) the active context is immutable and its
        # _uuid names its content, so the expansion of a string is a pure function of
        # (context, value, base, vocab): memoize it. pyld re-expands every key of every node.
        # Only vocabulary lookups (keys and types: a small, recurring set) are memoized;
        # @id values are mostly unique per document and would only churn the memo. (Long
        # strings are not memoized: the memo's size must not depend on untrusted input.)
        if (
            not vocab
            or local_ctx is not None
            or not isinstance(value, str)
            or len(value) > _MEMO_MAX_CHARS
            or "_uuid" not in active_ctx
        ):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (active_ctx["_uuid"], value, base, vocab)
        try:
            return self._iri_memo[key]
        except KeyError:
            result = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
            self._iri_memo[key] = result
            return result

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        first = local_ctx[0] if isinstance(local_ctx, list) and local_ctx else local_ctx
        if (
            not propagate
            and not active_ctx.get("previousContext")
            and "_uuid" in active_ctx
            and isinstance(first, dict)
            and "@propagate" not in first
        ):
            key = active_ctx["_uuid"]
            clone = self._clone_memo.get(key)
            if clone is None or clone["previousContext"] is not active_ctx:
                clone = self._clone_active_context(active_ctx)
                clone["previousContext"] = active_ctx
                clone["_uuid"] = str(uuid.uuid4())
                self._clone_memo[key] = clone
            active_ctx = clone
        return super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )

    def expand_in_place(self, document: Any, options: dict[str, Any]) -> list[Any]:
        """pyld's ``expand`` minus its defensive deep copy of the input: expansion reads the
        input and builds a new tree (tests check the input is never changed). Loading
        remote documents and ``expandContext`` are not needed here and not supported."""
        options = _with_defaults(options)
        active_ctx = self._get_initial_context(options)
        expanded = self._expand(active_ctx, None, document, options, inside_list=False)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return expanded if isinstance(expanded, list) else [expanded]


def _with_defaults(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "isFrame": False,
        "keepFreeFloatingNodes": False,
        "extractAllScripts": False,
        "processingMode": "json-ld-1.1",
        **options,
    }


def _resolver(loader: ContextLoader) -> _PinnedContextResolver:
    if loader.resolved_cache is None:
        loader.resolved_cache = _BoundedCache(maxsize=512)
    return _PinnedContextResolver(loader)


def expand(document: dict[str, Any], loader: ContextLoader | None = None) -> list[Any]:
    """Expand a JSON-LD document; any term that would be dropped raises DataLossError.
    (Relative IRIs and unsafe integers are caught later, by the strict RDF step.)"""
    loader = loader or default_loader()

    def on_dropped(prop: str | None) -> None:
        raise DataLossError(
            f"property {prop!r} is not defined by the document's contexts; "
            "it would be silently left out of the signature"
        )

    options = _with_defaults(
        {
            "documentLoader": loader.pyld_loader,
            "contextResolver": _resolver(loader),
            "base": None,  # never resolve relative IRIs against pyld's made-up default base
        }
    )
    if loader.clone_memo is None:
        loader.clone_memo = _BoundedCache(maxsize=512)
        loader.iri_memo = _BoundedCache(maxsize=8192)
        loader.expansion_memos = ExpansionMemos()
    processor = _Processor(on_dropped, loader.clone_memo, loader.iri_memo, safe=True)
    try:
        expanded: list[Any]
        try:
            fast = FastExpander(
                processor, options, loader.expansion_memos, loader.pinned_object_ids()
            )
            expanded = fast.expand(document)
        except Unsupported:  # a shape the fast path leaves to pyld (see .expansion)
            expanded = processor.expand_in_place(document, options)
    except (ContextError, DataLossError):
        raise
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, anything
        cause = _find_cause(exc)
        if cause is not None:
            raise cause from None
        raise CanonicalizationError(f"JSON-LD processing failed: {_describe(exc)}") from None
    return expanded


def _describe_dropped(element: Any) -> str:
    if isinstance(element, dict):
        keys = ", ".join(sorted(str(k) for k in element)[:5]) or "no entries"
        return f"an object ({keys})"
    return f"the value {str(element)[:40]!r}"


def _describe(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    code = getattr(exc, "code", None)
    return f"{msg} ({code})" if code else msg


def to_quads(document: dict[str, Any], loader: ContextLoader | None = None) -> list[Quad]:
    """Convert a JSON-LD document to RDF quads: expansion (with data-loss detection), then
    our deserialization to RDF (:mod:`skillswallet.credentials.rdf`)."""
    return expanded_to_strict_quads(expand(document, loader or default_loader()))


def expanded_to_strict_quads(expanded: list[Any]) -> list[Quad]:
    """Quads of an expansion made by :func:`expand` (relative IRIs and unsafe integers
    refused)."""
    try:
        return expanded_to_quads(expanded, strict=True)
    except RecursionError:
        raise CanonicalizationError("the document is nested too deeply to canonicalize") from None


def canonicalize(
    document: dict[str, Any], loader: ContextLoader | None = None, *, hash_algorithm: str = "sha256"
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    return canonicalize_quads(to_quads(document, loader), hash_algorithm=hash_algorithm).nquads


def canonicalize_expanded(expanded: list[Any]) -> str:
    """RDFC-1.0 canonical N-Quads of an expansion made by :func:`expand`."""
    return canonicalize_quads(expanded_to_strict_quads(expanded)).nquads
