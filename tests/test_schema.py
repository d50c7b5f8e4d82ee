"""credentialSchema checks against bundled JSON Schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillswallet.credentials.schema import SchemaRegistry
from skillswallet.result import Status
from skillswallet.tour import skill_badge
from skillswallet.verify import verify

from .vaultkit import HOLDER_DID, ISSUER, NOW, credential

ROOT = Path(__file__).parents[1]
SKILL = {"id": "urn:skillswallet:schema:skill-credential:1", "type": "JsonSchema"}
VCDM2 = {
    "id": "https://www.w3.org/2022/credentials/v2/verifiable-credential-schema.json",
    "type": "JsonSchema",
}


def test_packaged_schemas_are_the_published_ones() -> None:
    packaged = ROOT / "src" / "skillswallet" / "credentials" / "schemas"
    for schema in (ROOT / "schemas").glob("*.json"):
        assert (packaged / schema.name).read_bytes() == schema.read_bytes()


def test_credential_matching_its_schemas_passes() -> None:
    result = verify(credential(credentialSchema=[SKILL, VCDM2]), now=NOW)
    check = result.check("schema")
    assert check.status is Status.PASSED, check
    assert result.verified


def test_tour_credentials_match_the_skill_schema() -> None:
    from skillswallet.did.key import did_from_public_key

    doc = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    assert SchemaRegistry().errors(SKILL["id"], doc) == []


def test_credential_not_matching_fails_with_the_path() -> None:
    vc = credential(credentialSchema=SKILL)
    # re-sign a credential whose achievement lacks criteria: valid JSON-LD, wrong shape
    from skillswallet.credentials.issue import issue_credential
    from skillswallet.credentials.proofs import add_proof
    from skillswallet.did.key import verification_method_id
    from skillswallet.errors import InvalidDocumentError

    del vc["proof"]
    del vc["credentialSubject"]["achievement"]["criteria"]
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    with pytest.raises(InvalidDocumentError, match="criteria"):  # we do not sign it...
        issue_credential(vc, signer, created=NOW)
    signed = add_proof(vc, signer, created=NOW)  # ...another tool does
    result = verify(signed, now=NOW)
    check = result.check("schema")
    assert check.status is Status.FAILED
    assert "/credentialSubject/achievement" in check.reason and "criteria" in check.reason
    assert not result.verified


def test_unknown_schema_is_not_fetched_and_not_a_pass() -> None:
    # 1EdTechJsonSchemaValidator2019 is defined by none of the bundled contexts (signing it
    # would be data loss), so use the VC 2.0 type with a schema we do not have.
    other = {
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        "type": "JsonSchema",
    }
    check = verify(credential(credentialSchema=other), now=NOW).check("schema")
    assert check.status is Status.SKIPPED
    assert "not available offline" in check.reason


def test_invalid_caller_schema_is_refused() -> None:
    from skillswallet.errors import SkillsWalletError

    with pytest.raises(SkillsWalletError):
        SchemaRegistry({"urn:x": {"type": 5}})


def test_every_bundled_schema_is_a_valid_json_schema() -> None:
    # The registry trusts its bundled schemas (only callers' schemas are checked at once).
    from jsonschema import Draft202012Validator

    from skillswallet.credentials.schema import _bundled

    for schema in _bundled():
        Draft202012Validator.check_schema(schema)


def _variants(doc: Any) -> Iterator[Any]:
    """``doc``, then for every member and item: without it, and with it set to a number,
    an empty string, an empty object and an empty list."""
    yield doc

    def at(path: tuple[Any, ...], value: Any, delete: bool) -> Any:
        copy = json.loads(json.dumps(doc))
        node = copy
        for step in path[:-1]:
            node = node[step]
        if delete:
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return copy

    def paths(node: Any, prefix: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        if isinstance(node, dict):
            items: Iterator[tuple[Any, Any]] = iter(node.items())
        else:
            items = enumerate(node) if isinstance(node, list) else iter(())
        for key, value in items:
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))

    for path in paths(doc, ()):
        yield at(path, None, True)
        for value in (7, "", {}, []):
            yield at(path, value, False)


def test_jsonschema_rs_judges_exactly_as_jsonschema() -> None:
    # The registry judges with jsonschema-rs first (jsonschema then words the errors of a
    # document it finds invalid): on every bundled schema, and on a $ref beside other
    # keywords and a recursive one, for documents of every kind mutated member by member,
    # its verdict must be jsonschema's.
    from jsonschema import Draft202012Validator

    from skillswallet.credentials.schema import _bundled, _compiled

    template = json.loads((ROOT / "examples" / "diploma-template.json").read_text())
    docs = [credential(credentialSchema=SKILL), template]
    docs += [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))]
    beside = {
        "$defs": {"named": {"type": "object", "required": ["name"]}},
        "properties": {"credentialSubject": {"$ref": "#/$defs/named", "minProperties": 3}},
    }
    recursive = {
        "$defs": {
            "node": {
                "type": ["object", "array", "string"],
                "additionalProperties": {"$ref": "#/$defs/node"},
                "items": {"$ref": "#/$defs/node"},
            }
        },
        "$ref": "#/$defs/node",
    }
    compared = invalid = 0
    for schema in [*_bundled(), beside, recursive]:
        as_written, compiled = Draft202012Validator(schema), _compiled(schema)
        assert compiled is not None
        for doc in docs:
            for variant in _variants(doc):
                valid = not any(True for _ in as_written.iter_errors(variant))
                assert compiled.is_valid(variant) is valid, (schema, variant)
                compared += 1
                invalid += not valid
    assert compared > 1000 and 0 < invalid < compared


def test_a_schema_referring_outside_itself_is_refused_not_fetched() -> None:
    from skillswallet.errors import SkillsWalletError

    outside = {"properties": {"a": {"$ref": "https://schemas.example/elsewhere.json"}}}
    with pytest.raises(SkillsWalletError, match=r"elsewhere\.json' outside itself"):
        SchemaRegistry({"urn:x": outside})
