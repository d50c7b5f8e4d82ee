"""Holder journey: keep credentials in an encrypted vault, find them by skill, back up and
restore on another "machine", and record what was shown to an employer.

Run: .venv/bin/python examples/holder_vault.py
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.tour import skill_badge
from skillswallet.wallet import Wallet

ESCO_ADVICE = "045f71e6-0699-4169-8a54-9c6b96f3174d"  # "give advice to others"


def main() -> int:
    school = KeyPair.generate("ed25519")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "my-skills.vault"
        with Wallet.create(vault, "a long and private passphrase") as wallet:
            me = wallet.create_did("ed25519", label="me")
            badge = issue_credential(
                skill_badge(
                    did_from_public_key(school.public),
                    me,
                    valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ),
                school.signer(verification_method_id(school.public)),
                created=now,
            )
            forged = dict(badge, name="Rocket science")
            report = wallet.import_credentials([badge, forged])
            print("import:", [o.status for o in report.outcomes])

            found = wallet.search(skill=ESCO_ADVICE)
            print("credentials about 'give advice to others':", [s.name for s in found])
            wallet.log_disclosure(
                "https://employer.example",
                credential_ids=[found[0].id],
                purpose="application for vacancy 42",
            )
            backup = wallet.backup(Path(tmp) / "backup.vault")

        elsewhere = Path(tmp) / "new-laptop" / "my-skills.vault"
        Wallet.restore(backup, elsewhere, "a long and private passphrase")
        with Wallet.open(elsewhere, "a long and private passphrase") as restored:
            ok = len(restored.credentials()) == 1 and len(restored.disclosures()) == 1
            print("restored on the new laptop:", [s.name for s in restored.credentials()])
    print("verified:", ok and report.outcomes[1].status == "refused")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
