"""Selective disclosure primitives (Data Integrity ECDSA Cryptosuites v1.0 §3.4 and the
ecdsa-sd-2023 proof values): JSON Pointer selection, HMAC-relabelled canonical groups,
CBOR proof values. The suite itself is :mod:`..suites.ecdsa_sd_2023`."""
