"""Importing credentials whose status can be checked: a valid status counts as evidence,
a suspended one is kept but gives none, a revoked one is refused; without a status
source the credential is flagged status-unchecked and gives none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skillswallet.status.sources import DirectorySource
from skillswallet.wallet import Wallet

from .conftest import NOW
from .statuskit import School, make_school
from .vaultkit import PASSPHRASE, fast_kdf


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[tuple[School, Wallet, str]]:
    """A school with status lists, and a holder's vault with its DID."""
    school = make_school(tmp_path / "school")
    with Wallet.create(
        tmp_path / "vault.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW
    ) as wallet:
        yield school, wallet, wallet.create_did()


def test_import_with_status_checked(setting: tuple[School, Wallet, str]) -> None:
    school, wallet, holder = setting
    valid, suspended, revoked = (school.credential(holder=holder) for _ in range(3))
    school.issuer.suspend(suspended["id"])
    school.issuer.revoke(revoked["id"])
    school.publish()
    report = wallet.import_credentials(
        [valid, suspended, revoked], status=DirectorySource(school.published)
    )
    by_id = {o.credential_id: o for o in report.outcomes}
    assert by_id[valid["id"]].status == "stored" and by_id[valid["id"]].flags == []
    assert by_id[suspended["id"]].flags == ["suspended"]
    assert by_id[revoked["id"]].status == "refused"
    assert any("revoked" in r for r in by_id[revoked["id"]].reasons)
    counted = {c.credential_id for c in wallet.skill_claims()}
    assert counted == {valid["id"]}


def test_import_without_a_source_is_flagged_and_gives_no_evidence(
    setting: tuple[School, Wallet, str],
) -> None:
    school, wallet, holder = setting
    outcome = wallet.add(school.credential(holder=holder))
    assert outcome.status == "stored" and outcome.flags == ["status-unchecked"]
    assert wallet.skill_claims() == []
