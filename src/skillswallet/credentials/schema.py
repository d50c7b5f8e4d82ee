"""JSON Schema checks for ``credentialSchema`` (VC Data Model 2.0 §4.11), offline: only
schemas bundled with the package (or registered by the caller) are used."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import SkillsWalletError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

#: ``credentialSchema`` types whose ``id`` names a JSON Schema.
JSON_SCHEMA_TYPES = frozenset({"JsonSchema", "1EdTechJsonSchemaValidator2019"})


class SchemaRegistry:
    """Known schemas by ``$id``. Unknown ids are never fetched. ``extra`` schemas are
    checked against the meta-schema at once; the bundled ones are checked by the test
    suite, and compiled when a credential first names one.

    A document is first judged by jsonschema-rs (compiled, about 2 us a diploma against
    jsonschema's 300-500 us: batch issuance checks every row, the service every request);
    only a document it finds invalid is walked again by jsonschema, whose messages we
    show. Neither ever fetches: schemas that refer outside themselves are not found."""

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None) -> None:
        self._schemas: dict[str, dict[str, Any]] = {s["$id"]: s for s in _bundled()}
        self._fast: dict[str, Any] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        for schema_id, schema in (extra or {}).items():
            _check_schema(schema_id, schema)
            self._schemas[schema_id] = schema

    def __contains__(self, schema_id: object) -> bool:
        return schema_id in self._schemas

    def errors(self, schema_id: str, document: Any) -> list[str]:
        """Readable validation errors (empty when valid), at most ten."""
        # JSON-LD signs nothing for a null: the schema must not count it as present.
        signed = without_nulls(document)
        if self._judged_valid(schema_id, signed):
            return []
        validator = self._validators.get(schema_id)
        if validator is None:
            from jsonschema import Draft202012Validator

            schema = self._schemas[schema_id]
            validator = self._validators[schema_id] = Draft202012Validator(schema)
        out = []
        for error in sorted(validator.iter_errors(signed), key=lambda e: list(e.absolute_path)):
            where = "/" + "/".join(str(p) for p in error.absolute_path)
            out.append(f"{where}: {error.message}")
            if len(out) == 10:
                break
        return out

    def _judged_valid(self, schema_id: str, document: Any) -> bool:
        if schema_id not in self._fast:
            self._fast[schema_id] = _compiled(self._schemas[schema_id])
        fast = self._fast[schema_id]
        try:
            return fast is not None and bool(fast.is_valid(document))
        except Exception:  # a value it cannot take (an integer past 64 bits): jsonschema decides
            return False


def _check_schema(schema_id: str, schema: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SkillsWalletError(
            f"schema {schema_id!r} is not a valid JSON Schema: {exc.message}"
        ) from None
    outside = sorted(r for r in _refs(schema) if not r.startswith("#"))
    if outside:
        raise SkillsWalletError(
            f"schema {schema_id!r} refers to {outside[0]!r} outside itself; schemas are never "
            "fetched: register it with that part included under $defs"
        )


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _refuse_retrieval(uri: str) -> Any:
    raise LookupError(f"schemas are never fetched: {uri}")


def _compiled(schema: dict[str, Any]) -> Any:
    """jsonschema-rs's validator for ``schema``, or None where it cannot make one (a
    reference outside the schema): jsonschema then decides alone."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without its wheel
        return None
    try:
        return jsonschema_rs.Draft202012Validator(schema, retriever=_refuse_retrieval)
    except Exception:  # any refusal means: let jsonschema decide
        return None


def _bundled() -> list[dict[str, Any]]:
    root = resources.files("skillswallet.credentials") / "schemas"
    return [
        json.loads(entry.read_text("utf-8"))
        for entry in sorted(root.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]


_DEFAULT: SchemaRegistry | None = None


def default_registry() -> SchemaRegistry:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SchemaRegistry()
    return _DEFAULT


def without_nulls(value: Any) -> Any:
    """``value`` without null entries and null list items, as JSON-LD reads it (nulls are
    not data and are not signed)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value if v is not None]
    return value
