"""The verifier's STATUS check (Bitstring Status List 1.0 §3.2, "Validate Algorithm").

For each ``BitstringStatusListEntry`` of a credential: obtain the list credential from a
:class:`~skillswallet.status.sources.StatusSource`, make sure it is that list, issued by
the credential's issuer, verified (its proof, its validity period) and of the entry's
purpose; decode it (bounded), check its length and the index; read the entry.

Outcomes: ``passed`` (valid; a ``message`` or ``refresh`` entry, with its message),
``failed`` (revoked, suspended, an index outside the list, a malformed entry the issuer
signed), ``inconclusive`` (no source, the list could not be obtained or trusted): never
``passed`` without a list that verified.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..credentials.dates import parse_datetime
from ..credentials.model import as_list, issuer_id
from ..credentials.types import has_type, type_term
from ..errors import StatusListError, StatusRetrievalError
from ..result import Check, CheckId, Status
from .bitstring import MIN_ENTRIES, Bitstring, decode_bitstring, decode_legacy_bitstring
from .issuer import ENTRY_TYPE, LIST_CREDENTIAL_TYPE
from .sources import StatusSource

#: The predecessor of the Bitstring Status List (W3C CCG StatusList2021), still carried by
#: many VC 1.1 credentials: same bits, its own types and a plain base64 encodedList.
LEGACY_ENTRY_TYPE = "StatusList2021Entry"
LEGACY_LIST_TYPE = "StatusList2021Credential"

#: The widest entry read (the spec sets none; 8 bits is 256 messages).
MAX_STATUS_SIZE = 8
#: Entries one credential may carry before it is refused (each costs a list).
MAX_ENTRIES = 8

#: verify()'s verdict on a list credential: (status, reason).
ListVerifier = Callable[[dict[str, Any]], tuple[Status, str]]


@dataclass(frozen=True)
class _TrustedList:
    """A list credential that verified, decoded: what later checks against it reuse."""

    document: dict[str, Any]
    bitstring: Bitstring
    purposes: tuple[str, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    messages: Any


class _Memo:
    """Lists that verified, by URL and by what verified them (bounded; a thread-safe
    swap). A list is reused only while the source returns an equal document."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: dict[tuple[str, Hashable], _TrustedList] = {}
        self._lock = threading.Lock()

    def get(self, url: str, key: Hashable, document: dict[str, Any]) -> _TrustedList | None:
        found = self._items.get((url, key))
        if found is not None and (found.document is document or found.document == document):
            return found
        return None

    def put(self, url: str, key: Hashable, trusted: _TrustedList) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
            self._items[(url, key)] = trusted


_MEMO = _Memo()


class _Undecided(Exception):
    """The status could not be checked (inconclusive), with the reason."""


class _Bad(Exception):
    """The entry is wrong, or says the credential is not valid (failed)."""


def check_status(
    document: dict[str, Any],
    target: str,
    source: StatusSource | None,
    verify_list: ListVerifier,
    *,
    now: datetime,
    skew: timedelta,
    memo_key: Hashable | None,
) -> Check:
    """The STATUS check of ``document``. ``verify_list`` verifies a list credential
    (verify() without a status check); ``memo_key`` names what it depends on (suites,
    resolver, loader) so a list verified once is reused, or None to verify every time."""
    entries = as_list(document.get("credentialStatus"))
    if not entries:
        return Check(CheckId.STATUS, target, Status.SKIPPED, "the credential has no status entry")
    if len(entries) > MAX_ENTRIES:
        return Check(
            CheckId.STATUS,
            target,
            Status.FAILED,
            f"{len(entries)} status entries; at most {MAX_ENTRIES} are read",
        )
    results: list[dict[str, Any]] = []
    worst = Status.PASSED
    reasons: list[str] = []
    issuer = issuer_id(document)
    for entry in entries:
        try:
            outcome = _one(entry, issuer, source, verify_list, now, skew, memo_key)
            status = Status.PASSED
        except _Undecided as exc:
            outcome, status = {"state": "unchecked", "reason": str(exc)}, Status.INCONCLUSIVE
        except _Bad as exc:
            outcome, status = exc.args[1], Status.FAILED
            outcome["reason"] = str(exc.args[0])
        if isinstance(entry, dict):
            outcome.setdefault("purpose", entry.get("statusPurpose"))
            outcome.setdefault("statusListCredential", entry.get("statusListCredential"))
        results.append(outcome)
        reasons.append(str(outcome["reason"]))
        if status is Status.FAILED or (status is Status.INCONCLUSIVE and worst is Status.PASSED):
            worst = status
    if worst is Status.PASSED:
        reason = "; ".join(reasons)
    else:
        reason = "; ".join(r["reason"] for r in results if r["state"] not in ("valid", "message"))
    return Check(CheckId.STATUS, target, worst, reason, {"entries": results})


