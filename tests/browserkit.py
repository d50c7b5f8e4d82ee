"""Headless Chromium (Debian's ``chromium`` package) for the page tests and the
screenshot script (tools/screenshot_pages.py): the pages are opened as files, with a new
profile and everything that would reach the network at start-up turned off. Tests that
need it are marked :data:`needs_chromium` and skip when it is not installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

#: Flags for a quiet, offline browser: no sandbox (we run as root in CI), no GPU, and no
#: first-run, component, sync or background traffic (the network here is closed).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium)",
)


def chromium(page: Path, *args: str, timeout: float = 90) -> str:
    """Run Chromium once on ``page`` (a file) with ``args``; its standard output."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("headless Chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def dump_dom(page: Path) -> str:
    """The page's DOM after Chromium parsed and laid it out (serialized)."""
    return chromium(page, "--dump-dom")


def screenshot(page: Path, out: Path, *, width: int = 1000, height: int = 1400) -> Path:
    """A PNG of the page's first ``width`` x ``height`` pixels, as on a screen."""
    chromium(page, f"--window-size={width},{height}", f"--screenshot={out.resolve()}")
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot to {out}")
    return out


def print_pdf(page: Path, out: Path) -> Path:
    """The page printed to PDF (print media styles, A4/Letter as Chromium's default),
    without the browser's header and footer."""
    chromium(page, "--no-pdf-header-footer", f"--print-to-pdf={out.resolve()}")
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no PDF to {out}")
    return out


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
