"""Bitstring Status List 1.0, both sides: the issuer's registry and list credentials
(revoke, suspend, publish), and the verifier's status check with its sources (a local
directory, an in-memory cache, opt-in HTTPS)."""
