"""The issuer's side of Bitstring Status List 1.0: lists in a :class:`StatusRegistry`,
a ``BitstringStatusListEntry`` for each credential issued, revoke / suspend / unsuspend
by credential id, and the signed list credentials to publish."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .. import jsonio, safefile
from ..credentials.dates import format_datetime
from ..credentials.issue import issue_credential
from ..credentials.jsoncopy import json_copy
from ..credentials.loader import ContextLoader
from ..credentials.model import as_list, vc_version
from ..did.keys import Signer
from ..did.url import parse_did_url
from ..errors import InvalidDocumentError, StatusRegistryError
from .bitstring import MIN_ENTRIES, build_bitstring, encode_bitstring
from .registry import Allocation, StatusListInfo, StatusRegistry

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"


class StatusIssuer:
    """Status lists of one or more issuers, kept in ``registry``."""

    def __init__(self, registry: StatusRegistry) -> None:
        self.registry = registry
        #: Each list's purpose (it never changes): no registry-wide read per credential.
        self._purposes: dict[str, str] = {}

    def create_list(
        self, url: str, purpose: str, issuer: str, length: int = MIN_ENTRIES
    ) -> StatusListInfo:
        """A new empty list that ``issuer`` will sign, to be published at ``url``."""
        if not re.match(r"^https?://[^/\s]+/\S*$", url):
            raise StatusRegistryError(
                f"a status list's id must be the https URL it will be published at: {url!r}"
            )
        self.registry.create_list(url, purpose, issuer, length)
        return StatusListInfo(url, purpose, issuer, length)

    def add_status(self, credential: dict[str, Any], lists: Sequence[str]) -> dict[str, Any]:
        """A copy of the unsigned ``credential`` with an entry in each of ``lists`` (a
        random unused index of each, recorded before this returns) and an ``id``
        (``urn:uuid:...`` when it has none: revocation is by credential id)."""
        if not isinstance(credential, dict) or vc_version(credential) != 2:
            raise InvalidDocumentError(
                "status list entries need a VC Data Model 2.0 credential (its context "
                "defines BitstringStatusListEntry)"
            )
        if "proof" in credential:
            raise InvalidDocumentError("add the status entry before signing, not after")
        if not lists:
            raise StatusRegistryError("name at least one status list")
        doc: dict[str, Any] = json_copy(credential)
        credential_id = doc.get("id")
        if not isinstance(credential_id, str):
            credential_id = doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        if any(url not in self._purposes for url in lists):
            self._purposes = {info.url: info.purpose for info in self.registry.lists()}
        entries = as_list(doc.get("credentialStatus"))
        for url in lists:
            purpose = self._purposes.get(url)
            if purpose is None:
                raise StatusRegistryError(f"no status list {url} in the registry")
            index = self.registry.allocate(url, credential_id)
            entries.append(status_entry_for(url, purpose, index))
        doc["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        return doc

    def revoke(self, credential_id: str) -> list[Allocation]:
        """Revoke for good (every revocation entry of the credential)."""
        return self._set(credential_id, "revocation", 1)

    def suspend(self, credential_id: str) -> list[Allocation]:
        """Set the credential's suspension bits (a suspension can be lifted); returns the entries
        changed."""
        return self._set(credential_id, "suspension", 1)

    def unsuspend(self, credential_id: str) -> list[Allocation]:
        """Clear the credential's suspension bits; returns the entries changed."""
        return self._set(credential_id, "suspension", 0)

    def _set(self, credential_id: str, purpose: str, value: int) -> list[Allocation]:
        mine = [a for a in self.registry.allocations(credential_id) if a.purpose == purpose]
        if not mine:
            raise StatusRegistryError(
                f"{credential_id} has no {purpose} entry in this registry (was it issued "
                f"with a {purpose} status list?)"
            )
        return [self.registry.set_value(a.list_url, credential_id, value) for a in mine]

    def list_credential(
        self,
        url: str,
        signer: Signer,
        *,
        now: datetime,
        valid_for: timedelta | None = None,
        loader: ContextLoader | None = None,
    ) -> dict[str, Any]:
        """The signed ``BitstringStatusListCredential`` of list ``url`` as it stands now,
        valid from ``now`` (for ``valid_for``, if given: verifiers then refuse a stale
        copy)."""
        info = next((i for i in self.registry.lists() if i.url == url), None)
        if info is None:
            raise StatusRegistryError(f"no status list {url} in the registry")
        encoded = encode_bitstring(build_bitstring(info.length, self.registry.set_values(url)))
        unsigned: dict[str, Any] = {
            "@context": [VC_V2],
            "id": url,
            "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
            "issuer": info.issuer,
            "validFrom": format_datetime(now),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": info.purpose,
                "encodedList": encoded,
            },
        }
        if valid_for is not None:
            unsigned["validUntil"] = format_datetime(now + valid_for)
        signed: dict[str, Any] = issue_credential(unsigned, signer, created=now, loader=loader)
        return signed

    def publish(
        self,
        directory: Path | str,
        signer: Signer,
        *,
        now: datetime,
        urls: Sequence[str] | None = None,
        valid_for: timedelta | None = None,
        loader: ContextLoader | None = None,
    ) -> list[Path]:
        """Write the signed list credentials (``urls``, or every list of the signer's
        issuer) into ``directory``, one file each, replaced atomically. Serve each file
        at its list's URL (or give the directory to verifiers as ``--status-dir``)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        issuer = parse_did_url(signer.verification_method).did
        if urls is None:
            chosen = [i.url for i in self.registry.lists() if i.issuer == issuer]
        else:
            chosen = list(urls)
        if not chosen:
            raise StatusRegistryError(f"the registry has no status list of {issuer}")
        written = []
        for url in chosen:
            document = self.list_credential(
                url, signer, now=now, valid_for=valid_for, loader=loader
            )
            path = directory / list_file_name(url)
            safefile.replace(path, (jsonio.dumps(document) + "\n").encode("utf-8"), mode=0o644)
            written.append(path)
        return written


def status_entry(info: StatusListInfo, index: int) -> dict[str, Any]:
    """The ``BitstringStatusListEntry`` of index ``index`` of list ``info``."""
    return status_entry_for(info.url, info.purpose, index)


def status_entry_for(url: str, purpose: str, index: int) -> dict[str, Any]:
    """The ``BitstringStatusListEntry`` of index ``index`` of the list at ``url``."""
    return {
        "id": f"{url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def list_file_name(url: str) -> str:
    """The file a list credential is published as: its URL without the scheme, every
    character other than letters, digits, ``.``, ``-`` and ``_`` made ``_``."""
    bare = re.sub(r"^[a-z]+://", "", url)
    return re.sub(r"[^A-Za-z0-9._-]", "_", bare).strip("._")[:200] + ".json"
