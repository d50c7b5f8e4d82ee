"""Screenshots (and printed PDFs) of the pages people read: the skills passport, the
verification report (verified and not verified) and the employer's page of
``skillswallet serve``, made from sample data with headless Chromium.

Run from a checkout, with Debian's chromium installed:

    .venv/bin/python tools/screenshot_pages.py /tmp/pages

It writes NAME.html, NAME.png (a desktop window), NAME-phone.png (a narrow one) and
NAME.pdf (the page printed, i.e. with the print styles) for each page, then lists them.
tests/test_passport.py runs it, so it keeps working.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browserkit: the one Chromium launcher

from tests.browserkit import find_chromium, print_pdf, screenshot  # noqa: E402

from skillswallet import KeyPair, did_from_public_key, issue_credential, verify  # noqa: E402
from skillswallet import verification_method_id as vm  # noqa: E402
from skillswallet.present import SkillRequirement, check_response, new_request  # noqa: E402
from skillswallet.render.report_html import report_html  # noqa: E402
from skillswallet.skills import load_esco_directory  # noqa: E402
from skillswallet.skills.builders import Profile, Skill, endorsement, skill_credential  # noqa: E402
from skillswallet.skills.evidence import EvidenceLevel  # noqa: E402
from skillswallet.storage.crypto import MEM_FLOOR, OPS_FLOOR, KdfParams  # noqa: E402
from skillswallet.wallet import Wallet  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ESCO_DIR = ROOT / "tests" / "fixtures" / "esco" / "v1.2"
SKILL = "http://data.europa.eu/esco/skill/"
ADVICE = SKILL + "045f71e6-0699-4169-8a54-9c6b96f3174d"  # give advice to others
SPREADSHEETS = SKILL + "1973c966-f236-40c9-b2d4-5d71a89019be"  # use spreadsheets software
DIRECTOR = "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
LINK = "https://jobs.example.com/candidates/4711/skills"


def _key(seed: int, kind: str = "ed25519") -> KeyPair:
    return KeyPair.from_secret(KeyPair.generate(kind).type, bytes(range(seed, seed + 32)))


def sample_pages(tmp: Path) -> dict[str, str]:
    """The pages, by name, from one person's vault and one employer's check."""
    college, centre, colleague = _key(2, "p256"), _key(40), _key(80)
    college_did = did_from_public_key(college.public)
    with Wallet.create(
        tmp / "vault.sqlite",
        "a sample passphrase for screenshots",
        kdf=KdfParams.new(OPS_FLOOR, MEM_FLOOR),
        clock=lambda: NOW,
    ) as wallet:
        me = wallet.create_did("ed25519", label="me")
        earlier = skill_credential(
            [Skill(ADVICE, "give advice to others", level="B", method="exam")],
            issuer=Profile(did_from_public_key(centre.public), "Example Assessment Centre"),
            subject=me,
            valid_from=NOW - timedelta(days=400),
            name="Advice and guidance, level 2",
        )
        first = issue_credential(earlier, centre.signer(vm(centre.public)), created=NOW)
        wallet.add(first)
        later = skill_credential(
            [Skill(ADVICE, "give advice to others", level="A", method="observation")],
            issuer=Profile(college_did, "Example College"),
            subject=me,
            valid_from=NOW - timedelta(days=30),
            name="Advice and guidance, level 3",
        )
        signed = issue_credential(
            later, college.signer(vm(college.public)), cryptosuite="ecdsa-sd-2023", created=NOW
        )
        wallet.add(signed)
        wallet.self_assess([Skill(SPREADSHEETS, "use spreadsheets software", level="B")])
        vouch = endorsement(
            endorser=Profile(did_from_public_key(colleague.public), "Sam Example"),
            holder=me,
            relationship="colleague",
            comment="Built our team's budget spreadsheets for two years.",
            valid_from=NOW - timedelta(days=3),
            skill=Skill(SPREADSHEETS, "use spreadsheets software"),
        )
        wallet.add(issue_credential(vouch, colleague.signer(vm(colleague.public)), created=NOW))
        taxonomy = load_esco_directory(ESCO_DIR)
        passport = wallet.passport(taxonomy=taxonomy, occupation=DIRECTOR, now=NOW, link=LINK)

        request = new_request(
            domain="jobs.example.com",
            challenge="c-4711",
            skills=[SkillRequirement(ADVICE, EvidenceLevel.ASSESSED)],
            reason="Vacancy 4711: adviser, front office",
        )
        plan = wallet.plan_response(request)
        answer = wallet.sign_presentation(plan, challenge="c-4711", purpose="vacancy 4711")
    checked = check_response(answer.presentation, request, now=NOW)
    forged = dict(first, validFrom="2020-01-01T00:00:00Z")
    refused = verify(forged, now=NOW)
    return {
        "passport": passport,
        "report-verified": report_html(checked, answer.presentation, checked_at=NOW),
        "report-not-verified": report_html(refused, forged, checked_at=NOW),
        **_server_page(),
    }


def _server_page() -> dict[str, str]:
    try:
        from skillswallet.server.page import form_page
    except ImportError:  # the [server] extra is not installed
        return {}
    return {"employer-page": form_page()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if find_chromium() is None:
        print("headless Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 3
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages = sample_pages(Path(tmp))
    for name, text in pages.items():
        page = out / f"{name}.html"
        page.write_text(text, encoding="utf-8")
        screenshot(page, out / f"{name}.png", width=1000, height=1400)
        screenshot(page, out / f"{name}-phone.png", width=412, height=915)
        print_pdf(page, out / f"{name}.pdf")
        print(f"{page}  {name}.png  {name}-phone.png  {name}.pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
