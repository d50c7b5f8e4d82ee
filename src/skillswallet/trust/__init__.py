"""Trusted-issuer lists: one format (:mod:`.lists`), read by evidence levels and by
``verify(..., trust=...)`` (:mod:`.assess`)."""

from .assess import TrustAssessment, TrustVerdict, assess_trust
from .lists import TrustEntry, TrustList, combined, load_trust_list, save_trust_list

__all__ = [
    "TrustAssessment",
    "TrustEntry",
    "TrustList",
    "TrustVerdict",
    "assess_trust",
    "combined",
    "load_trust_list",
    "save_trust_list",
]
