"""JSON-LD to RDF for signing and verifying: expansion with data-loss detection, then
quads for RDFC-1.0. Wraps pyld with our loader and our own context cache."""

from __future__ import annotations

import copy
from typing import Any

from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from ..errors import CanonicalizationError, ContextError, DataLossError
from .jcs import MAX_SAFE_INTEGER
from .loader import ContextLoader, default_loader
from .nquads import Quad, from_pyld_dataset
from .rdfc import canonicalize_quads


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


def _check_numbers(value: Any) -> None:
    # Integers above 2^53 are read differently by JavaScript processors: refuse them.
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(
                f"integer {v} is outside the interoperable range (±2^53-1) and cannot be signed"
            )


def _check_expanded(expanded: Any) -> None:
    """Relative @id/@type IRIs are dropped by toRdf: treat them as data loss."""
    stack = [expanded]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            node_id = v.get("@id")
            if isinstance(node_id, str) and ":" not in node_id:
                raise DataLossError(
                    f"relative IRI {node_id!r} used as an id would be dropped from the signed data"
                )
            types = v.get("@type")
            if "@value" not in v:
                for t in types if isinstance(types, list) else [types] if types else []:
                    if isinstance(t, str) and ":" not in t:
                        raise DataLossError(
                            f"type {t!r} is not defined by any context and would not be signed"
                        )
            for key, item in v.items():
                if key not in ("@id", "@type", "@value", "@language", "@direction"):
                    stack.append(item)


class _BoundedCache(dict[str, Any]):
    """A size-bounded dict: inline contexts in untrusted documents cannot grow it forever."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: str, value: Any) -> None:
        if len(self) >= self.maxsize and key not in self:
            self.pop(next(iter(self)))
        super().__setitem__(key, value)


def _resolver(loader: ContextLoader) -> ContextResolver:
    if loader.resolved_cache is None:
        loader.resolved_cache = _BoundedCache(maxsize=512)
    return ContextResolver(loader.resolved_cache, loader.pyld_loader)


def expand(document: dict[str, Any], loader: ContextLoader | None = None) -> list[Any]:
    """Expand a JSON-LD document; any term that would be dropped raises DataLossError."""
    loader = loader or default_loader()
    _check_numbers(document)

    def on_dropped(prop: str | None) -> None:
        raise DataLossError(
            f"property {prop!r} is not defined by the document's contexts; "
            "it would be silently left out of the signature"
        )

    options = {
        "documentLoader": loader.pyld_loader,
        "contextResolver": _resolver(loader),
        "base": None,  # never resolve relative IRIs against pyld's made-up default base
    }
    processor = pyld_jsonld.JsonLdProcessor(on_property_dropped=on_dropped)
    try:
        expanded: list[Any] = processor.expand(document, options)
    except (ContextError, DataLossError):
        raise
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, anything
        cause = _find_cause(exc)
        if cause is not None:
            raise cause from None
        raise CanonicalizationError(f"JSON-LD processing failed: {_describe(exc)}") from None
    _check_expanded(expanded)
    return expanded


def _describe(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    code = getattr(exc, "code", None)
    return f"{msg} ({code})" if code else msg


def to_quads(document: dict[str, Any], loader: ContextLoader | None = None) -> list[Quad]:
    """Convert a JSON-LD document to RDF quads (deserialize JSON-LD, RDFC-1.0 §... input)."""
    loader = loader or default_loader()
    expanded = expand(document, loader)
    processor = pyld_jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    options = {
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset: dict[str, Any] = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or ":" in graph_name:
                dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
    except Exception as exc:
        raise CanonicalizationError(f"JSON-LD to RDF failed: {_describe(exc)}") from None
    return from_pyld_dataset(dataset)


def canonicalize(
    document: dict[str, Any], loader: ContextLoader | None = None, *, hash_algorithm: str = "sha256"
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    doc = copy.copy(document)
    return canonicalize_quads(to_quads(doc, loader), hash_algorithm=hash_algorithm).nquads
