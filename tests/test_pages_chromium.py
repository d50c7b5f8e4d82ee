"""The pages people read, rendered in headless Chromium: the skills passport, the
verification report and the employer's page of ``serve``. They lay out without sideways
scrolling on a phone and on a desktop (long DIDs and URIs wrap), print to PDF, load nothing,
and the screenshot script keeps working. Skipped when Chromium is not installed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .browserkit import chromium, dump_dom, needs_chromium, png_size, print_pdf

ROOT = Path(__file__).resolve().parents[1]

pytestmark = needs_chromium

#: Added to a copy of a page (without its CSP, which forbids scripts): how many pixels
#: the page is wider than the window, and which elements stick out.
_PROBE = (
    "<script>var w=document.documentElement.clientWidth,o=[];"
    "document.querySelectorAll('body *').forEach(function(e){"
    "if(e.getBoundingClientRect().right>w+1)o.push(e.tagName+'.'+e.className)});"
    "document.body.setAttribute('data-overflow',"
    "String(document.documentElement.scrollWidth-w)+' '+o.join(','))</script></body>"
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample pages of tools/screenshot_pages.py (their HTML only)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import screenshot_pages
    finally:
        sys.path.remove(str(ROOT / "tools"))
    out = tmp_path_factory.mktemp("pages")
    written = {}
    for name, text in screenshot_pages.sample_pages(out).items():
        written[name] = out / f"{name}.html"
        written[name].write_text(text, encoding="utf-8")
    return written


def _overflow(page: Path, width: int) -> str:
    probe = page.with_name(f"probe-{width}-{page.name}")
    text = re.sub(r"<meta http-equiv=Content-Security-Policy[^>]*>", "", page.read_text())
    probe.write_text(text.replace("</body>", _PROBE))
    dom = chromium(probe, f"--window-size={width},900", "--dump-dom")
    found = re.search(r'data-overflow="([^"]*)"', dom)
    assert found is not None, "the probe did not run"
    return found.group(1)


@pytest.mark.parametrize("name", ["passport", "report-verified", "report-not-verified"])
@pytest.mark.parametrize("width", [412, 1000])
def test_pages_fit_a_phone_and_a_desktop_window(
    pages: dict[str, Path], name: str, width: int
) -> None:
    assert _overflow(pages[name], width) == "0 "  # nothing sticks out to the right


def test_the_report_page_says_the_verdict_first(pages: dict[str, Path]) -> None:
    dom = dump_dom(pages["report-verified"])
    body = dom[dom.index("<body>") :]
    assert body.index("Verified") < body.index("What it claims") < body.index("Checks")
    assert "14 check(s): 12 passed, 2 not checked" in dom
    bad = dump_dom(pages["report-not-verified"])
    assert 'Not verified: <span class="why">the signature does not match' in bad
    assert "FAILED" in bad and "1 FAILED" in bad
    assert "What it claims <small>(not verified: do not rely on it)</small>" in bad


def test_the_pages_print_to_pdf(pages: dict[str, Path], tmp_path: Path) -> None:
    for name in ("passport", "report-verified"):
        pdf = print_pdf(pages[name], tmp_path / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000


def test_the_employer_page_renders(pages: dict[str, Path]) -> None:
    pytest.importorskip("starlette")
    dom = dump_dom(pages["employer-page"])
    assert "<form" in dom and "<textarea" in dom and "<script" not in dom


def test_the_screenshot_script_makes_screenshots_and_pdfs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshot_pages.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in ("passport", "report-verified", "report-not-verified"):
        assert png_size((tmp_path / f"{name}.png").read_bytes()) == (1000, 1400)
        assert png_size((tmp_path / f"{name}-phone.png").read_bytes()) == (412, 915)
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF-")
