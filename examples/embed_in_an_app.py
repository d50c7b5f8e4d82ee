"""An application embedding skillswallet in 30 lines: a school signs a skill credential,
the person's app keeps it in an encrypted vault, an employer asks for the skill, the app
answers and the employer checks the answer. Explained in docs/embedding.md.

Run: .venv/bin/python examples/embed_in_an_app.py
"""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.present import SkillRequirement, check_response, new_request
from skillswallet.skills.builders import Profile, Skill, skill_credential
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.wallet import Wallet

ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"

school = KeyPair.generate("ed25519")  # an assessor's key (a did:key)
school_did = did_from_public_key(school.public)
with tempfile.TemporaryDirectory() as tmp, Wallet.create(Path(tmp) / "v", "passphrase!") as me:
    my_did = me.create_did(label="me")  # the person's key, kept in the vault
    unsigned = skill_credential(
        [Skill(ADVICE, "give advice to others", level="B", method="exam")],
        issuer=Profile(school_did, "Example School"),
        subject=my_did,
        valid_from=datetime.now(UTC),
    )
    signed = issue_credential(unsigned, school.signer(verification_method_id(school.public)))
    print("import:", me.import_credentials([signed]).outcomes[0].status)  # verified, then stored
    print("profile:", [(s.label, s.best_ever.name.lower()) for s in me.profile().skills])
    asked = [SkillRequirement(ADVICE, EvidenceLevel.ASSESSED)]
    request = new_request(domain="jobs.example.com", skills=asked)  # the employer's request
    answer = me.respond(request)  # signed for the request's challenge and domain, logged
result = check_response(answer.presentation, request)  # the employer's side
print("verified:", result.verified)
