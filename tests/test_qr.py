"""QR codes: a presentation request for the person to scan, a presentation when it fits,
a link on the skills passport. Each image is read back (tests/qrkit.py) and must be the
QR code of exactly the text a scanner should get."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillswallet import jsonio
from skillswallet.errors import QRCodeError, QRTooLargeError
from skillswallet.render.qr import QR_CAPACITY, check_link, image_kind, qr_image, qr_svg_element

from . import test_cli_present
from .conftest import invoke_main, load_json
from .presentkit import ADVICE
from .qrkit import encoding_of, png_modules, svg_modules
from .test_passport import _fetches

LINK = "https://jobs.example.com/candidates/4711/skills"
holder = test_cli_present.holder  # the fixture: a vault with the school's credential


def _compact(path: Path) -> bytes:
    return jsonio.dumps(load_json(path), indent=None).encode("utf-8")


@pytest.mark.parametrize("text", [LINK, "Zürich café ✓ " * 20, "x" * QR_CAPACITY])
def test_an_image_is_the_qr_code_of_the_text(text: str) -> None:
    payload = text.encode("utf-8")
    png, svg = qr_image(text, "png", scale=4), qr_image(text, "svg", scale=4)
    assert encoding_of(png_modules(png.data, 4), payload) == (png.version, png.error)
    assert encoding_of(svg_modules(svg.data.decode()), payload) == (svg.version, svg.error)
    assert png.modules == 17 + 4 * png.version  # the size a scanner expects for it
    assert encoding_of(png_modules(png.data, 4), payload[:-1] + b"?") is None  # not any text
    assert svg.data.startswith(b"<?xml") and b"<script" not in svg.data


def test_the_smallest_code_with_the_strongest_error_correction_it_allows() -> None:
    # byte capacities (ISO/IEC 18004 table 7): version 2 holds 32/26/20/14 bytes at
    # L/M/Q/H, version 3 holds 53/42/32/24
    short = qr_image("https://example.com/x", "png")  # 21 bytes
    assert (short.version, short.error) == (2, "M")
    longer = qr_image(LINK, "png")  # 47 bytes
    assert (longer.version, longer.error) == (3, "L")
    full = qr_image("x" * QR_CAPACITY, "png")
    assert (full.version, full.error) == (40, "L")


def test_too_much_for_a_qr_code_says_how_much_and_the_limit() -> None:
    with pytest.raises(QRTooLargeError) as info:
        qr_image("x" * (QR_CAPACITY + 1), "svg")
    assert (info.value.size, info.value.limit) == (2954, 2953)
    assert "2,954 bytes" in str(info.value) and "at most 2,953" in str(info.value)


def test_file_kinds_and_links_are_checked() -> None:
    assert image_kind("code.PNG") == "png" and image_kind(Path("a/b.svg")) == "svg"
    with pytest.raises(QRCodeError, match=r"\.svg or \.png"):
        image_kind("code.jpg")
    assert check_link(LINK) == LINK
    for bad in (
        "javascript:alert(1)",
        "ftp://example.com/x",
        "https://",
        "https://a b.example",
        "https://[::1",  # urlsplit raises ValueError: a QRCodeError all the same
        "http://[",
        # shown written out under the code: a right-to-left override would show
        # "https://evil.example/moc.elpmaxe" reversed, as another address
        "https://evil.example/\u202emoc.knab",
        "https://bank.example\u200b.evil.example/",
    ):
        with pytest.raises(QRCodeError):
            check_link(bad)


def test_the_inline_svg_is_the_link_and_fetches_nothing() -> None:
    element = qr_svg_element(LINK, label=f"QR code of {LINK}")
    assert element.startswith("<svg") and "xmlns" not in element
    assert encoding_of(svg_modules(element), LINK.encode()) is not None
    assert _fetches(element) == []


def test_request_new_writes_the_request_as_a_qr_code(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request, image = tmp_path / "request.json", tmp_path / "request.png"
    code, out, err = invoke_main(
        monkeypatch, capsys, "request", "new", "--skill", ADVICE, "--domain", "jobs.example.com",
        "--out", str(request), "--qr", str(image),
    )  # fmt: skip
    assert code == 0, err
    assert f"Wrote the request as a QR code to {image}" in out
    assert encoding_of(png_modules(image.read_bytes(), 8), _compact(request)) is not None
    # printed on stdout instead: stdout stays the request, the note goes to stderr
    code, out, err = invoke_main(
        monkeypatch, capsys, "request", "new", "--skill", ADVICE, "--domain", "jobs.example.com",
        "--qr", str(tmp_path / "r.svg"),
    )  # fmt: skip
    assert code == 0 and json.loads(out)["domain"] == "jobs.example.com"
    assert "as a QR code to" in err
    code, _, err = invoke_main(
        monkeypatch, capsys, "request", "new", "--skill", ADVICE, "--domain", "x.example",
        "--qr", str(tmp_path / "r.gif"),
    )  # fmt: skip
    assert code == 2 and ".svg or .png" in err and not (tmp_path / "r.gif").exists()


def test_present_qr_when_it_fits_and_a_clear_error_when_not(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = test_cli_present._request(
        tmp_path, monkeypatch, capsys, "--skill", ADVICE, "--domain", "jobs.example.com"
    )
    vp, image = tmp_path / "vp.json", tmp_path / "vp.svg"
    # a derived disclosure of one skill fits (about 2.8 kB: version 40)
    code, out, err = invoke_main(
        monkeypatch, capsys, "respond", str(request), "--yes", "--out", str(vp), "--qr", str(image)
    )
    assert code == 0, err
    assert f"Wrote the presentation as a QR code to {image}" in out
    assert encoding_of(svg_modules(image.read_text()), _compact(vp)) is not None
    assert image.stat().st_mode & 0o077 == 0  # a presentation is private
    # the school's whole selectively disclosable credential does not fit
    image.unlink()
    args = ("--challenge", "c-1", "--domain", "jobs.example.com", "--out", str(vp))
    code, out, err = invoke_main(
        monkeypatch, capsys, "present", "-c", holder, *args, "--qr", str(image)
    )
    size = len(_compact(vp))
    assert code == 3 and size > QR_CAPACITY
    assert f"the presentation is {size:,} bytes and a QR code holds at most 2,953" in err
    assert f"({vp} is written)" in err and not image.exists()


def test_the_passport_shows_its_link_as_text_and_qr_code(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    page = tmp_path / "passport.html"
    code, _, err = invoke_main(monkeypatch, capsys, "profile", "--html", str(page), "--link", LINK)
    assert code == 0, err
    html = page.read_text()
    assert f"<span class=url>{LINK}</span>" in html and _fetches(html) == []
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert encoding_of(svg_modules(svg), LINK.encode()) is not None
    code, _, err = invoke_main(monkeypatch, capsys, "profile", "--link", LINK)
    assert code == 2 and "--link goes with --html" in err
    code, _, err = invoke_main(
        monkeypatch, capsys, "profile", "--html", str(page), "--link", "javascript:alert(1)"
    )
    assert code == 2 and "http(s) URL" in err


def test_input_far_too_large_is_refused_before_it_is_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # segno analyses all of its input before it finds it does not fit (8 MB: 9 s); more
    # than the densest QR code holds (7,089 digits) is refused without reading it
    import segno

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("segno was asked to encode it")

    monkeypatch.setattr(segno, "make", never)
    for text in ("7" * 7090, "a" * 8_000_000, "\u00e9" * 100_000):
        with pytest.raises(QRTooLargeError) as info:
            qr_image(text, "svg")
        assert info.value.size == len(text.encode("utf-8"))
