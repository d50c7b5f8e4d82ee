"""An employer asks for two skills; the person answers from their vault with a
selectively disclosed credential (the two skills, not their grades); the employer checks.

1. A school issues an ecdsa-sd-2023 skill credential with three skills and a graded
   result for each; the person keeps it in their encrypted vault.
2. The employer makes a presentation request (W3C VPR QueryByExample) for two of the
   skills, assessed by someone else, with a fresh challenge and its domain.
3. The person's wallet finds the credential, derives a disclosure revealing only those two
   skills (not the third, not the grades), signs a presentation for that challenge and
   domain that expires in five minutes, and logs the disclosure.
4. The employer verifies the presentation against its request.

Run: .venv/bin/python examples/employer_request.py
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.present import SkillRequirement, check_response, new_request
from skillswallet.skills.builders import Profile, Skill, skill_credential
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.wallet import Wallet

ESCO = "http://data.europa.eu/esco/skill/"
ADVICE = ESCO + "045f71e6-0699-4169-8a54-9c6b96f3174d"  # give advice to others
TEAMWORK = ESCO + "60c78287-22eb-4103-9c8c-28deaa460da0"  # work in teams
ENGLISH = ESCO + "0ee9e985-0ee5-4a73-8a12-78b53b261bb2"  # interact verbally in English


def main() -> int:
    now = datetime.now(UTC)
    school = KeyPair.generate("p256")  # ecdsa-sd-2023 signs with P-256
    school_did = did_from_public_key(school.public)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Wallet.create(Path(tmp) / "my-skills.vault", "a long and private passphrase") as me,
    ):
        my_did = me.create_did(label="me")

        # 1. The school's credential, kept in the vault.
        unsigned = skill_credential(
            [
                Skill(ADVICE, "give advice to others", level="B", method="exam"),
                Skill(TEAMWORK, "work in teams", level="C", method="project"),
                Skill(ENGLISH, "interact verbally in English", level="A", method="observation"),
            ],
            issuer=Profile(school_did, "Example Vocational School"),
            subject=my_did,
            valid_from=now - timedelta(days=30),
            name="Hospitality skills",
        )
        signer = school.signer(verification_method_id(school.public))
        base = issue_credential(unsigned, signer, cryptosuite="ecdsa-sd-2023")
        print("stored:", me.add(base).status)

        # 2. The employer's request.
        request = new_request(
            domain="jobs.employer.example",
            skills=[
                SkillRequirement(ADVICE, EvidenceLevel.ASSESSED),
                SkillRequirement(TEAMWORK, EvidenceLevel.ASSESSED),
            ],
            reason="Vacancy 42: team lead, front of house",
        )
        print("employer asks, challenge:", request["challenge"])

        # 3. The person answers: what is revealed and what is withheld.
        plan = me.plan_response(request)
        for shown in plan.disclosures:
            print("reveals:", ", ".join(shown.revealed))
            print("withholds:", ", ".join(shown.withheld))
        answer = me.sign_presentation(plan, challenge=request["challenge"], purpose="vacancy 42")
        subject = answer.presentation["verifiableCredential"][0]["credentialSubject"]
        skills = [a["targetName"] for a in subject["achievement"]["alignment"]]
        print("skills shown:", skills, "| grades shown:", "result" in subject)
        print("logged:", [d.verifier for d in me.disclosures()])

    # 4. The employer checks the answer against its request.
    result = check_response(answer.presentation, request)
    for check in result.failures:
        print("failed:", check.target, check.id.value, check.reason)
    ok = result.verified and skills == ["give advice to others", "work in teams"]
    print("verified:", ok and "result" not in subject)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
