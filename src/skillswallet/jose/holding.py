"""JWT credentials in the vault: the original serialization is stored as it came (a
JSON string as the record's body); the summary (``list``/``show``, search, the skills
profile) is made from what it says.

**Skills in an SD-JWT VC.** An SD-JWT VC is plain JSON claims, not a W3C credential. The
profile reads these claims of its disclosed payload as skills:

* ``skills``: an array whose elements are a skill URI (string) or an object with the URI
  in ``id`` (or ``targetUrl``, ``uri``, ``url``) and its label in ``name`` (or
  ``targetName``, ``label``), optionally ``targetFramework``;
* ``alignment`` (or ``alignments``): Open Badges-like alignment objects
  (``targetUrl``, ``targetName``, ``targetFramework``);
* ``achievement``: an object (or array of them) with such an ``alignment``.

As for W3C credentials, alignments to qualification frameworks (EQF...) and occupations
are not skills. The subject is ``sub`` when it is a string, else the did:key of the
holder key the issuer bound (``cnf.jwk``), so a credential bound to a key of the vault
counts in its holder's profile. ``iss`` is the issuer, ``iat`` and ``exp`` the validity.
"""

from __future__ import annotations

from typing import Any

from ..did.key import did_from_public_key
from ..errors import InvalidKeyError
from .claims import numeric_date, stamp
from .compact import SD_JWT_VC, VC_JWT, JoseError, split
from .keys import public_key_of_jwk
from .sdjwt import read_sd_jwt
from .vcjwt import view as vc_jwt_view

#: The formats of records whose body is a compact serialization.
COMPACT_FORMATS = (VC_JWT, SD_JWT_VC)
#: The claims of an SD-JWT VC that the profile reads skills from (see the module's doc).
SKILL_CLAIMS = ("skills", "alignment", "alignments", "achievement")


def _compact_format(text: str) -> str:
    from .checks import compact_format

    return compact_format(text)


def view(text: str) -> dict[str, Any]:
    """What a stored JWT credential says: a vc+jwt's credential, an SD-JWT VC's
    disclosed claims."""
    if _compact_format(text) == SD_JWT_VC:
        return read_sd_jwt(text).claims
    return vc_jwt_view(text)


def as_credential(claims: dict[str, Any]) -> dict[str, Any]:
    """An SD-JWT VC's claims in the shape of a W3C credential (see the module's doc):
    what the vault's summary and the skills profile read. Never signed, never shown."""
    subject: dict[str, Any] = {}
    holder = _subject(claims)
    if holder is not None:
        subject["id"] = holder
    alignments = skills_of(claims)
    if alignments:
        subject["achievement"] = [{"type": ["Achievement"], "alignment": alignments}]
    out: dict[str, Any] = {
        "type": [
            "VerifiableCredential",
            *([claims["vct"]] if isinstance(claims.get("vct"), str) else []),
        ],
        "credentialSubject": subject,
    }
    if isinstance(claims.get("iss"), str):
        out["issuer"] = claims["iss"]
    if isinstance(claims.get("jti"), str):
        out["id"] = claims["jti"]
    if isinstance(claims.get("name"), str):
        out["name"] = claims["name"]
    for claim, name in (("iat", "validFrom"), ("exp", "validUntil")):
        try:
            when = numeric_date(claims, claim)
        except JoseError:
            when = None
        if when is not None:
            out[name] = stamp(when)
    return out


def _subject(claims: dict[str, Any]) -> str | None:
    if isinstance(claims.get("sub"), str):
        return str(claims["sub"])
    bound = claims.get("cnf")
    if isinstance(bound, dict) and "jwk" in bound:
        try:
            return did_from_public_key(public_key_of_jwk(bound["jwk"]))
        except InvalidKeyError:
            return None
    return None


_URL_KEYS = ("id", "targetUrl", "uri", "url")
_NAME_KEYS = ("name", "targetName", "label")


def skills_of(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """OB-like alignments for the skill claims of an SD-JWT VC (see the module's doc)."""
    out: list[dict[str, Any]] = []
    for item in _items(claims.get("skills")):
        if isinstance(item, str):
            out.append({"type": ["Alignment"], "targetUrl": item})
        elif isinstance(item, dict):
            url = next((item[k] for k in _URL_KEYS if isinstance(item.get(k), str)), None)
            if url is None:
                continue
            alignment: dict[str, Any] = {"type": ["Alignment"], "targetUrl": url}
            name = next((item[k] for k in _NAME_KEYS if isinstance(item.get(k), str)), None)
            if name is not None:
                alignment["targetName"] = name
            if isinstance(item.get("targetFramework"), str):
                alignment["targetFramework"] = item["targetFramework"]
            out.append(alignment)
    nodes = [claims, *(a for a in _items(claims.get("achievement")) if isinstance(a, dict))]
    for node in nodes:
        for key in ("alignment", "alignments"):
            out.extend(
                {
                    "type": ["Alignment"],
                    **{
                        k: a[k]
                        for k in ("targetUrl", "targetName", "targetFramework")
                        if isinstance(a.get(k), str)
                    },
                }
                for a in _items(node.get(key))
                if isinstance(a, dict) and isinstance(a.get("targetUrl"), str)
            )
    return out


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def summary_source(text: str) -> tuple[str, dict[str, Any]]:
    """(format, the credential-shaped document the summary is made from)."""
    fmt = _compact_format(text)
    if fmt == SD_JWT_VC:
        return fmt, as_credential(read_sd_jwt(text).claims)
    if fmt == VC_JWT:
        return fmt, vc_jwt_view(text)
    raise JoseError(f"a JWT of type {fmt!r} cannot be held")


def dedupe_content(text: str) -> bytes:
    """What makes two copies one credential: the issuer-signed header and payload (not
    the signature, which an ECDSA signer can spell two ways) and the set of disclosures."""
    parts = split(text)
    signed = parts.jwt.rsplit(".", 1)[0]
    return ("~".join((signed, *sorted(parts.disclosures)))).encode("ascii")
