"""Trusted-issuer lists: one format, read by evidence levels (and, later, by verify())."""

from .lists import TrustEntry, TrustList, load_trust_list

__all__ = ["TrustEntry", "TrustList", "load_trust_list"]
