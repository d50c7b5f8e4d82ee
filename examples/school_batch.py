"""A school issues a cohort: a did:web identity whose key stays in its vault, a status
list, a batch of 20 certificates from a CSV file (template: diploma-template.json beside
this script), one revoked; an employer verifies two of them offline from the school's
published files.

Run: .venv/bin/python examples/school_batch.py
"""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from skillswallet import CheckId, verify
from skillswallet.did.web import WebResolver, did_web_file
from skillswallet.issuer import CsvRows, issue_batch
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import DirectorySource
from skillswallet.wallet import Wallet

LIST_URL = "https://school.example/status/revocation/1"
TEMPLATE = Path(__file__).with_name("diploma-template.json")
SKILL = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"  # what the school serves at https://school.example/...
        cohort = work / "cohort.csv"
        with open(cohort, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name", "subject", "skill", "skill_label", "grade"])
            for n in range(1, 21):
                writer.writerow(
                    [f"Student {n}", f"mailto:student{n}@example.org", SKILL,
                     "give advice to others", "ABCDE"[n % 5]]
                )  # fmt: skip

        with Wallet.create(work / "school.vault", "school passphrase") as vault:
            school = vault.create_did_web("school.example")
            did_json = did_web_file(site, school)
            did_json.parent.mkdir(parents=True)
            did_json.write_text(json.dumps(vault.did_web_document(school)))
            signer = vault.unlocked_signer(school)  # decrypted once for the whole batch
        with SqliteStatusRegistry(work / "status-lists.sqlite") as registry:
            status = StatusIssuer(registry)
            status.create_list(LIST_URL, "revocation", school)
            report = issue_batch(
                json.loads(TEMPLATE.read_text(encoding="utf-8")),
                CsvRows(cohort),
                work / "issued",
                signer,
                status=status,
                status_lists=[LIST_URL],
            )
            print(
                f"issued {len(report.issued)} of {report.rows} rows; see {report.manifest.name}"
            )
            first, last = (json.loads((report.directory / e.file).read_text())
                           for e in (report.issued[0], report.issued[-1]))  # fmt: skip
            status.revoke(last["id"])  # issued in error
            status.publish(site / "status", signer, now=datetime.now(UTC))
        print(f"school {school} revoked {last['credentialSubject']['name']}'s certificate")

        resolver, lists = WebResolver(site), DirectorySource(site / "status")
        kept = verify(first, resolver=resolver, status=lists)
        revoked = verify(last, resolver=resolver, status=lists)
        print(f"{first['credentialSubject']['name']}: verified: {kept.verified}")
        print(f"{last['credentialSubject']['name']}: verified: {revoked.verified} "
              f"({revoked.check(CheckId.STATUS).reason})")  # fmt: skip
        ok = (
            len(report.issued) == 20
            and kept.verified
            and revoked.check(CheckId.STATUS).reason.startswith("revoked")
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
