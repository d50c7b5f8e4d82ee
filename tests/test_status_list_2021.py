"""StatusList2021 (the Bitstring Status List's predecessor, on many VC 1.1 credentials):
its entries are checked like Bitstring ones, against a StatusList2021Credential whose
encodedList is plain base64 of the GZIP (no multibase prefix)."""

from __future__ import annotations

import base64
import gzip
from datetime import timedelta
from typing import Any

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id, verify
from skillswallet.did.key import did_from_public_key
from skillswallet.errors import StatusListError, StatusRetrievalError
from skillswallet.result import CheckId, Status
from skillswallet.status.bitstring import decode_legacy_bitstring

from .vaultkit import NOW

KEY = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(9, 41)))
ISSUER = did_from_public_key(KEY.public)
LIST = "https://school.example/status/2021/1"
CONTEXTS = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"]
REVOKED = 4242


def _sign(doc: dict[str, Any]) -> dict[str, Any]:
    signer = KEY.signer(verification_method_id(KEY.public))
    return issue_credential(
        doc, signer, cryptosuite="Ed25519Signature2020", created=NOW - timedelta(days=2)
    )


def _encoded(revoked: int, *, urlsafe: bool = True, padded: bool = False) -> str:
    bits = bytearray(16 * 1024)  # 131,072 entries, the spec's minimum
    bits[revoked // 8] |= 0x80 >> (revoked % 8)  # index 0 is the left-most bit
    raw = gzip.compress(bytes(bits), mtime=0)
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return text if padded else text.rstrip("=")


def _list(encoded: str, types: tuple[str, ...] = ("StatusList2021Credential",)) -> dict[str, Any]:
    return _sign(
        {
            "@context": CONTEXTS,
            "id": LIST,
            "type": ["VerifiableCredential", *types],
            "issuer": ISSUER,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": LIST + "#list",
                "type": "StatusList2021",
                "statusPurpose": "revocation",
                "encodedList": encoded,
            },
        }
    )


def _credential(index: int) -> dict[str, Any]:
    return _sign(
        {
            "@context": CONTEXTS,
            "id": f"urn:uuid:7d6b1c1e-0000-4000-8000-{index:012d}",
            "type": ["VerifiableCredential"],
            "issuer": ISSUER,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialStatus": {
                "id": f"{LIST}#{index}",
                "type": "StatusList2021Entry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": LIST,
            },
            "credentialSubject": {"id": "did:example:student"},
        }
    )


class _Source:
    def __init__(self, *documents: dict[str, Any]) -> None:
        self.documents = {d["id"]: d for d in documents}

    def get(self, url: str) -> dict[str, Any]:
        if url not in self.documents:
            raise StatusRetrievalError(f"no list {url}")
        return self.documents[url]


def _status(credential: dict[str, Any], source: _Source) -> Any:
    return verify(credential, now=NOW, status=source).check(CheckId.STATUS)


@pytest.mark.parametrize(
    "encoding", [{}, {"urlsafe": False}, {"urlsafe": False, "padded": True}, {"padded": True}]
)
def test_a_status_list_2021_entry_is_checked(encoding: dict[str, bool]) -> None:
    source = _Source(_list(_encoded(REVOKED, **encoding)))
    valid = _status(_credential(7), source)
    assert valid.status is Status.PASSED and valid.reason.startswith("not revoked")
    revoked = _status(_credential(REVOKED), source)
    assert revoked.status is Status.FAILED and revoked.reason.startswith("revoked")


def test_a_list_of_another_type_or_a_bomb_is_not_used() -> None:
    wrong = _Source(_list(_encoded(REVOKED), types=()))  # a plain credential, not a list
    check = _status(_credential(7), wrong)
    assert (
        check.status is Status.INCONCLUSIVE and "is not a StatusList2021Credential" in check.reason
    )
    bomb = base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode()
    with pytest.raises(StatusListError, match="decompresses to more than"):
        decode_legacy_bitstring(bomb)
    assert _status(_credential(7), _Source()).status is Status.INCONCLUSIVE
