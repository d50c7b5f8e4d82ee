"""Data Integrity cryptosuites: one module each, one small interface
(:class:`~skillswallet.credentials.suites.base.Cryptosuite`)."""

from __future__ import annotations

from typing import Any

from ...did.multikey import KeyType
from ...errors import CryptosuiteError
from ..plainform import direction_problems
from .base import Cryptosuite
from .ecdsa_jcs_2019 import ECDSA_JCS_2019
from .ecdsa_rdfc_2019 import ECDSA_RDFC_2019
from .ecdsa_sd_2023 import ECDSA_SD_2023
from .ed25519_signature_2020 import ED25519_SIGNATURE_2020
from .eddsa_jcs_2022 import EDDSA_JCS_2022
from .eddsa_rdfc_2022 import EDDSA_RDFC_2022

#: Every suite this library implements, by name.
ALL_SUITES: dict[str, Cryptosuite] = {
    s.name: s
    for s in (
        EDDSA_RDFC_2022,
        EDDSA_JCS_2022,
        ECDSA_RDFC_2019,
        ECDSA_JCS_2019,
        ECDSA_SD_2023,
        ED25519_SIGNATURE_2020,
    )
}
def default_suite(key_type: KeyType, document: Any = None) -> str:
    """The suite a key signs with when none is asked for: RDF canonicalization
    (eddsa-rdfc-2022, ecdsa-rdfc-2019), except for a document with a text direction
    (``@direction``), which RDFC does not sign (it would be dropped, and a holder could flip
    it): that one gets the key's JCS suite, which signs the JSON as written. Asked for by
    name, an RDFC suite refuses such a document."""
    ed25519 = key_type is KeyType.ED25519
    if document is not None and direction_problems(document):
        return "eddsa-jcs-2022" if ed25519 else "ecdsa-jcs-2019"
    return "eddsa-rdfc-2022" if ed25519 else "ecdsa-rdfc-2019"


#: Suites accepted by default when verifying.
DEFAULT_SUITES: tuple[str, ...] = tuple(ALL_SUITES)


def suite_name_of(proof: Any) -> Any:
    """The suite a proof names: its ``cryptosuite`` for a ``DataIntegrityProof``, its
    ``type`` for a legacy proof type we implement (Ed25519Signature2020); None otherwise."""
    if not isinstance(proof, dict):
        return None
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        return proof.get("cryptosuite")
    if isinstance(kind, str) and kind in ALL_SUITES and ALL_SUITES[kind].is_legacy:
        return kind
    return None


def get_suite(name: str) -> Cryptosuite:
    """Look up a suite by its ``cryptosuite`` name; unknown names are programmer misuse."""
    try:
        return ALL_SUITES[name]
    except KeyError:
        raise CryptosuiteError(
            f"unknown cryptosuite {name!r}; known: {', '.join(sorted(ALL_SUITES))}"
        ) from None


__all__ = [
    "ALL_SUITES",
    "DEFAULT_SUITES",
    "ECDSA_JCS_2019",
    "ECDSA_RDFC_2019",
    "ECDSA_SD_2023",
    "ED25519_SIGNATURE_2020",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "Cryptosuite",
    "get_suite",
    "suite_name_of",
]