def _one(
    entry: Any,
    issuer: str | None,
    source: StatusSource | None,
    verify_list: ListVerifier,
    now: datetime,
    skew: timedelta,
    memo_key: Hashable | None,
) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _Bad("a credentialStatus entry is not an object", {"state": "malformed"})
    kind = type_term(entry["type"]) if isinstance(entry.get("type"), str) else entry.get("type")
    if kind not in (ENTRY_TYPE, LEGACY_ENTRY_TYPE):
        raise _Undecided(
            f"status entries of type {kind!r} cannot be checked (only {ENTRY_TYPE} and "
            f"{LEGACY_ENTRY_TYPE})"
        )
    legacy = kind == LEGACY_ENTRY_TYPE
    purpose, index, url, size, messages = _parse_entry(entry)
    where = {"purpose": purpose, "index": index, "statusListCredential": url}
    if source is None:
        raise _Undecided(
            f"no status list was available to check the {purpose} entry (give a status "
            "directory, or allow the network)"
        )
    try:
        listed = source.get(url)
    except StatusRetrievalError as exc:
        raise _Undecided(f"the status list could not be obtained: {exc}") from None
    trusted = _trusted(listed, url, issuer, verify_list, memo_key, legacy=legacy)
    if trusted.valid_from is not None and trusted.valid_from > now + skew:
        raise _Undecided(f"the status list {url} is not valid yet")
    if trusted.valid_until is not None and trusted.valid_until < now - skew:
        raise _Undecided(
            f"the status list {url} expired at {listed.get('validUntil')} (a stale copy; "
            "get the current one)"
        )
    if purpose not in trusted.purposes:
        raise _Undecided(
            f"the status list {url} is for {', '.join(trusted.purposes)}, not {purpose}"
        )
    bits = trusted.bitstring
    if bits.entries(size) < MIN_ENTRIES:
        raise _Undecided(
            f"the status list {url} has {bits.entries(size):,} entries, fewer than the "
            f"{MIN_ENTRIES:,} herd privacy requires (STATUS_LIST_LENGTH_ERROR)"
        )
    try:
        value = bits.get(index, size)
    except StatusListError:
        raise _Bad(
            f"the {purpose} index {index} is outside the status list {url} "
            f"({bits.entries(size):,} entries; RANGE_ERROR)",
            {**where, "state": "out-of-range"},
        ) from None
    return _verdict(purpose, value, size, messages or trusted.messages, where, url)


def _parse_entry(entry: dict[str, Any]) -> tuple[str, int, str, int, Any]:
    purpose = entry.get("statusPurpose")
    raw_index = entry.get("statusListIndex")
    url = entry.get("statusListCredential")
    size = entry.get("statusSize", 1)
    bad = {"state": "malformed"}
    if not isinstance(purpose, str) or not purpose:
        raise _Bad("the status entry has no statusPurpose", bad)
    if not isinstance(raw_index, str) or not raw_index.isascii() or not raw_index.isdigit():
        raise _Bad(
            f"statusListIndex {str(raw_index)[:40]!r} is not a non-negative integer in a string",
            bad,
        )
    if len(raw_index) > 12:
        raise _Bad(f"statusListIndex {raw_index[:40]} is beyond any status list", bad)
    if not isinstance(url, str) or not url:
        raise _Bad("the status entry has no statusListCredential URL", bad)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_STATUS_SIZE:
        raise _Bad(f"statusSize {size!r} is not an integer from 1 to {MAX_STATUS_SIZE}", bad)
    messages = entry.get("statusMessage")
    if messages is not None and (not isinstance(messages, list) or len(messages) != 1 << size):
        raise _Bad(f"statusMessage must list {1 << size} messages for a statusSize of {size}", bad)
    if size > 1 and messages is None:
        raise _Bad("a statusSize above 1 needs a statusMessage list", bad)
    return purpose, int(raw_index), url, size, messages


