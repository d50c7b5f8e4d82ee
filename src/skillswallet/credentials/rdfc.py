"""RDF Dataset Canonicalization (RDFC-1.0), implemented step by step from the W3C
Recommendation, with a work limit against "poison" datasets (RDFC-1.0 §6.3 / §7).

Pure: quads in, canonical N-Quads out.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import WorkLimitError
from .nquads import Quad, Term, term_to_nquads

HashFn = Callable[[bytes], "hashlib._Hash"]

#: Hash N-Degree Quads may run at most ``bnodes ** work_factor`` times per blank node.
#: 2 passes the whole W3C suite and refuses its clique "poison graph" in milliseconds.
DEFAULT_WORK_FACTOR = 2
#: Absolute ceiling on Hash N-Degree Quads calls and permutations, whatever the size.
MAX_TOTAL_STEPS = 200_000


class IdentifierIssuer:
    """Issues ``prefix`` + counter identifiers and remembers their order (RDFC-1.0 §4.5)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is not None:
            return found
        new = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.issued[existing] = new
        return new

    def copy(self) -> IdentifierIssuer:
        clone = IdentifierIssuer(self.prefix)
        clone.counter = self.counter
        clone.issued = dict(self.issued)
        return clone


@dataclass
class CanonicalizationResult:
    nquads: str
    #: input blank node label -> canonical label (without ``_:``), the "issued identifiers map"
    issued: dict[str, str] = field(default_factory=dict)


#: Canonical N-Quads forms of IRIs and literals, shared by every canonicalization:
#: vocabulary IRIs recur in every document. (A pure function of the term; bounded.)
_SERIALIZED_TERMS: dict[Term, str] = {}
_MAX_SERIALIZED_TERMS = 16384
_MEMO_MAX_CHARS = 1024  # longer terms are serialized every time: the table stays small


def _text(term: Term) -> str:
    """The canonical form of an IRI or literal, from the shared table."""
    found = _SERIALIZED_TERMS.get(term)
    if found is None:
        found = term_to_nquads(term)
        if len(found) <= _MEMO_MAX_CHARS:
            if len(_SERIALIZED_TERMS) >= _MAX_SERIALIZED_TERMS:
                _SERIALIZED_TERMS.clear()
            _SERIALIZED_TERMS[term] = found
    return found


def nquad_line(quad: Quad, label: Callable[[str], str]) -> str:
    """One canonical N-Quads line with blank nodes written as ``_:`` + ``label(id)``."""
    # The hot path of canonicalization: plain tuple indexing, terms serialized once.
    subject, predicate, obj, graph = quad
    s = "_:" + label(subject[1]) if subject[0] == "bnode" else _text(subject)
    o = "_:" + label(obj[1]) if obj[0] == "bnode" else _text(obj)
    if graph is None:
        return f"{s} {_text(predicate)} {o} .\n"
    g = "_:" + label(graph[1]) if graph[0] == "bnode" else _text(graph)
    return f"{s} {_text(predicate)} {o} {g} .\n"


def relabelled_lines(quads: Iterable[Quad], labels: Mapping[str, str]) -> list[str]:
    """The dataset's N-Quads lines, sorted and without repeats, with each blank node
    written ``_:`` + ``labels[its label]`` (the spec's "relabelBlankNodes" and the
    serialization step of "labelReplacementCanonicalizeNQuads"). A blank node missing
    from ``labels`` raises KeyError."""
    return sorted({nquad_line(quad, labels.__getitem__) for quad in quads})


