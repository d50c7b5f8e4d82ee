"""Evidence levels, the skills profile and gap analysis, from real signed credentials."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.errors import RequirementsError, TrustListError
from skillswallet.skills.evidence import EvidenceLevel, HeldCredential, skill_claims
from skillswallet.skills.matching import (
    Requirement,
    Requirements,
    match,
    parse_requirements,
    rank_occupations,
)
from skillswallet.skills.profile import TRANSVERSAL, build_profile
from skillswallet.tour import skill_badge
from skillswallet.trust.lists import TrustList, load_trust_list
from skillswallet.verify import verify

from .conftest import NOW

ESCO = "http://data.europa.eu/esco/skill/"
ADVICE = ESCO + "045f71e6-0699-4169-8a54-9c6b96f3174d"  # in skill_badge
WELD = ESCO + "weld-0000"
TEAM = ESCO + "teamwork-0000"

HOLDER = KeyPair.generate("ed25519")
SCHOOL = KeyPair.generate("ed25519")
PEER = KeyPair.generate("ed25519")
HOLDER_DID, SCHOOL_DID, PEER_DID = (did_from_public_key(k.public) for k in (HOLDER, SCHOOL, PEER))


def _sign(doc: dict[str, Any], key: KeyPair, days_ago: int) -> dict[str, Any]:
    signer = key.signer(verification_method_id(key.public))
    return issue_credential(doc, signer, created=NOW - timedelta(days=days_ago))


def _skill(
    issuer: KeyPair, skills: list[str], *, days_ago: int, valid_until: str | None = None
) -> dict[str, Any]:
    valid_from = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = skill_badge(did_from_public_key(issuer.public), HOLDER_DID, valid_from=valid_from)
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": s.rsplit("/", 1)[1],
            "targetUrl": s,
            "targetFramework": "ESCO",
        }
        for s in skills
    ] + [
        # A qualification level is not a skill.
        {
            "type": ["Alignment"],
            "targetName": "EQF 4",
            "targetFramework": "EQF",
            "targetUrl": "http://data.europa.eu/snb/eqf/4",
        }
    ]
    if valid_until:
        doc["validUntil"] = valid_until
    return _sign(doc, issuer, days_ago)


def _endorsement(endorser: KeyPair, about: str, skill: str | None = None) -> dict[str, Any]:
    """An endorsement of ``about`` (the holder's DID, aligned to ``skill``; or a
    credential id)."""
    subject: dict[str, Any] = {
        "id": about,
        "type": ["EndorsementSubject"],
        "endorsementComment": "I supervised this work.",
    }
    if skill is not None:
        subject["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": "x",
                "targetUrl": skill,
                "targetFramework": "ESCO",
            }
        ]
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5c8a0a37-2f5a-4b89-9f0c-000000000001",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement",
        "issuer": {"id": did_from_public_key(endorser.public), "type": ["Profile"]},
        "validFrom": "2025-06-20T00:00:00Z",
        "credentialSubject": subject,
    }
    return _sign(doc, endorser, 5)


def _held(*docs: dict[str, Any]) -> list[HeldCredential]:
    out = []
    for i, doc in enumerate(docs):
        result = verify(doc, now=NOW)
        expired = any(c.detail.get("problem") == "expired" for c in result.checks)
        verified = all(
            c.status.value in ("passed", "skipped") or c.id.value == "validity_period"
            for c in result.checks
        )
        out.append(HeldCredential.of(f"r{i}", doc, verified, expired))
    return out


def test_levels_from_self_to_accredited() -> None:
    own = _skill(HOLDER, [TEAM, WELD], days_ago=30)
    school = _skill(SCHOOL, [WELD], days_ago=10)
    endorsement = _endorsement(PEER, HOLDER_DID, TEAM)
    claims = skill_claims(_held(own, school, endorsement), [HOLDER_DID])
    levels = {(c.skill, c.record_id): c.level for c in claims}
    assert levels[(TEAM, "r0")] is EvidenceLevel.SELF
    assert levels[(TEAM, "r2")] is EvidenceLevel.ENDORSED  # a peer vouches for it
    assert levels[(WELD, "r1")] is EvidenceLevel.ASSESSED
    profile = build_profile(claims)
    team = profile.get(TEAM)
    assert team is not None and team.level is EvidenceLevel.ENDORSED
    assert [u.level for u in team.history] == [EvidenceLevel.SELF, EvidenceLevel.ENDORSED]
    assert team.records == ("r0", "r2")  # the endorsement is behind the skill too
    assert all("eqf" not in c.skill for c in claims)
    trust = TrustList.from_json(
        {"name": "schools", "entries": [{"issuer": SCHOOL_DID, "scopes": ["skill"]}]}
    )
    accredited = skill_claims(_held(school), [HOLDER_DID], trust)
    assert {c.level for c in accredited} == {EvidenceLevel.ACCREDITED}


def test_without_the_endorsement_a_self_claim_stays_self() -> None:
    own = _skill(HOLDER, [TEAM], days_ago=30)
    # Not someone else vouching: the holder's own key; and an endorsement naming only a
    # credential id (the holder chooses the ids of their own credentials, and could give
    # theirs the id of someone else's endorsed credential).
    for endorsement in (_endorsement(HOLDER, HOLDER_DID, TEAM), _endorsement(PEER, own["id"])):
        claims = skill_claims(_held(own, endorsement), [HOLDER_DID])
        assert [c.level for c in claims] == [EvidenceLevel.SELF]


def test_only_credentials_about_the_holder_count() -> None:
    someone = did_from_public_key(KeyPair.generate("ed25519").public)
    theirs = _skill(SCHOOL, [WELD], days_ago=10)
    theirs_unsigned = {k: v for k, v in theirs.items() if k != "proof"}
    theirs_unsigned["credentialSubject"] = dict(theirs["credentialSubject"], id=someone)
    held = _held(_sign(theirs_unsigned, SCHOOL, 10), _endorsement(PEER, someone, TEAM))
    assert all(h.verified for h in held)
    assert skill_claims(held, [HOLDER_DID]) == []


def test_a_credential_declaring_itself_a_self_assessment_stays_self() -> None:
    # Signed by a key the holder keeps outside the vault, but it says what it is.
    doc = _skill(SCHOOL, [WELD], days_ago=10)
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    unsigned["credentialSubject"]["achievement"]["tag"] = ["self-assessment"]
    claims = skill_claims(_held(_sign(unsigned, SCHOOL, 10)), [HOLDER_DID])
    assert [c.level for c in claims] == [EvidenceLevel.SELF]


def test_unverified_credentials_never_raise_a_level() -> None:
    school = _skill(SCHOOL, [WELD], days_ago=10)
    school["credentialSubject"]["achievement"]["name"] = "Master welder"  # tampered
    held = _held(school)
    assert not held[0].verified
    assert skill_claims(held, [HOLDER_DID]) == []


def test_profile_keeps_history_and_shows_expired_apart() -> None:
    own = _skill(HOLDER, [WELD, TEAM], days_ago=300)
    old = _skill(SCHOOL, [TEAM], days_ago=200, valid_until="2025-03-01T00:00:00Z")  # expired
    new = _skill(SCHOOL, [WELD], days_ago=10)
    claims = skill_claims(_held(own, old, new), [HOLDER_DID])
    profile = build_profile(claims, is_transversal=lambda uri: uri == TEAM)
    weld, team = profile.get(WELD), profile.get(TEAM)
    assert weld is not None and team is not None
    assert weld.level is EvidenceLevel.ASSESSED
    assert [u.level for u in weld.history] == [EvidenceLevel.SELF, EvidenceLevel.ASSESSED]
    assert weld.first is not None and weld.latest is not None and weld.first < weld.latest
    # The assessed teamwork credential expired: the current level falls back to self,
    # but the history still shows it was assessed.
    assert team.level is EvidenceLevel.SELF and team.best_ever is EvidenceLevel.ASSESSED
    assert team.category == TRANSVERSAL and weld.category != TRANSVERSAL
    assert profile.skills[0].uri == WELD  # strongest first


def test_gap_analysis_and_its_score() -> None:
    own = _skill(HOLDER, [TEAM], days_ago=30)
    school = _skill(SCHOOL, [WELD], days_ago=10)
    profile = build_profile(skill_claims(_held(own, school), [HOLDER_DID]))
    wanted = Requirements(
        "welder",
        (
            Requirement(WELD, EvidenceLevel.ASSESSED, essential=True),
            Requirement(TEAM, EvidenceLevel.ASSESSED, essential=True),
            Requirement(ESCO + "read-drawings", EvidenceLevel.SELF, essential=False),
        ),
    )
    report = match(profile, wanted)
    assert [o.requirement.skill for o in report.have] == [WELD]
    assert [o.requirement.skill for o in report.below] == [TEAM]
    assert [o.requirement.skill for o in report.missing] == [ESCO + "read-drawings"]
    # (2 x 1 + 2 x 0.5 + 1 x 0) / 5 = 60 %
    assert report.score == 60.0


class _Occupations:
    RELATIONS: ClassVar[dict[str, list[tuple[str, str]]]] = {
        "urn:occ:welder": [(WELD, "essential"), (TEAM, "optional")],
        "urn:occ:nurse": [(ESCO + "care", "essential"), (TEAM, "essential")],
        "urn:occ:pilot": [(ESCO + "fly", "essential")],
    }

    def label(self, uri: str, lang: str = "en") -> str | None:
        return uri.rsplit(":", 1)[-1]

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, str]]:
        return self.RELATIONS.get(occupation_uri, [])

    def occupations(self) -> Any:
        return iter(self.RELATIONS)


def test_ranking_occupations_by_fit() -> None:
    school = _skill(SCHOOL, [WELD, TEAM], days_ago=10)
    profile = build_profile(skill_claims(_held(school), [HOLDER_DID]))
    ranked = rank_occupations(profile, _Occupations(), top=5)
    assert [r.requirements.name for r in ranked] == ["welder", "nurse"]  # pilot: nothing held
    assert ranked[0].score == 100.0 and ranked[1].score == 50.0


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ({"name": "x"}, "non-empty list"),
        ({"skills": []}, "non-empty list"),
        ({"skills": [{"skill": "weld"}]}, "skills[0].skill"),
        ({"skills": [{"skill": WELD, "minimumLevel": "expert"}]}, "unknown evidence level"),
        ({"skills": [{"skill": WELD, "essential": "yes"}]}, "skills[0].essential"),
        ([1, 2], "expected a JSON object"),
        ({"skills": [{"skill": WELD, "minLevel": "assessed"}]}, "unknown field.*minLevel"),
        ({"skills": [{"skill": WELD}, {"skill": WELD}]}, "more than once"),
        ({"skills": [{"skill": WELD}], "skils": []}, "unknown field.*skils"),
    ],
)
def test_bad_requirements_are_refused_with_the_field(data: Any, phrase: str) -> None:
    with pytest.raises(RequirementsError, match=phrase.replace("[", r"\[").replace("]", r"\]")):
        parse_requirements(data)


@pytest.mark.parametrize(
    ("entry", "phrase"),
    [
        ({"issuer": "school", "scopes": ["skill"]}, "issuer"),
        ({"issuer": SCHOOL_DID, "scopes": []}, "scopes"),
        ({"issuer": SCHOOL_DID, "scopes": ["everything"]}, "neither a kind"),
        ({"issuer": SCHOOL_DID, "scopes": ["skill"], "validFrom": "yesterday"}, "validFrom"),
    ],
)
def test_bad_trust_lists_are_refused_with_the_field(
    entry: dict[str, Any], phrase: str, tmp_path: Path
) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"name": "t", "entries": [entry]}), encoding="utf-8")
    with pytest.raises(TrustListError, match=phrase):
        load_trust_list(path)


def test_trust_is_scoped_by_kind_framework_and_time() -> None:
    trust = TrustList.from_json(
        {
            "name": "t",
            "entries": [
                {
                    "issuer": SCHOOL_DID,
                    "scopes": ["diploma", ESCO],
                    "validUntil": "2025-01-01T00:00:00Z",
                },
            ],
        }
    )
    before = NOW.replace(year=2024)
    assert trust.trusts(SCHOOL_DID, "diploma", at=before) is not None
    assert trust.trusts(SCHOOL_DID, "skill", WELD, at=before) is not None  # framework prefix
    assert trust.trusts(SCHOOL_DID, "skill", "urn:other:x", at=before) is None
    assert trust.trusts(SCHOOL_DID, "diploma", at=NOW) is None  # after the entry ended
    assert trust.trusts(PEER_DID, "diploma", at=before) is None


def test_the_published_schemas_accept_what_the_readers_accept() -> None:
    import jsonschema

    root = Path(__file__).parents[1] / "schemas"
    requirements = {
        "name": "Junior welder",
        "skills": [
            {"skill": WELD, "label": "weld", "minimumLevel": "assessed", "essential": True},
            {"skill": TEAM, "minimumLevel": "self", "essential": False},
        ],
    }
    trust = {"name": "schools", "entries": [{"issuer": SCHOOL_DID, "scopes": ["skill", ESCO]}]}
    for name, data in (("requirements", requirements), ("trust-list", trust)):
        schema = json.loads((root / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
    assert len(parse_requirements(requirements).skills) == 2
    assert TrustList.from_json(trust).trusts(SCHOOL_DID, "skill") is not None
    bad = {"skills": [{"skill": WELD, "minimumLevel": "expert"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json.loads((root / "requirements.schema.json").read_text()))
    with pytest.raises(RequirementsError):
        parse_requirements(bad)


def test_levels_and_proficiency_of_the_credentials_our_builders_make() -> None:
    from datetime import UTC, datetime

    from skillswallet.skills.builders import (
        Profile,
        Skill,
        endorsement,
        self_assessment,
        skill_credential,
    )

    start = datetime(2025, 6, 1, tzinfo=UTC)
    assessed = skill_credential(
        [Skill(WELD, "weld metal", level="B", method="observation")],
        issuer=Profile(SCHOOL_DID, "School"),
        subject=HOLDER_DID,
        valid_from=start,
    )
    own = self_assessment(
        [Skill(TEAM, "work in teams", level="C")],
        issuer=Profile(HOLDER_DID),
        subject=HOLDER_DID,
        valid_from=start,
    )
    vouch = endorsement(
        endorser=Profile(PEER_DID, "A colleague"),
        holder=HOLDER_DID,
        relationship="colleague",
        comment="Works well with everyone.",
        valid_from=start,
        skill=Skill(TEAM, "work in teams"),
    )
    signed = [_sign(assessed, SCHOOL, 20), _sign(own, HOLDER, 15), _sign(vouch, PEER, 10)]
    claims = skill_claims(_held(*signed), [HOLDER_DID])
    profile = build_profile(claims)
    weld, team = profile.get(WELD), profile.get(TEAM)
    assert weld is not None and team is not None
    assert weld.level is EvidenceLevel.ASSESSED and weld.proficiency == "B"
    assert team.level is EvidenceLevel.ENDORSED and team.proficiency == "C"
    assert {c.kind for c in claims if c.skill == TEAM} == {"self-assessment", "endorsement"}
    # Without the colleague's endorsement, teamwork is only self-assessed.
    alone = build_profile(skill_claims(_held(*signed[:2]), [HOLDER_DID]))
    assert alone.level_of(TEAM) is EvidenceLevel.SELF


def test_the_vault_counts_only_what_verifies_today(tmp_path: Path) -> None:
    # A credential that breaks its own schema is refused on import (and cannot be issued);
    # a not-yet-valid one is stored, marked, and raises no level until it is valid.
    from skillswallet.credentials.proofs import add_proof
    from skillswallet.did.keyfile import write_key_file
    from skillswallet.errors import InvalidDocumentError
    from skillswallet.wallet import Wallet

    from .vaultkit import PASSPHRASE, fast_kdf

    later = {k: v for k, v in _skill(SCHOOL, [TEAM], days_ago=5).items() if k != "proof"}
    later = _sign(dict(later, validFrom="2025-08-01T00:00:00Z"), SCHOOL, 5)  # next month
    wrong = {k: v for k, v in _skill(SCHOOL, [WELD], days_ago=5).items() if k != "proof"}
    wrong["credentialSchema"] = {"id": "urn:skillswallet:schema:skill:1", "type": "JsonSchema"}
    with pytest.raises(InvalidDocumentError, match="does not match its schema"):
        _sign(wrong, SCHOOL, 5)
    signer = SCHOOL.signer(verification_method_id(SCHOOL.public))
    forced = add_proof(wrong, signer, created=NOW - timedelta(days=5))  # another tool
    with Wallet.create(
        tmp_path / "v.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW
    ) as wallet:
        key_file = tmp_path / "holder.json"
        write_key_file(key_file, HOLDER)
        assert wallet.import_key_file(key_file) == HOLDER_DID
        now_valid = _skill(SCHOOL, [WELD], days_ago=5)
        outcomes = wallet.import_credentials([later, forced, now_valid]).outcomes
        assert [o.status for o in outcomes] == ["stored", "refused", "stored"]
        assert any("schema" in r for r in outcomes[1].reasons)
        assert "not-yet-valid" in outcomes[0].flags
        profile = wallet.profile()
        assert profile.level_of(WELD) is EvidenceLevel.ASSESSED
        assert profile.get(TEAM) is None  # not valid yet: no level


def test_a_large_requirements_file_is_decided_at_once() -> None:
    # The duplicate check was quadratic: 40,000 entries took 10 s (third red-team round).
    import time

    entries = [{"skill": f"urn:skill:{i}"} for i in range(100_000)]
    start = time.perf_counter()
    assert len(parse_requirements({"skills": entries}).skills) == 100_000
    with pytest.raises(RequirementsError, match="more than once: urn:skill:7"):
        parse_requirements({"skills": [*entries, {"skill": "urn:skill:7"}]})
    assert time.perf_counter() - start < 10  # generous for a shared host; was minutes
