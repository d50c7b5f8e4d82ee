"""The Wallet facade: verify-before-store, flags, dedupe, search, keys, backup/restore."""

from __future__ import annotations

import copy
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from skillswallet.did.keyfile import write_key_file
from skillswallet.did.keys import KeyPair
from skillswallet.errors import (
    RecordNotFoundError,
    VaultExistsError,
    WrongPassphraseError,
)
from skillswallet.verify import verify
from skillswallet.wallet import Wallet, extract_skills

from .conftest import INTEROP, load_json
from .vaultkit import NOW, PASSPHRASE, credential, fast_kdf

ESCO = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"


@pytest.fixture
def wallet(tmp_path: Path) -> Wallet:
    w = Wallet.create(tmp_path / "vault.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    yield w
    w.close()


def test_import_verifies_and_stores(wallet: Wallet) -> None:
    report = wallet.import_credentials([credential("Welding")])
    assert [o.status for o in report.outcomes] == ["stored"]
    [summary] = wallet.credentials()
    assert summary.name == "Welding" and summary.flags == [] and summary.verified
    assert summary.skills == [ESCO]


def test_tampered_credential_is_refused_with_reasons_and_nothing_stored(wallet: Wallet) -> None:
    bad = credential()
    bad["name"] = "Forged"
    report = wallet.import_credentials([bad])
    [outcome] = report.refused
    assert any(r.startswith("proof:") for r in outcome.reasons)
    assert wallet.credentials() == []


def test_allow_unverified_stores_visibly_marked(wallet: Wallet) -> None:
    bad = credential()
    bad["name"] = "Forged"
    outcome = wallet.add(bad, allow_unverified=True)
    assert outcome.status == "stored" and "unverified" in outcome.flags
    [summary] = wallet.credentials()
    assert not summary.verified


def test_expired_and_status_unchecked_are_stored_and_marked(wallet: Wallet) -> None:
    expired = credential(validUntil="2025-03-01T00:00:00Z")
    status = {
        "id": "https://status.example.edu/lists/1#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://status.example.edu/lists/1",
    }
    with_status = credential(credentialStatus=status)
    future = credential(validFrom="2026-01-01T00:00:00Z")
    report = wallet.import_credentials([expired, with_status, future])
    assert [o.flags for o in report.outcomes] == [
        ["expired"],
        ["status-unchecked"],
        ["not-yet-valid"],
    ]


def test_same_credential_twice_is_not_duplicated(wallet: Wallet) -> None:
    vc = credential()
    report = wallet.import_credentials([vc, copy.deepcopy(vc)])
    assert [o.status for o in report.outcomes] == ["stored", "duplicate"]
    assert wallet.add(vc).status == "duplicate"
    assert len(wallet.credentials()) == 1


def test_presentations_and_arrays_are_unpacked(wallet: Wallet) -> None:
    vp = load_json(INTEROP / "vp-eddsa-rdfc-2022.json")
    report = wallet.import_credentials([vp, [credential(), credential()]])
    # the VP's second credential is an ecdsa-sd-2023 derived credential
    assert [o.status for o in report.outcomes] == ["stored", "stored", "stored", "stored"]


def test_search(wallet: Wallet) -> None:
    wallet.import_credentials(
        [
            credential("Welding MIG"),
            credential("Advising", validUntil="2025-06-01T00:00:00Z"),
            load_json(INTEROP / "ob3-eddsa-rdfc-2022.json"),
        ]
    )
    assert len(wallet.search(type="OpenBadgeCredential")) == 3
    assert [s.name for s in wallet.search(text="mig")] == ["Welding MIG", "Welding MIG level 2"]
    interop_issuer = load_json(INTEROP / "issuer-ed25519.key.json")["did"]
    assert [s.name for s in wallet.search(issuer=interop_issuer)] == ["Welding MIG level 2"]
    assert len(wallet.search(skill="045f71e6-0699-4169-8a54-9c6b96f3174d")) == 3
    assert wallet.search(skill="http://data.europa.eu/esco/skill/unknown") == []
    on = NOW - timedelta(days=61)  # 2025-05-01: before the second one expired
    assert len(wallet.search(valid_on=on)) == 3
    assert len(wallet.search(valid_on=NOW)) == 2
    assert len(wallet.search(valid_on=NOW.replace(tzinfo=None))) == 2


def test_get_show_delete(wallet: Wallet) -> None:
    vc = credential()
    rid = wallet.add(vc).record_id
    assert rid is not None
    _summary, body = wallet.get(rid)
    assert body == vc
    assert wallet.resolve_id(rid[:8]) == rid
    assert wallet.resolve_id(vc["id"]) == rid
    with pytest.raises(RecordNotFoundError, match="at least 4"):
        wallet.resolve_id("")
    wallet.delete(rid)
    with pytest.raises(RecordNotFoundError):
        wallet.get(rid)


def test_vault_keys_sign_and_never_leave(wallet: Wallet, tmp_path: Path) -> None:
    did = wallet.create_did("ed25519", label="school")
    p256 = wallet.create_did("p256")
    assert [k.did for k in wallet.dids()] == [did, p256]
    unsigned = credential()
    del unsigned["proof"]
    unsigned["issuer"]["id"] = did
    signed = wallet.issue(unsigned, did)
    assert verify(signed, now=NOW + timedelta(days=1)).verified
    del unsigned["issuer"]
    signed_p = wallet.issue(unsigned, p256)
    assert signed_p["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert verify(signed_p, now=NOW + timedelta(days=1)).verified
    with pytest.raises(RecordNotFoundError):
        wallet.signer("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    # no secret in the listing or repr
    listing = repr(wallet.dids()) + repr(wallet.signer(did)) + repr(wallet)
    assert "secret" not in listing.lower()


def test_key_file_import_and_no_duplicates(wallet: Wallet, tmp_path: Path) -> None:
    pair = KeyPair.generate("ed25519")
    path = tmp_path / "k.json"
    write_key_file(path, pair)
    did = wallet.import_key_file(path, label="old key")
    assert did == f"did:key:{pair.public.multibase}"
    with pytest.raises(VaultExistsError):
        wallet.import_key_file(path)


def test_disclosure_log(wallet: Wallet) -> None:
    rid = wallet.add(credential()).record_id
    assert rid is not None
    wallet.log_disclosure(
        "https://employer.example",
        credential_ids=[rid],
        disclosed=["/credentialSubject/achievement/name"],
        purpose="vacancy 42",
    )
    [entry] = wallet.disclosures()
    assert entry.verifier == "https://employer.example" and entry.credential_ids == [rid]


def test_backup_and_restore_elsewhere(wallet: Wallet, tmp_path: Path) -> None:
    vc = credential()
    wallet.add(vc)
    did = wallet.create_did()
    backup = wallet.backup(tmp_path / "backup.skw")
    other = tmp_path / "other-machine" / "vault.sqlite"
    with pytest.raises(WrongPassphraseError):
        Wallet.restore(backup, other, "wrong")
    assert not other.exists()
    Wallet.restore(backup, other, PASSPHRASE)
    assert stat.S_IMODE(other.stat().st_mode) == 0o600
    with Wallet.open(other, PASSPHRASE) as restored:
        assert [s.credential_id for s in restored.credentials()] == [vc["id"]]
        assert [k.did for k in restored.dids()] == [did]
    with pytest.raises(VaultExistsError):
        Wallet.restore(backup, other, PASSPHRASE)
    leftovers = [p.name for p in other.parent.iterdir() if p.name.startswith(".restore-")]
    assert leftovers == []


def test_export_plaintext(wallet: Wallet, tmp_path: Path) -> None:
    vc = credential()
    wallet.add(vc)
    [path] = wallet.export_plaintext(tmp_path / "export")
    assert load_json(path) == vc
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_change_passphrase(wallet: Wallet) -> None:
    wallet.add(credential())
    wallet.change_passphrase("another one", kdf=fast_kdf())
    path = wallet.path
    wallet.close()
    with pytest.raises(WrongPassphraseError):
        Wallet.open(path, PASSPHRASE)
    with Wallet.open(path, "another one") as w:
        assert len(w.credentials()) == 1


def test_extract_skills() -> None:
    assert extract_skills(load_json(INTEROP / "ob3-unsigned.json")) == [ESCO]


def test_unstorable_documents_are_refused_not_raised(wallet: Wallet) -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    vc = credential()
    vc["credentialSubject"]["deep"] = deep
    outcome = wallet.add(vc, allow_unverified=True)
    assert outcome.status == "refused"
    assert wallet.credentials() == []


ECDSA_ORDERS = {  # the group orders n of P-256 and P-384: (r, s) and (r, n - s) both verify
    "p256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "p384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77A"
        "ECEC196ACCC52973",
        16,
    ),
}


@pytest.mark.parametrize("key_type", ["p256", "p384"])
@pytest.mark.parametrize("high_s_first", [False, True])
def test_ecdsa_high_s_and_low_s_copies_are_one_credential(
    wallet: Wallet, key_type: str, high_s_first: bool
) -> None:
    from skillswallet.credentials.issue import issue_credential
    from skillswallet.did.key import did_from_public_key, verification_method_id
    from skillswallet.did.multikey import decode_multibase_base58, encode_multibase_base58
    from skillswallet.tour import skill_badge

    from .vaultkit import HOLDER_DID

    key = KeyPair.generate(key_type)
    doc = skill_badge(
        did_from_public_key(key.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    signer = key.signer(verification_method_id(key.public))
    vc = issue_credential(
        doc, signer, cryptosuite="ecdsa-rdfc-2019", created=NOW - timedelta(days=1)
    )
    signature = decode_multibase_base58(vc["proof"]["proofValue"])
    half, order = len(signature) // 2, ECDSA_ORDERS[key_type]
    s_value = int.from_bytes(signature[half:], "big")
    flipped = signature[:half] + (order - s_value).to_bytes(half, "big")  # the other spelling
    other = copy.deepcopy(vc)
    other["proof"]["proofValue"] = encode_multibase_base58(flipped)
    assert verify(other, now=NOW).verified  # both spellings verify
    pair = [other, vc] if high_s_first else [vc, other]
    report = wallet.import_credentials(pair)
    assert [o.status for o in report.outcomes] == ["stored", "duplicate"]
    assert len(wallet.credentials()) == 1
