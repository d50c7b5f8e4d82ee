"""Helpers for status list tests: an issuer with a did:key, its registry and lists, and
credentials issued with status entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.did.keys import KeySigner
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.tour import skill_badge

from .conftest import NOW

REVOCATION = "https://school.example/status/revocation/1"
SUSPENSION = "https://school.example/status/suspension/1"


@dataclass
class School:
    """An issuer with a status registry holding one revocation and one suspension list."""

    key: KeyPair
    did: str
    signer: KeySigner
    issuer: StatusIssuer
    published: Path

    def credential(
        self, lists: tuple[str, ...] = (REVOCATION, SUSPENSION), holder: str | None = None
    ) -> dict[str, Any]:
        holder = holder or did_from_public_key(KeyPair.generate().public)
        unsigned = skill_badge(self.did, holder, valid_from="2025-01-01T00:00:00Z")
        unsigned["id"] = f"urn:uuid:{uuid.uuid4()}"
        with_status = self.issuer.add_status(unsigned, list(lists))
        signed: dict[str, Any] = issue_credential(with_status, self.signer, created=NOW)
        return signed

    def publish(self, now: datetime = NOW) -> list[Path]:
        return self.issuer.publish(self.published, self.signer, now=now)


def make_school(tmp: Path, key: KeyPair | None = None) -> School:
    key = key or KeyPair.generate()
    did = did_from_public_key(key.public)
    signer = key.signer(verification_method_id(key.public))
    issuer = StatusIssuer(SqliteStatusRegistry(tmp / "status.sqlite"))
    issuer.create_list(REVOCATION, "revocation", did)
    issuer.create_list(SUSPENSION, "suspension", did)
    return School(key, did, signer, issuer, tmp / "published")
