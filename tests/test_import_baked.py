"""import takes Open Badges 3.0 images (PNG, SVG) with a credential baked in, verified
like any other; a tampered one is refused and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillswallet.skills.baking import bake
from skillswallet.storage import crypto

from .conftest import invoke_main
from .imagekit import PNG, SVG
from .vaultkit import PASSPHRASE, credential


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(crypto, "DEFAULT_OPS", crypto.OPS_FLOOR)
    monkeypatch.setattr(crypto, "DEFAULT_MEM", crypto.MEM_FLOOR)
    vault = tmp_path / "vault.sqlite"
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(vault))
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", PASSPHRASE)
    return vault


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    return invoke_main(monkeypatch, capsys, *args)


@pytest.mark.parametrize(("image", "suffix"), [(PNG, ".png"), (SVG, ".svg")], ids=["png", "svg"])
def test_a_baked_badge_is_imported_and_a_tampered_one_refused(
    image: bytes,
    suffix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = tmp_path / f"badge{suffix}"
    good.write_bytes(bake(image, credential("Welding")))
    forged = dict(credential("Welding"), name="Master welder")  # signature no longer holds
    bad = tmp_path / f"forged{suffix}"
    bad.write_bytes(bake(image, forged))
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(image)
    assert _cli(monkeypatch, capsys, "init")[0] == 0

    code, out, err = _cli(monkeypatch, capsys, "import", str(bad), "--json")
    assert code == 1, err
    assert [o["status"] for o in json.loads(out)] == ["refused"]
    code, _, err = _cli(monkeypatch, capsys, "import", str(plain))
    assert code == 3 and "carries no Open Badges credential" in err
    code, out, err = _cli(monkeypatch, capsys, "import", str(good), "--json")
    assert code == 0, err
    code, out, _ = _cli(monkeypatch, capsys, "list", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Welding"]  # the forgery was not stored


def test_a_damaged_image_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(bake(PNG, credential())[:-20])  # truncated
    assert _cli(monkeypatch, capsys, "init")[0] == 0
    code, _, err = _cli(monkeypatch, capsys, "import", str(broken))
    assert code == 3 and "broken.png" in err
