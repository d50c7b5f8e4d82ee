"""XML Schema dateTimeStamp parsing for validFrom/validUntil and proof timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

_DATETIME_RE = re.compile(
    r"^(?P<y>-?\d{4,})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?P<frac>\.\d+)?(?P<tz>Z|[+-]\d{2}:\d{2})$"
)


def parse_datetime(value: object, *, require_timezone: bool = True) -> datetime | None:
    """Parse an xsd:dateTimeStamp; return None when malformed (callers report why)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    return _parse(value, require_timezone)


@lru_cache(maxsize=4096)  # timestamps recur (a batch, a search); datetimes are immutable
def _parse(text: str, require_timezone: bool) -> datetime | None:
    if not require_timezone and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", text):
        text += "Z"
    m = _DATETIME_RE.match(text)
    if not m:
        return None
    frac = (m.group("frac") or "")[:7]
    normalized = text[: m.start("frac")] if m.group("frac") else text[: m.start("tz")]
    normalized += frac + ("+00:00" if m.group("tz") == "Z" else m.group("tz"))
    try:
        return datetime.fromisoformat(normalized).astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. 9999-12-31T23:59:59-01:00 is past year 9999 in UTC
        return None


@lru_cache(maxsize=256)  # an import stamps a whole batch with one clock reading
def format_datetime(value: datetime) -> str:
    """Seconds precision, UTC, ``Z`` suffix: the form most verifiers expect."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
