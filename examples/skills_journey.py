"""Skills journey: a school issues a skill credential; the person imports it, adds a
self-assessment, gets it endorsed by a colleague, sees the skills profile grow, and
compares it with a vacancy for an ESCO occupation.

Run: .venv/bin/python examples/skills_journey.py
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.skills import (
    Requirement,
    Requirements,
    default_taxonomy,
    match,
)
from skillswallet.skills.builders import Profile, Skill, endorsement, skill_credential
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.wallet import Wallet


def main() -> int:
    taxonomy = default_taxonomy()  # the bundled ESCO starter set (ESCO, European Commission)
    teamwork = taxonomy.search("work in teams", kind="skill", limit=1)[0]
    evaluate = taxonomy.search("evaluate information", kind="skill", limit=1)[0]
    occupation = taxonomy.search("social worker", kind="occupation", limit=1)[0]
    school, colleague = KeyPair.generate("ed25519"), KeyPair.generate("ed25519")
    now = datetime.now(UTC)

    with (
        tempfile.TemporaryDirectory() as tmp,
        Wallet.create(Path(tmp) / "skills.vault", "a long and private passphrase") as wallet,
    ):
        me = wallet.create_did("ed25519", label="me")

        # 1. A school assesses teamwork (observed in a placement) and signs it.
        assessed = issue_credential(
            skill_credential(
                [Skill(teamwork.uri, teamwork.label(), level="C", method="observation")],
                issuer=Profile(did_from_public_key(school.public), "Example College"),
                subject=me,
                valid_from=now,
            ),
            school.signer(verification_method_id(school.public)),
        )
        print("school credential verified:", wallet.verify(assessed).verified)
        print("import:", wallet.add(assessed).status)

        # 2. The person rates their own information skills...
        print(
            "self-assessment:",
            wallet.self_assess([Skill(evaluate.uri, evaluate.label(), level="B")]).status,
        )
        print("profile:", _levels(wallet))

        # 3. ...and a colleague who saw their work endorses that skill.
        vouch = issue_credential(
            endorsement(
                endorser=Profile(did_from_public_key(colleague.public), "A colleague"),
                holder=me,
                relationship="colleague",
                comment="Checks sources carefully before advising clients.",
                valid_from=now,
                skill=Skill(evaluate.uri, evaluate.label()),
            ),
            colleague.signer(verification_method_id(colleague.public)),
        )
        print("endorsement import:", wallet.add(vouch).status)
        profile = wallet.profile(taxonomy=taxonomy)
        print("profile:", _levels(wallet))

        # 4. A vacancy for the occupation asks for both skills, assessed.
        vacancy = Requirements(
            f"{occupation.label()} (vacancy)",
            (
                Requirement(teamwork.uri, EvidenceLevel.ASSESSED),
                Requirement(evaluate.uri, EvidenceLevel.ASSESSED),
            ),
            occupation.uri,
        )
        report = match(profile, vacancy)
        print(f"match with {vacancy.name}: {report.score} / 100")
        for outcome in report.outcomes:
            held = outcome.held.label if outcome.held else "-"
            print(f"  {outcome.status:<8} {outcome.label} (you: {held})")
        ok = (
            profile.level_of(teamwork.uri) is EvidenceLevel.ASSESSED
            and profile.level_of(evaluate.uri) is EvidenceLevel.ENDORSED
            and report.score == 75.0
        )
        print("verified:", ok)
        return 0 if ok else 1


def _levels(wallet: Wallet) -> dict[str, str]:
    return {s.label: s.level.label if s.level else "expired" for s in wallet.profile().skills}


if __name__ == "__main__":
    raise SystemExit(main())