class _State:
    def __init__(self, hash_fn: HashFn, max_calls_per_node: int) -> None:
        self.hash_fn = hash_fn
        self.bnode_to_quads: dict[str, list[Quad]] = {}
        self.canonical = IdentifierIssuer("c14n")
        self.first_degree_cache: dict[str, str] = {}
        self.max_calls_per_node = max_calls_per_node
        self.calls_per_node: dict[str, int] = {}
        self.steps = 0

    def hexhash(self, data: str) -> str:
        return self.hash_fn(data.encode("utf-8")).hexdigest()

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_TOTAL_STEPS:
            raise WorkLimitError(
                "RDF canonicalization exceeded its work limit: the document's blank nodes "
                "form a graph too symmetric to canonicalize safely (possible poison dataset)"
            )

    # §4.6 Hash First Degree Quads
    def hash_first_degree(self, ref: str) -> str:
        cached = self.first_degree_cache.get(ref)
        if cached is not None:
            return cached

        def label(value: str) -> str:
            return "a" if value == ref else "z"

        lines = sorted(nquad_line(quad, label) for quad in self.bnode_to_quads[ref])
        result = self.hexhash("".join(lines))
        self.first_degree_cache[ref] = result
        return result

    # §4.7 Hash Related Blank Node
    def hash_related(
        self, related: str, quad: Quad, issuer: IdentifierIssuer, position: str
    ) -> str:
        if related in self.canonical.issued:
            ident = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            ident = "_:" + issuer.issued[related]
        else:
            ident = self.hash_first_degree(related)
        data = position
        if position != "g":
            data += f"<{quad.predicate.value}>"
        return self.hexhash(data + ident)

    # §4.8 Hash N-Degree Quads
    def hash_n_degree(self, ref: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
        calls = self.calls_per_node.get(ref, 0) + 1
        self.calls_per_node[ref] = calls
        if calls > self.max_calls_per_node + 1:
            raise WorkLimitError(
                "RDF canonicalization exceeded its work limit (too many Hash N-Degree Quads "
                "calls): the document looks like a poison dataset"
            )
        self._step()
        related_map: dict[str, list[str]] = {}
        for quad in self.bnode_to_quads[ref]:
            for position, term in (("s", quad.subject), ("o", quad.object), ("g", quad.graph)):
                if term is not None and term.kind == "bnode" and term.value != ref:
                    h = self.hash_related(term.value, quad, issuer, position)
                    related_map.setdefault(h, []).append(term.value)

        data_to_hash = ""
        for related_hash in sorted(related_map):
            data_to_hash += related_hash
            chosen_path = ""
            chosen_issuer: IdentifierIssuer | None = None
            for permutation in itertools.permutations(related_map[related_hash]):
                self._step()
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += "_:" + self.canonical.issued[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += "_:" + issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += "_:" + issuer_copy.issue(related)
                    path += f"<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data_to_hash += chosen_path
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return self.hexhash(data_to_hash), issuer


def canonicalize_quads(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    work_factor: int = DEFAULT_WORK_FACTOR,
) -> CanonicalizationResult:
    """Canonicalize a dataset (RDFC-1.0 §4.4). Raises :class:`WorkLimitError` on poison input."""
    quad_list = list(dict.fromkeys(quads))  # an RDF dataset is a set
    hash_fn: HashFn = getattr(hashlib, hash_algorithm)
    # Step 1-2: blank node to quads map.
    bnodes: dict[str, list[Quad]] = {}
    for quad in quad_list:
        for term in (quad.subject, quad.object, quad.graph):
            if term is not None and term.kind == "bnode":
                entries = bnodes.setdefault(term.value, [])
                if not entries or entries[-1] is not quad:
                    entries.append(quad)
    state = _State(hash_fn, max(1, len(bnodes)) ** max(work_factor, 1))
    state.bnode_to_quads = bnodes

    # Step 3: first degree hashes. (A lone blank node gets c14n0 whatever its hash, as
    # step 4 would give it: skip hashing it, the usual case of a proof configuration.)
    hash_to_bnodes: dict[str, list[str]] = {}
    if len(bnodes) == 1:
        state.canonical.issue(next(iter(bnodes)))
    else:
        for ref in bnodes:
            hash_to_bnodes.setdefault(state.hash_first_degree(ref), []).append(ref)

    # Step 4: unique hashes get canonical identifiers in hash order.
    for h in sorted(hash_to_bnodes):
        refs = hash_to_bnodes[h]
        if len(refs) == 1:
            state.canonical.issue(refs[0])
            del hash_to_bnodes[h]

    # Step 5: shared hashes, via Hash N-Degree Quads.
    for h in sorted(hash_to_bnodes):
        paths: list[tuple[str, IdentifierIssuer]] = []
        for ref in hash_to_bnodes[h]:
            if ref in state.canonical.issued:
                continue
            temp = IdentifierIssuer("b")
            temp.issue(ref)
            paths.append(state.hash_n_degree(ref, temp))
        for _, issuer in sorted(paths, key=lambda p: p[0]):
            for existing in issuer.issued:
                state.canonical.issue(existing)

    # Step 6-7: relabel and serialize.
    issued = state.canonical.issued

    return CanonicalizationResult("".join(relabelled_lines(quad_list, issued)), dict(issued))
