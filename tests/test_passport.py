"""The skills passport page: what it shows, that it loads nothing from anywhere, that text
from credentials cannot become markup, and that it renders in a real browser."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id
from skillswallet.did.key import did_from_public_key
from skillswallet.skills import load_esco_directory
from skillswallet.skills.builders import Profile, Skill, skill_credential
from skillswallet.wallet import Wallet

from .browserkit import dump_dom, needs_chromium
from .conftest import invoke_main
from .vaultkit import NOW, PASSPHRASE, fast_kdf

FIXTURES = Path(__file__).parent / "fixtures" / "esco" / "v1.2"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
SPREADSHEETS = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
DIRECTOR = "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
SCHOOL = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(2, 34)))
HOSTILE = '<script>alert("x")</script><img src=http://evil.example/p.png>'


class _Fetches(HTMLParser):
    """Everything in a page that would make a browser fetch something."""

    TAGS = frozenset(
        {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "base"}
    )
    ATTRIBUTES = frozenset({"src", "href", "srcset", "action", "poster", "data", "background"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        if tag in self.TAGS:
            self.found.append(f"<{tag}>")
        self.found += [f"{tag}[{name}]" for name, _ in attrs if name in self.ATTRIBUTES]
        self.found += [
            f"{tag}[style]" for name, v in attrs if name == "style" and "url(" in (v or "")
        ]

    def handle_data(self, data: str) -> None:
        if self._in_style and ("url(" in data or "@import" in data):
            self.found.append("a stylesheet that fetches")


def _fetches(page: str) -> list[str]:
    parser = _Fetches()
    parser.feed(page)
    return parser.found


def _vault(tmp_path: Path) -> Path:
    path = tmp_path / "vault.sqlite"
    with Wallet.create(path, PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW) as wallet:
        me = wallet.create_did("ed25519")
        signer = SCHOOL.signer(verification_method_id(SCHOOL.public))
        assessed = skill_credential(
            [Skill(ADVICE, "give advice to others", level="C", method="observation")],
            issuer=Profile(did_from_public_key(SCHOOL.public), "Example College"),
            subject=me,
            valid_from=NOW - timedelta(days=30),
            name=HOSTILE,
        )
        assert wallet.add(issue_credential(assessed, signer, created=NOW)).status == "stored"
        wallet.self_assess([Skill(SPREADSHEETS, "use spreadsheets software", level="B")])
    return path


def _page(path: Path) -> str:
    with Wallet.open(path, PASSPHRASE, clock=lambda: NOW) as wallet:
        return wallet.passport(taxonomy=load_esco_directory(FIXTURES), occupation=DIRECTOR, now=NOW)


def test_the_passport_shows_skills_evidence_growth_and_the_gap(tmp_path: Path) -> None:
    page = _page(_vault(tmp_path))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<h3>give advice to others</h3>" in page and "<b>assessed</b>" in page
    assert "<h3>use spreadsheets software</h3>" in page and "<b>self</b>" in page
    assert "2 skill(s): 1 assessed, 1 self" in page
    assert "from Example College" in page  # the credential behind the skill
    assert "Compared with: technical director" in page and "score 60 of 100" in page
    gap = page[page.index("Compared with") :]
    # the essential knowledge of Hungarian is missing; both skills held are listed as had
    assert "Hungarian" in gap[gap.index("<h3>Missing</h3>") :]
    assert "(essential; asked: any evidence; not held)" in gap  # words, not level names
    assert "(essential; asked: any evidence; you have: assessed)" in gap
    assert "give advice to others" in gap[: gap.index("<h3>Missing</h3>")]


def test_the_passport_loads_nothing_and_escapes_what_credentials_say(tmp_path: Path) -> None:
    page = _page(_vault(tmp_path))
    assert _fetches(page) == []
    assert "default-src 'none'" in page  # and the browser is told so
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_profile_html_from_the_command_line(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    out = tmp_path / "passport.html"
    code, stdout, _ = invoke_main(monkeypatch, capsys, "profile", "--html", str(out))
    assert code == 0 and "Wrote your skills passport" in stdout
    assert "No skills yet" in out.read_text() and out.stat().st_mode & 0o077 == 0
    code, _, err = invoke_main(monkeypatch, capsys, "profile", "--occupation", DIRECTOR)
    assert code == 2 and "--occupation goes with --html" in err
    # a person showing the page is named on it, as they choose (escaped), not by a DID alone
    args = ("profile", "--html", str(out), "--name", "Ada <Lovelace>")
    assert invoke_main(monkeypatch, capsys, *args)[0] == 0
    assert "<h1>Skills passport: Ada &lt;Lovelace&gt;</h1>" in out.read_text()
    assert "the name is as the holder gives it" in out.read_text()  # not from a credential
    code, _, err = invoke_main(monkeypatch, capsys, "profile", "--name", "Ada")
    assert code == 2 and "--name goes with --html" in err


@needs_chromium
def test_the_passport_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "passport.html"
    page.write_text(_page(_vault(tmp_path)), encoding="utf-8")
    dom = dump_dom(page)
    assert "give advice to others" in dom and "Skills passport" in dom
    assert "<script>alert" not in dom


def test_verify_html_is_a_readable_offline_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    signer = SCHOOL.signer(verification_method_id(SCHOOL.public))
    unsigned = skill_credential(
        [Skill(ADVICE, "give advice to others", level="C", method="observation")],
        issuer=Profile(did_from_public_key(SCHOOL.public), "Example College"),
        subject="did:example:someone",
        valid_from=NOW - timedelta(days=30),
        name=HOSTILE,
    )
    good = issue_credential(unsigned, signer, created=NOW)
    forged = dict(good, validFrom="2020-01-01T00:00:00Z")
    for document, code, verdict in ((good, 0, "Verified"), (forged, 1, "Not verified: ")):
        source, page = tmp_path / "c.json", tmp_path / "report.html"
        source.write_text(json.dumps(document))
        assert (
            invoke_main(monkeypatch, capsys, "verify", str(source), "--html", str(page))[0] == code
        )
        html = page.read_text()
        assert f"<p class='verdict {'ok' if code == 0 else 'bad'}'>{verdict}" in html
        assert "issued by:   Example College" in html and "give advice to others" in html
        assert _fetches(html) == [] and "&lt;script&gt;" in html
    assert "<td>proof</td><td class='s failed'>FAILED</td>" in html  # the forged one's
    # each claimed line wraps under its value, not at the left edge under the labels
    # ("issued by:   " is 2 + 13 characters: a long issuer name or DID continues there)
    hanging = "<span class=l style='padding-left:15ch;text-indent:-15ch'>  issued by:   "
    assert hanging + "Example College" in html
