"""Archivable, re-checkable verifications (the verifier's record of a decision)."""

from .record import (
    ReportCheck,
    archive_verification,
    audit_report,
    check_report,
    verify_recorded,
)

__all__ = [
    "ReportCheck",
    "archive_verification",
    "audit_report",
    "check_report",
    "verify_recorded",
]
