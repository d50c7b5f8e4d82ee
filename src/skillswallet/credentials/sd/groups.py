"""Canonical N-Quads with HMAC-relabelled blank nodes, grouped by JSON Pointer selections:
Data Integrity ECDSA Cryptosuites v1.0 §3.4, "skolemizeCompactJsonLd",
"toDeskolemizedNQuads", "createHmacIdLabelMapFunction", "labelReplacementCanonicalizeNQuads",
"selectCanonicalNQuads" and "canonicalizeAndGroup". Pure functions over plain JSON.

Skolemization gives every node object of the compact document an ``id`` (a URN under a
prefix that is random per call), so that a selection of the document names the same nodes
as the whole; deskolemization turns those URNs back into blank nodes. Our RDFC-1.0
(:mod:`..rdfc`) canonicalizes; nothing here uses pyld's canonize."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import CanonicalizationError, ProofError
from .. import jsonld
from ..loader import ContextLoader
from ..nquads import Quad, Term
from ..rdfc import canonicalize_quads, relabelled_lines
from .select import select_json_ld

#: Maps each canonical blank node id (``c14n0``…) to its new label (no ``_:``).
LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]

RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url without padding; ValueError for anything else."""
    if "=" in text:
        raise ValueError("base64url-no-pad text has padding")
    # validate: the decoder would otherwise skip characters outside the alphabet
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def hmac_label_map_factory(hmac_key: bytes) -> LabelMapFactory:
    """ "createHmacIdLabelMapFunction": each canonical id becomes ``u`` + the base64url
    HMAC-SHA-256 of that id (the issuer's key keeps the labels from leaking structure)."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        return {
            label: "u" + b64url(hmac.digest(hmac_key, c14n.encode("utf-8"), "sha256"))
            for label, c14n in canonical_ids.items()
        }

    return factory


def label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
    """ "createLabelMapFunction": canonical ids are looked up in a label map (a verifier's
    side, with the map the holder disclosed). An id missing from it fails the proof."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for label, c14n in canonical_ids.items():
            found = label_map.get(c14n)
            if found is None:
                raise ProofError(
                    f"the proof's label map has no label for blank node {c14n}: "
                    "the disclosed document is not the one the proof was derived for"
                )
            out[label] = found
        return out

    return factory


@dataclass(frozen=True)
class LabelledCanonical:
    """Canonical N-Quads lines (sorted) with replaced blank node labels, and the map from
    the input's blank node labels to the new ones."""

    nquads: list[str]
    label_map: dict[str, str]


def label_replacement_canonicalize(
    quads: Iterable[Quad], factory: LabelMapFactory
) -> LabelledCanonical:
    """ "labelReplacementCanonicalizeNQuads" over quads."""
    quad_list = list(quads)
    canonical = canonicalize_quads(quad_list)
    label_map = factory(canonical.issued)
    return LabelledCanonical(relabelled_lines(quad_list, label_map), label_map)


# --- skolemization -----------------------------------------------------------------------


