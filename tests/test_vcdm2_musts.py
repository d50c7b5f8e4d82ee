"""Every MUST of VC Data Model 2.0 sections 4 and 5 a document has to meet, data-driven
from the spec text: ``tests/conformance/vcdm2/musts.json`` lists each one (section and
sentence), the spec example that meets it and a mutation that breaks it. A credential is
issued by :func:`issue_credential` and verified by :func:`verify` (the passing case), and
the mutated one is refused at issue with a message naming the property and the rule, and,
forged after signing, fails a named check at verify. Presentations are built with a
holder's proof and verified. The examples are read from the spec's own HTML
(``<pre class="example">`` blocks that are JSON credentials or presentations)."""

from __future__ import annotations

import copy
import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id, verify
from skillswallet.credentials.model import validate_credential
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key
from skillswallet.errors import SkillsWalletError
from skillswallet.result import Status, VerificationResult

from .vaultkit import NOW

HERE = Path(__file__).parent / "conformance" / "vcdm2"
SPEC = Path("/work/shared/specs/vc-data-model-2.0.html")
TABLE: dict[str, Any] = json.loads((HERE / "musts.json").read_text(encoding="utf-8"))
TESTED = [m for m in TABLE["musts"] if "status" not in m]
KEY = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(11, 43)))
DID = did_from_public_key(KEY.public)
SIGNER = KEY.signer(verification_method_id(KEY.public))
CHALLENGE, DOMAIN = "c-14", "verifier.example"
#: The spec's examples are from 2010-2015; some expire.
WHEN = NOW.replace(year=2016)


@cache
def spec_examples() -> dict[str, list[dict[str, Any]]]:
    """The spec's JSON examples by title (several may share one), in order."""
    text = SPEC.read_text(encoding="utf-8")
    found: dict[str, list[dict[str, Any]]] = {}
    for attrs, body in re.findall(r'<pre class="example[^"]*"([^>]*)>(.*?)</pre>', text, re.S):
        title = re.search(r'title="([^"]*)"', attrs)
        try:
            doc = json.loads(html.unescape(re.sub(r"<[^>]+>", "", body)))
        except ValueError:
            continue  # fragments, comments, ellipses, JWTs
        if title and isinstance(doc, dict):
            found.setdefault(html.unescape(title.group(1)), []).append(doc)
    return found


def _pointer(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.lstrip("/").split("/")]


def _mutate(doc: dict[str, Any], mutation: dict[str, Any]) -> None:
    for op, args in mutation.items():
        for path in args if op == "delete" else list(args):
            *parents, last = _pointer(path)
            where: Any = doc
            for part in parents:
                where = where[part]
            if op == "delete":
                del where[last]
            elif op == "set":
                if isinstance(where, list) and last == len(where):
                    where.append(args[path])
                else:
                    where[last] = args[path]
            else:  # append to a list (or a single value made a list)
                current = where[last]
                where[last] = [*(current if isinstance(current, list) else [current]), args[path]]


def _credential(must: dict[str, Any]) -> dict[str, Any]:
    """The must's spec example, issued by our test key (its issuer id replaced)."""
    doc = copy.deepcopy(spec_examples()[must["example"]][must.get("example_index", 0)])
    doc.pop("proof", None)
    if isinstance(doc.get("issuer"), dict):
        doc["issuer"]["id"] = DID
    else:
        doc["issuer"] = DID
    return doc


def _without_direction(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_direction(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_direction(v) for k, v in value.items() if k != "@direction"}
    return value


def _issue(doc: dict[str, Any], must: dict[str, Any]) -> dict[str, Any]:
    suite = must.get("suite", "eddsa-rdfc-2022")
    return issue_credential(doc, SIGNER, cryptosuite=suite, created=WHEN)


def _presentation(must: dict[str, Any]) -> dict[str, Any]:
    """The spec's presentation, carrying one of its credentials (issued and signed)."""
    vp = copy.deepcopy(spec_examples()[must["example"]][0])
    vp["holder"] = DID
    degree = _credential({"example": "Use of the id property"})
    vp["verifiableCredential"] = [_issue(degree, {})]
    return vp


def _sign_presentation(vp: dict[str, Any]) -> dict[str, Any]:
    return add_proof(
        vp,
        SIGNER,
        proof_purpose="authentication",
        created=WHEN,
        challenge=CHALLENGE,
        domain=DOMAIN,
    )


def _verify(doc: dict[str, Any]) -> VerificationResult:
    return verify(doc, now=WHEN, challenge=CHALLENGE, domain=DOMAIN)


def _failed(result: VerificationResult, check: str, target: str) -> list[str]:
    return [
        c.reason
        for c in result.checks
        if c.id.value == check and c.target == target and c.status is Status.FAILED
    ]


def _structural_passes(result: VerificationResult) -> None:
    """Structure, contexts and proof pass (status, schema and such depend on services)."""
    for check in result.checks:
        if check.id.value in ("structure", "contexts", "proof"):
            assert check.status is Status.PASSED, check


def test_the_table_lists_the_musts_of_sections_4_and_5() -> None:
    ids = [m["id"] for m in TABLE["musts"]]
    assert len(ids) == len(set(ids))
    for must in TABLE["musts"]:
        assert must["section"] and must["sentence"]
        if "status" not in must:
            assert must["example"] in spec_examples(), must["example"]
    sentences = " ".join(m["sentence"] for m in TABLE["musts"])
    for quoted in ("MUST include a @context", "MUST have an issuer", "MUST specify its type"):
        assert quoted in sentences


@pytest.mark.parametrize("must", TESTED, ids=[m["id"] for m in TESTED])
def test_a_spec_example_meets_the_must_and_a_mutation_breaks_it(must: dict[str, Any]) -> None:
    words = must["refusal"]
    check = must["fail_check"]
    if must.get("target") == "presentation":
        signed_vp = _sign_presentation(_presentation(must))
        _structural_passes(_verify(signed_vp))
        _mutate(signed_vp, must["mutate"])  # forged after signing
        result = _verify(signed_vp)
        reasons = _failed(result, check, must.get("fail_target", "presentation"))
        assert any(words in r for r in reasons), result.checks
        return
    doc = _credential(must)
    if "mutate" not in must:  # the example itself breaks the rule with this suite
        with pytest.raises(SkillsWalletError, match=re.escape(words)):
            _issue(copy.deepcopy(doc), must)
        forged = _issue(_without_direction(doc), must)
        forged["name"] = doc["name"]  # the directions put back after signing
        assert any(words in r for r in _failed(_verify(forged), check, "credential"))
        return
    signed = _issue(copy.deepcopy(doc), must)
    _structural_passes(_verify(signed))
    if "also_passes" in must:  # another spelling the MUST allows: issued and verified too
        spelled = copy.deepcopy(doc)
        _mutate(spelled, must["also_passes"])
        _structural_passes(_verify(_issue(spelled, must)))
    broken = copy.deepcopy(doc)
    _mutate(broken, must["mutate"])
    if must["id"] == "issuer-present":  # issue_credential would fill it in
        assert any(words in p for p in validate_credential(broken))
    else:
        with pytest.raises(SkillsWalletError, match=re.escape(words)):
            _issue(broken, must)
    forged = copy.deepcopy(signed)
    _mutate(forged, must["mutate"])
    result = _verify(forged)
    reasons = _failed(result, check, "credential")
    assert any(words in r for r in reasons), result.checks