def _trusted(
    listed: dict[str, Any],
    url: str,
    issuer: str | None,
    verify_list: ListVerifier,
    memo_key: Hashable | None,
    *,
    legacy: bool = False,
) -> _TrustedList:
    if memo_key is not None:
        found = _MEMO.get(url, memo_key, listed)
        if found is not None:
            if issuer_id(found.document) != issuer:
                raise _Undecided(_other_issuer(url, found.document, issuer))
            return found
    if listed.get("id") != url:
        raise _Undecided(f"the document given for {url} is another one ({listed.get('id')!r})")
    wanted = LEGACY_LIST_TYPE if legacy else LIST_CREDENTIAL_TYPE
    if not has_type(listed, wanted):
        raise _Undecided(f"{url} is not a {wanted}")
    if issuer_id(listed) != issuer:
        raise _Undecided(_other_issuer(url, listed, issuer))
    subject = listed.get("credentialSubject")
    if not isinstance(subject, dict):
        raise _Undecided(f"the status list {url} has no single credentialSubject")
    status, reason = verify_list(listed)
    if status is not Status.PASSED:
        raise _Undecided(f"the status list credential {url} does not verify: {reason}")
    try:
        decode = decode_legacy_bitstring if legacy else decode_bitstring
        bitstring = decode(subject.get("encodedList"))
    except StatusListError as exc:
        raise _Undecided(f"the status list {url} cannot be decoded: {exc}") from None
    purposes = tuple(p for p in as_list(subject.get("statusPurpose")) if isinstance(p, str))
    trusted = _TrustedList(
        listed,
        bitstring,
        purposes,
        parse_datetime(listed.get("validFrom") or listed.get("issuanceDate")),
        parse_datetime(listed.get("validUntil") or listed.get("expirationDate")),
        subject.get("statusMessages", subject.get("statusMessage")),
    )
    if memo_key is not None:
        _MEMO.put(url, memo_key, trusted)
    return trusted


def _other_issuer(url: str, listed: dict[str, Any], issuer: str | None) -> str:
    return (
        f"the status list {url} is issued by {issuer_id(listed)}, not by the credential's "
        f"issuer {issuer}; it is not used"
    )


def _verdict(
    purpose: str, value: int, size: int, messages: Any, where: dict[str, Any], url: str
) -> dict[str, Any]:
    at = f"(list {url}, index {where['index']})"
    message = _message(messages, value)
    if purpose == "revocation":
        if value:
            raise _Bad(f"revoked {at}", {**where, "state": "revoked", "value": value})
        return {**where, "state": "valid", "value": 0, "reason": f"not revoked {at}"}
    if purpose == "suspension":
        if value:
            raise _Bad(f"suspended {at}", {**where, "state": "suspended", "value": value})
        return {**where, "state": "valid", "value": 0, "reason": f"not suspended {at}"}
    if purpose in ("message", "refresh"):
        text = message if message is not None else ("set" if value else "unset")
        out = {**where, "state": "message", "value": value, "message": text}
        out["reason"] = f"{purpose} status {hex(value)}: {text} {at}"
        return out
    if value:
        raise _Undecided(f"the {purpose} status is set, and {purpose!r} is not a purpose we know")
    return {**where, "state": "valid", "value": 0, "reason": f"{purpose} status not set {at}"}


def _message(messages: Any, value: int) -> str | None:
    """The message of ``value`` in a statusMessage list (``{"status": "0x1", ...}``)."""
    if not isinstance(messages, list):
        return None
    for item in messages:
        if not isinstance(item, dict) or not isinstance(item.get("status"), str):
            continue
        try:
            if int(item["status"], 16) == value and isinstance(item.get("message"), str):
                return str(item["message"])
        except ValueError:
            continue
    return None