class Skolemizer:
    """Names node objects with URNs under one random prefix, and turns them back."""

    def __init__(self) -> None:
        self.prefix = f"urn:bnid:{secrets.token_hex(8)}:"
        self._count = 0

    def skolemize(self, document: dict[str, Any]) -> dict[str, Any]:
        """A copy of a compact document in which every node object has an ``id``:
        unlabelled nodes get a new URN, blank node ids keep their label in a URN."""
        out = self._value(document)
        assert isinstance(out, dict)
        return out

    def _value(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "@value" in value:
            return dict(value)
        out = {
            key: (item if key == "@context" else self._value(item)) for key, item in value.items()
        }
        if "@list" in value or "@set" in value:
            return out
        node_id = value.get("id", value.get("@id"))
        id_key = "@id" if "@id" in value and "id" not in value else "id"
        if node_id is None:
            out[id_key] = f"{self.prefix}n{self._count}"
            self._count += 1
        elif isinstance(node_id, str) and node_id.startswith("_:"):
            out[id_key] = f"{self.prefix}x{node_id[2:]}"
        return out

    def deskolemize(self, quads: Iterable[Quad]) -> list[Quad]:
        """ "deskolemizeNQuads" on quads: our URNs become blank nodes again. List cells
        (blank nodes no selection can name) get names from where their list hangs, so that
        a selection that holds a whole list names its cells as the whole document does."""
        prefix, size = self.prefix, len(self.prefix)

        def term(t: Term | None) -> Term | None:
            if t is not None and t.kind == "iri" and t.value.startswith(prefix):
                return Term("bnode", t.value[size:])
            return t

        out = []
        for quad in quads:
            s, o, g = term(quad.subject), term(quad.object), term(quad.graph)
            assert s is not None and o is not None
            out.append(Quad(s, quad.predicate, o, g))
        return _name_list_cells(out)


def _name_list_cells(quads: list[Quad]) -> list[Quad]:
    """Give the cells of each RDF list a label made of the node and property it hangs
    from, an ordinal among that node's lists for that property, and the cell's position."""
    cells = {q.subject.value for q in quads if q.predicate.value == RDF_FIRST}
    if not cells:
        return quads
    rest = {
        q.subject.value: q.object.value
        for q in quads
        if q.predicate.value == RDF_REST and q.object.kind == "bnode"
    }
    names: dict[str, str] = {}
    ordinals: Counter[tuple[str, str]] = Counter()
    for q in quads:
        if q.object.kind != "bnode" or q.object.value not in cells or q.subject.value in cells:
            continue
        key = (q.subject.value, q.predicate.value)
        base = f"list:{q.subject.value}:{q.predicate.value}:{ordinals[key]}"
        ordinals[key] += 1
        cell: str | None = q.object.value
        position = 0
        while cell is not None and cell in cells and cell not in names:
            names[cell] = f"{base}:{position}"
            position += 1
            cell = rest.get(cell)

    def rename(t: Term | None) -> Term | None:
        if t is not None and t.kind == "bnode" and t.value in names:
            return Term("bnode", names[t.value])
        return t

    out = []
    for q in quads:
        s, o = rename(q.subject), rename(q.object)
        assert s is not None and o is not None
        out.append(Quad(s, q.predicate, o, rename(q.graph)))
    return out


def to_deskolemized_quads(
    skolemizer: Skolemizer, document: dict[str, Any], loader: ContextLoader | None
) -> list[Quad]:
    """ "toDeskolemizedNQuads": the document's RDF with our URNs turned into blank nodes."""
    return skolemizer.deskolemize(jsonld.to_quads(document, loader))


def _check_same_data(original: list[Quad], skolemized: list[Quad]) -> None:
    """Naming node objects must not change what the document says. It would where an
    ``id`` lands inside a JSON literal or a map container (not node objects at all)."""

    def literals(quads: list[Quad]) -> Counter[tuple[str, Term]]:
        return Counter((q.predicate.value, q.object) for q in quads if q.object.kind == "literal")

    if len(set(original)) != len(set(skolemized)) or literals(original) != literals(skolemized):
        raise CanonicalizationError(
            "ecdsa-sd-2023 cannot process this document: it holds JSON literals or map "
            "containers whose objects are not nodes, so selections of it cannot be named"
        )


# --- grouping ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """The canonical statements a selection matches, by their index in the whole list,
    and the selection's own deskolemized quads."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized: list[Quad]


@dataclass(frozen=True)
class Grouped:
    """The output of "canonicalizeAndGroup"."""

    nquads: list[str]
    #: deskolemized blank node label -> new label (e.g. the HMAC one)
    label_map: dict[str, str]
    groups: dict[str, Group]
    deskolemized: list[Quad]


def canonicalize_and_group(
    document: dict[str, Any],
    factory: LabelMapFactory,
    group_definitions: Mapping[str, list[str]],
    loader: ContextLoader | None = None,
) -> Grouped:
    """ "canonicalizeAndGroup": canonicalize the document with relabelled blank nodes and
    say, per named list of JSON Pointers, which statements its selection holds."""
    skolemizer = Skolemizer()
    skolemized = skolemizer.skolemize(document)
    quads = to_deskolemized_quads(skolemizer, skolemized, loader)
    _check_same_data(jsonld.to_quads(document, loader), quads)
    canonical = label_replacement_canonicalize(quads, factory)
    groups: dict[str, Group] = {}
    for name, pointers in group_definitions.items():
        selection = select_json_ld(pointers, skolemized)
        selected_quads = (
            [] if selection is None else to_deskolemized_quads(skolemizer, selection, loader)
        )
        try:
            selected = set(relabelled_lines(selected_quads, canonical.label_map))
        except KeyError as exc:
            raise CanonicalizationError(
                f"a selection holds a blank node the whole document does not ({exc}); "
                "JSON-LD lists can only be selected whole"
            ) from None
        matching: dict[int, str] = {}
        non_matching: dict[int, str] = {}
        for index, line in enumerate(canonical.nquads):
            (matching if line in selected else non_matching)[index] = line
        groups[name] = Group(matching, non_matching, selected_quads)
    return Grouped(canonical.nquads, canonical.label_map, groups, quads)


def hash_mandatory(mandatory: Iterable[str]) -> bytes:
    """ "hashMandatoryNQuads" with SHA-256 (P-256)."""
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
