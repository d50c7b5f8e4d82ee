"""JWT-based credentials: VC-JOSE-COSE (``application/vc+jwt``) and SD-JWT VCs
(``application/dc+sd-jwt``, IETF SD-JWT and SD-JWT VC drafts).

Signatures are checked by joserfc (ES256, ES384, EdDSA/Ed25519 only: never ``none``,
never HMAC, no unknown ``crit``); issuer keys come from a ``kid`` DID URL resolved with
the DID resolver, or a public JWK the caller pins. :func:`skillswallet.verify` takes
either format as a string and reports which one it checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .checks import compact_format, has_key_binding
    from .compact import MAX_COMPACT_BYTES, SD_JWT_VC, VC_JWT, JoseError, sniff
    from .disclosures import conceal, digest, make_disclosure
    from .holding import COMPACT_FORMATS, as_credential, skills_of, view
    from .sdjwt import (
        IssuedSdJwt,
        SdJwtPresentation,
        disclosable_claims,
        issue_sd_jwt_vc,
        present_sd_jwt,
    )
    from .vcjwt import issue_vc_jwt

#: Each public name and the module it comes from (imported on first use).
_SOURCES = {
    "compact_format": ".checks",
    "has_key_binding": ".checks",
    "MAX_COMPACT_BYTES": ".compact",
    "SD_JWT_VC": ".compact",
    "VC_JWT": ".compact",
    "JoseError": ".compact",
    "sniff": ".compact",
    "conceal": ".disclosures",
    "digest": ".disclosures",
    "make_disclosure": ".disclosures",
    "COMPACT_FORMATS": ".holding",
    "as_credential": ".holding",
    "skills_of": ".holding",
    "view": ".holding",
    "IssuedSdJwt": ".sdjwt",
    "SdJwtPresentation": ".sdjwt",
    "disclosable_claims": ".sdjwt",
    "issue_sd_jwt_vc": ".sdjwt",
    "present_sd_jwt": ".sdjwt",
    "issue_vc_jwt": ".vcjwt",
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SOURCES)

__all__ = [
    "COMPACT_FORMATS",
    "MAX_COMPACT_BYTES",
    "SD_JWT_VC",
    "VC_JWT",
    "IssuedSdJwt",
    "JoseError",
    "SdJwtPresentation",
    "as_credential",
    "compact_format",
    "conceal",
    "digest",
    "disclosable_claims",
    "has_key_binding",
    "issue_sd_jwt_vc",
    "issue_vc_jwt",
    "make_disclosure",
    "present_sd_jwt",
    "skills_of",
    "sniff",
    "view",
]
