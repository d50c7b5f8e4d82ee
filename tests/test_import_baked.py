"""import takes Open Badges 3.0 images (PNG, SVG) with a credential baked in, verified
like any other; a tampered one is refused and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillswallet.skills.baking import bake

from .conftest import invoke_main
from .imagekit import PNG, SVG
from .vaultkit import credential

pytestmark = pytest.mark.usefixtures("cli_vault")


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
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0

    code, out, err = invoke_main(monkeypatch, capsys, "import", str(bad), "--json")
    assert code == 1, err
    assert [o["status"] for o in json.loads(out)] == ["refused"]
    code, _, err = invoke_main(monkeypatch, capsys, "import", str(plain))
    assert code == 3 and "carries no Open Badges credential" in err
    code, out, err = invoke_main(monkeypatch, capsys, "import", str(good), "--json")
    assert code == 0, err
    code, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Welding"]  # the forgery was not stored


def test_a_damaged_image_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(bake(PNG, credential())[:-20])  # truncated
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    code, _, err = invoke_main(monkeypatch, capsys, "import", str(broken))
    assert code == 3 and "broken.png" in err
