"""Deserialize expanded JSON-LD to RDF quads (JSON-LD 1.1 API §8, "Deserialize JSON-LD to
RDF", with node map generation folded in). Pure: expanded JSON in, quads out.

We emit triples directly while walking the expanded tree instead of building pyld's node
map first: the node map only merges the properties of nodes that share an id, and an RDF
dataset is a set of quads, so the result is the same dataset, produced about three times
faster. Blank node labels are issued consistently (the same input label always maps to the
same ``b<n>`` label), which is all RDFC-1.0 needs. rdfDirection and generalized RDF are
not supported (credentials use neither).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CanonicalizationError, DataLossError
from . import jcs
from .nquads import RDF_LANGSTRING, XSD_STRING, Quad, Term

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = Term("iri", RDF + "type")
RDF_FIRST = Term("iri", RDF + "first")
RDF_REST = Term("iri", RDF + "rest")
RDF_NIL = Term("iri", RDF + "nil")
RDF_JSON = RDF + "JSON"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"

_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
_BCP47 = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*\Z")  # jsonld.js's REGEX_BCP47
_DOUBLE_RE = re.compile(r"(\d)0*E\+?(-)?0*(\d)")


def canonical_double(value: float) -> str:
    """Canonical lexical form of an xsd:double (as JSON-LD and pyld write it)."""
    return _DOUBLE_RE.sub(r"\1E\2\3", f"{value:1.15E}")


_IRI_TERMS: dict[str, Term] = {}
#: Only IRIs up to this length are memoized: documents are untrusted, so the memo's size
#: must not depend on them.
_MEMO_MAX_CHARS = 1024


def _iri_term(value: str) -> Term | None:
    """The IRI term for an absolute IRI (memoized: vocabulary IRIs recur in every
    document), or None."""
    term = _IRI_TERMS.get(value)
    if term is None:
        if not _ABSOLUTE_IRI.match(value):
            return None
        term = Term("iri", value)
        if len(value) <= _MEMO_MAX_CHARS:
            if len(_IRI_TERMS) >= 4096:
                _IRI_TERMS.clear()
            _IRI_TERMS[value] = term
    return term


class _Emitter:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.quads: list[Quad] = []
        self._labels: dict[str, str] = {}
        self._counter = 0

    def _bnode(self, label: str | None = None) -> Term:
        if label is not None:
            found = self._labels.get(label)
            if found is not None:
                return Term("bnode", found)
        new = f"b{self._counter}"
        self._counter += 1
        if label is not None:
            self._labels[label] = new
        return Term("bnode", new)

    def _resource(self, value: Any) -> Term | None:
        """An IRI or blank node term; None for anything that is not an absolute IRI."""
        if not isinstance(value, str):
            return None
        if value.startswith("_:"):
            return self._bnode(value)
        term = _iri_term(value)
        if term is not None:
            return term
        if self.strict:
            raise DataLossError(
                f"{value!r} is not an absolute IRI (an undefined type or a relative id): "
                "it would be dropped from the signed data"
            )
        return None

    def _emit(self, s: Term | None, p: Term | None, o: Term | None, g: Term | None) -> None:
        if s is None or p is None or o is None:
            return
        if g is not None and g.kind == "relative":
            return
        self.quads.append(Quad(s, p, o, g))

    def walk(self, items: Any, graph: Term | None) -> None:
        """Top-level (or @graph / @included) items: node objects; free-floating values go."""
        for item in items if isinstance(items, list) else [items]:
            if self.strict:
                self._refuse_free_floating(item)
            if not isinstance(item, dict) or "@value" in item:
                continue
            if "@list" in item:
                self.walk(item["@list"], graph)  # nodes inside a free-floating list
                continue
            self.node(item, graph)

    @staticmethod
    def _refuse_free_floating(item: Any) -> None:
        """A value, a list or a bare node reference directly in a graph gives no quad (a
        credential given as a string in a presentation's verifiableCredential, say): what
        the document states there would be unsigned. jsonld.js's safe mode refuses these."""
        if not isinstance(item, dict):
            what = f"the value {str(item)[:60]!r}"
        elif "@value" in item:
            what = f"the value {str(item['@value'])[:60]!r}"
        elif "@list" in item:
            what = "a list"
        elif list(item) == ["@id"]:
            what = f"an object with only an id ({str(item['@id'])[:60]!r})"
        else:
            return
        raise DataLossError(
            f"{what} stands alone in a graph, where it gives no RDF statement: it would be "
            "left out of the signed data"
        )

    def node(self, obj: dict[str, Any], graph: Term | None) -> Term | None:
        if "@id" in obj and obj["@id"] is None:
            # An @id that expanded to null (a keyword-like value such as "@foo"): the node
            # and everything in it are left out of the dataset.
            if self.strict:
                raise DataLossError(
                    "a node's id is a reserved keyword-like value (such as '@foo'): the node "
                    "and everything in it would be left out of the signed data"
                )
            return None
        node_id = obj.get("@id")
        subject = self._bnode(None) if node_id is None else self._resource(node_id)
        if node_id is not None and subject is None and not isinstance(node_id, str):
            raise CanonicalizationError("a node @id must be a string")
        # Quads of a relative graph name are dropped; so are those of a dropped subject.
        emitting = subject if graph is None or graph.kind != "relative" else None
        quads = self.quads
        for type_ in obj.get("@type", ()):
            if type_ is None and self.strict:  # a keyword-like type, dropped by expansion
                raise DataLossError(
                    "a type is a reserved keyword-like value (such as '@Foo'): it would be "
                    "left out of the signed data"
                )
            type_term = self._resource(type_)
            if emitting is not None and type_term is not None:
                quads.append(Quad(emitting, RDF_TYPE, type_term, graph))
        for key, values in obj.items():
            if key.startswith("@"):
                if key == "@reverse":
                    for prop, items in values.items():
                        predicate = self._predicate(prop)
                        for item in items:
                            self._emit(self.node(item, graph), predicate, subject, graph)
                elif key == "@graph":
                    name: Term | None = subject
                    if name is None:  # a relative graph name: its quads are dropped
                        name = Term("relative", str(node_id))
                    self.walk(values, name)
                elif key == "@included":
                    self.walk(values, graph)
                continue
            predicate = self._predicate(key)
            for value in values:
                # (objects are converted even when the quad is dropped: their own quads stay)
                term = self.object(value, graph)
                if emitting is not None and predicate is not None and term is not None:
                    quads.append(Quad(emitting, predicate, term, graph))
        return subject

    def _predicate(self, prop: str) -> Term | None:
        if prop.startswith("_:"):
            if self.strict:  # RDF has no blank-node predicates: the values would be lost
                raise DataLossError(
                    f"property {prop!r} is a blank node, which cannot be an RDF predicate: "
                    "its values would be left out of the signed data"
                )
            self._bnode(prop)  # labelled, as the node map would, but never a predicate
            return None
        term = _iri_term(prop)
        if term is not None:
            return term
        if self.strict:
            raise DataLossError(f"property {prop!r} does not expand to an absolute IRI")
        return None

    def object(self, item: Any, graph: Term | None) -> Term | None:
        if not isinstance(item, dict):
            return None
        if "@value" in item:
            return self._literal(item)
        if "@list" in item:
            return self._list(item["@list"], graph)
        return self.node(item, graph)

    def _list(self, items: list[Any], graph: Term | None) -> Term:
        if not items:
            return RDF_NIL
        head = self._bnode()
        current = head
        for index, item in enumerate(items):
            self._emit(current, RDF_FIRST, self.object(item, graph), graph)
            following = RDF_NIL if index == len(items) - 1 else self._bnode()
            self._emit(current, RDF_REST, following, graph)
            current = following
        return head

    def _literal(self, item: dict[str, Any]) -> Term | None:
        value = item["@value"]
        datatype = item.get("@type")
        if isinstance(datatype, str) and datatype.startswith("_:"):
            datatype = "_:" + self._bnode(datatype).value
        if datatype == "@json":
            return Term("literal", jcs.canonicalize(value).decode("utf-8"), RDF_JSON)
        if isinstance(value, bool):
            return Term("literal", "true" if value else "false", datatype or XSD_BOOLEAN)
        if isinstance(value, float) and not value.is_integer():
            return Term("literal", canonical_double(value), datatype or XSD_DOUBLE)
        if datatype == XSD_DOUBLE:
            try:
                number = float(value)
            except (TypeError, ValueError):
                return Term("literal", str(value), XSD_DOUBLE)
            return Term("literal", canonical_double(number), XSD_DOUBLE)
        if isinstance(value, int | float):
            if self.strict and isinstance(value, int) and abs(value) > jcs.MAX_SAFE_INTEGER:
                # JavaScript processors read such integers differently: refuse to sign them.
                raise CanonicalizationError(
                    f"integer {value} is outside the interoperable range (±2^53-1) "
                    "and cannot be signed"
                )
            if abs(value) >= 1e21:
                return Term("literal", canonical_double(float(value)), datatype or XSD_DOUBLE)
            return Term("literal", str(int(value)), datatype or XSD_INTEGER)
        if not isinstance(value, str):
            raise CanonicalizationError("a literal value must be a string, number or boolean")
        if self.strict and "@direction" in item:
            # rdfDirection is null (the RDFC cryptosuites set no other): the direction would
            # be dropped, unsigned (see plainform.VALUE_OBJECT_KEYS for the decision).
            raise DataLossError(
                f"the base direction (@direction) of {value[:40]!r} would be left out of the "
                "signed data: RDF canonicalization does not sign it; sign with a JCS "
                "cryptosuite (eddsa-jcs-2022), which signs the JSON, direction included"
            )
        language = item.get("@language")
        if isinstance(language, str):
            if self.strict and not _BCP47.match(language):
                # jsonld.js's safe mode refuses these too: sign only what it would accept
                raise CanonicalizationError(
                    f"language tag {language[:40]!r} is not a well-formed BCP 47 tag"
                )
            return Term("literal", value, datatype or RDF_LANGSTRING, language)
        return Term("literal", value, datatype or XSD_STRING)


def expanded_to_quads(expanded: Any, *, strict: bool = False) -> list[Quad]:
    """The RDF dataset of an expanded JSON-LD document (duplicates possible; RDFC-1.0
    treats the result as a set). ``strict`` refuses, instead of dropping, anything that
    would not reach the dataset (relative IRIs, undefined types) and unsafe integers: what
    signing and verifying need, since dropped data would be unsigned data."""
    emitter = _Emitter(strict)
    emitter.walk(expanded, None)
    return emitter.quads
