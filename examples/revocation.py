"""Revocation journey: a school with a did:web identity and a status list issues two
diplomas and revokes one; an employer verifies both offline, from the school's published
files (its did.json and its status list) and with its own list of trusted schools, and sees
which one was revoked.

Run: .venv/bin/python examples/revocation.py
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from skillswallet import CheckId, KeyPair, did_from_public_key, verify
from skillswallet.did.web import WebResolver, did_web_file
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import DirectorySource
from skillswallet.tour import skill_badge
from skillswallet.trust import TrustList
from skillswallet.wallet import Wallet

LIST_URL = "https://school.example/status/revocation/1"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"  # what the school serves at https://school.example/...
        now = datetime.now(UTC)
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")

        # The school: a did:web identity whose key stays in its vault, and a status list.
        with Wallet.create(work / "school.vault", "school passphrase") as vault:
            school = vault.create_did_web("school.example")
            did_json = did_web_file(site, school)
            did_json.parent.mkdir(parents=True)
            did_json.write_text(json.dumps(vault.did_web_document(school)))
            status = StatusIssuer(SqliteStatusRegistry(work / "status-lists.sqlite"))
            status.create_list(LIST_URL, "revocation", school)

            diplomas = {}
            for name in ("Ada", "Bob"):
                student = did_from_public_key(KeyPair.generate().public)
                unsigned = skill_badge(school, student, valid_from=stamp)
                unsigned["name"] = f"Diploma of {name}"
                with_status = status.add_status(unsigned, [LIST_URL])
                diplomas[name] = vault.issue(with_status, school)

            status.revoke(diplomas["Bob"]["id"])  # issued in error
            status.publish(site / "status", vault.signer(school), now=now)
        print(f"school {school} issued 2 diplomas and revoked Bob's")

        # The employer: offline, from the school's published files only, accepting this
        # school for skill credentials (its trust list; 'skillswallet trust add' writes one).
        resolver = WebResolver(site)
        lists = DirectorySource(site / "status")
        trusted = TrustList.from_json(
            {
                "name": "Schools we accept",
                "entries": [{"issuer": school, "name": "School", "scopes": ["skill"]}],
            }
        )
        results = {
            name: verify(diploma, now=now, resolver=resolver, status=lists, trust=trusted)
            for name, diploma in diplomas.items()
        }
        for name, result in results.items():
            print(f"{name}'s diploma: verified: {result.verified}")
            for check_id in (CheckId.ISSUER_BINDING, CheckId.STATUS, CheckId.TRUST):
                check = result.check(check_id)
                print(f"  {check_id.value}: {check.status.value}: {check.reason}")
        ok = results["Ada"].verified and results["Bob"].check(CheckId.STATUS).reason.startswith(
            "revoked"
        )
        ok = ok and results["Bob"].check(CheckId.TRUST).status.value == "passed"
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
