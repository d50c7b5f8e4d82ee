"""JWT time claims (RFC 7519 §4.1.4-6): ``exp``, ``nbf`` and ``iat`` against an injected
clock with a stated skew."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .compact import JoseError

#: Beyond this a NumericDate is not a date (year 10000): refused rather than overflowing.
_MAX_NUMERIC_DATE = 253402300799


def numeric_date(claims: dict[str, Any], name: str) -> datetime | None:
    """A NumericDate claim as a datetime (None when absent); :class:`JoseError` when
    it is not a number of seconds."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JoseError(f"the {name} claim is not a number of seconds (NumericDate)")
    if not -_MAX_NUMERIC_DATE <= value <= _MAX_NUMERIC_DATE:
        raise JoseError(f"the {name} claim is out of range")
    return datetime.fromtimestamp(value, UTC)


def stamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def time_problem(claims: dict[str, Any], now: datetime, skew: timedelta) -> tuple[str, str] | None:
    """(reason, problem) when ``exp``, ``nbf`` or ``iat`` says the JWT is not valid now
    (``problem`` as import flags name it: ``expired``, ``not-yet-valid``), else None.
    A malformed claim is a problem too."""
    try:
        expires = numeric_date(claims, "exp")
        not_before = numeric_date(claims, "nbf")
        issued = numeric_date(claims, "iat")
    except JoseError as exc:
        return str(exc), "malformed-date"
    if expires is not None and expires < now - skew:
        return f"expired at {stamp(expires)} (exp)", "expired"
    if not_before is not None and not_before > now + skew:
        return f"not valid yet: valid from {stamp(not_before)} (nbf)", "not-yet-valid"
    if issued is not None and issued > now + skew:
        return f"issued in the future ({stamp(issued)}, iat)", "not-yet-valid"
    return None


def numeric(when: datetime) -> int:
    return int(when.timestamp())
