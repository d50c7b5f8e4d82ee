"""What one credential in a presentation shows: the credential whole, or an
ecdsa-sd-2023 disclosure derived from a base credential, and exactly which of the stored
credential's fields are revealed and which are withheld (as JSON Pointers into the stored
credential). Pure functions over plain JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..credentials.derive import derive_credential
from ..credentials.loader import ContextLoader
from ..credentials.model import as_list
from ..credentials.sd.proofvalue import parse_base_proof_value
from ..credentials.sd.select import pointer_exists, select_json_ld
from ..credentials.suites.ecdsa_sd_2023 import NAME as ECDSA_SD
from ..errors import NotDerivableError, PointerError, ProofError


@dataclass(frozen=True)
class CredentialDisclosure:
    """One credential as it will be shown. ``revealed`` and ``withheld`` are JSON
    Pointers into the *stored* credential (its proof aside), each as coarse as possible:
    ``/credentialSubject/result`` stands for everything below it."""

    record_id: str | None
    #: What the verifier receives: the stored credential, or the derived one.
    credential: dict[str, Any]
    #: True for an ecdsa-sd-2023 disclosure derived from a stored base credential.
    derived: bool
    revealed: list[str]
    withheld: list[str]
    #: The selective pointers asked for (derived only; empty: everything was revealed).
    pointers: list[str] = field(default_factory=list)
    #: What the issuer made mandatory (always revealed; derived only).
    mandatory: list[str] = field(default_factory=list)
    #: The base proof's signature (derived only): every disclosure of it carries it.
    base_signature: bytes | None = None
    #: A JWT credential (``vc+jwt``, ``dc+sd-jwt``; None for a JSON one): ``credential``
    #: is then the enveloped credential, and ``compact`` what it carries (an SD-JWT cut
    #: to the chosen disclosures, its key binding JWT added when the presentation is
    #: signed, for its challenge and domain).
    format: str | None = None
    compact: str | None = None

    def said(self) -> dict[str, Any]:
        """What the credential says, in a W3C credential's shape: the credential itself,
        or what a JWT credential carries (a vc+jwt's payload, an SD-JWT VC's claims)."""
        if self.compact is None:
            return self.credential
        from ..jose.holding import summary_source

        return summary_source(self.compact)[1]

    def to_json(self) -> dict[str, Any]:
        """As JSON (for the disclosure log and ``--json``)."""
        shown = self.said()
        return {
            "recordId": self.record_id,
            "credentialId": shown.get("id") if isinstance(shown.get("id"), str) else None,
            "format": self.format,
            "derived": self.derived,
            "pointers": self.pointers,
            "mandatory": self.mandatory,
            "revealed": self.revealed,
            "withheld": self.withheld,
        }


def sd_base_proof(credential: dict[str, Any]) -> dict[str, Any] | None:
    """The credential's ecdsa-sd-2023 *base* proof, or None (a derived proof, another
    suite, no proof: the credential can only be shown as it is)."""
    proofs = [
        p
        for p in as_list(credential.get("proof"))
        if isinstance(p, dict) and p.get("cryptosuite") == ECDSA_SD
    ]
    if len(proofs) != 1:
        return None
    try:
        parse_base_proof_value(proofs[0].get("proofValue"))
    except ProofError:
        return None
    return proofs[0]


def everything(credential: dict[str, Any]) -> list[str]:
    """Pointers that select the whole credential (its proof and @context aside)."""
    return [
        "/" + key.replace("~", "~0").replace("/", "~1")
        for key in credential
        if key not in ("@context", "proof")
    ]


def disclose(
    credential: dict[str, Any],
    pointers: Sequence[str] | None = None,
    *,
    record_id: str | None = None,
    loader: ContextLoader | None = None,
) -> CredentialDisclosure:
    """Prepare one credential for a presentation.

    An ecdsa-sd-2023 base credential is derived: revealing what ``pointers`` name plus
    what its issuer made mandatory, or everything when ``pointers`` is None. Any other
    credential is shown whole; asking pointers of it raises :class:`NotDerivableError`.
    A pointer that names nothing raises :class:`PointerError`; a pointer to a mandatory
    field is accepted (it is revealed anyway)."""
    base = sd_base_proof(credential)
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    if base is None:
        if pointers is not None:
            suites = _suites(credential)
            kind = (
                "a disclosure derived already"
                if ECDSA_SD in suites
                else f"signed with {', '.join(suites) or 'no proof'}"
            )
            raise NotDerivableError(
                f"credential {record_id or credential.get('id', '')} cannot be selectively "
                f"disclosed: it is {kind}, and only an ecdsa-sd-2023 base credential can be; "
                "show it whole (without pointers)"
            )
        leaves = _leaves(unsecured)
        return CredentialDisclosure(
            record_id, credential, False, _coarse(unsecured, set(leaves)), []
        )
    if pointers is not None and (isinstance(pointers, str) or not list(pointers)):
        raise PointerError("give the JSON Pointers to disclose as a non-empty list")
    chosen = everything(credential) if pointers is None else list(pointers)
    for pointer in chosen:
        if not pointer_exists(unsecured, pointer):
            raise PointerError(
                f"the JSON Pointer {pointer!r} names nothing in credential "
                f"{record_id or credential.get('id', '')}"
            )
    derived = derive_credential(credential, chosen, loader=loader)
    value = parse_base_proof_value(base.get("proofValue"))
    revealed = _revealed_leaves(unsecured, [*value.mandatory_pointers, *chosen])
    every_leaf = set(_leaves(unsecured))
    return CredentialDisclosure(
        record_id,
        derived,
        True,
        _coarse(unsecured, revealed),
        _coarse(unsecured, every_leaf - revealed),
        [] if pointers is None else chosen,
        list(value.mandatory_pointers),
        value.base_signature,
    )


def disclose_compact(
    text: str, claims: Sequence[str] | None = None, *, record_id: str | None = None
) -> CredentialDisclosure:
    """Prepare a held JWT credential for a presentation, enveloped (VC DM 2.0 §4.13.1;
    :mod:`skillswallet.jose.envelope`). A vc+jwt is shown whole (``claims`` for it raise
    :class:`NotDerivableError`); an SD-JWT VC keeps the disclosures of the claims named
    (``given_name``, ``address.street``, or a JSON Pointer such as ``/address/street``),
    all of them when ``claims`` is None. Its key binding is added when it is signed."""
    from ..jose.checks import compact_format
    from ..jose.compact import SD_JWT_VC, VC_JWT
    from ..jose.envelope import envelope
    from ..jose.holding import view
    from ..jose.sdjwt import select_disclosures

    fmt = compact_format(text)
    if fmt == VC_JWT:
        if claims is not None:
            raise NotDerivableError(
                f"credential {record_id or ''} is a vc+jwt: it cannot be selectively "
                "disclosed; show it whole (without pointers)"
            )
        payload = view(text)
        revealed = _coarse(payload, set(_leaves(payload)))
        return CredentialDisclosure(
            record_id, envelope(text, fmt), False, revealed, [], format=fmt, compact=text
        )
    if fmt != SD_JWT_VC:
        raise NotDerivableError(f"a JWT of type {fmt!r} cannot be presented")
    names = None if claims is None else [_claim_name(c) for c in claims]
    chosen = select_disclosures(text, names)
    return CredentialDisclosure(
        record_id,
        envelope(chosen.sd_jwt, fmt),
        False,  # (derived: an ecdsa-sd-2023 disclosure; this is an SD-JWT cut down)
        ["/" + "/".join(_escape(s) for s in name.split(".")) for name in chosen.disclosed],
        ["/" + "/".join(_escape(s) for s in name.split(".")) for name in chosen.withheld],
        [] if names is None else names,
        format=fmt,
        compact=chosen.sd_jwt,
    )


def _claim_name(claim: str) -> str:
    """``/address/street`` (a JSON Pointer) -> ``address.street``; a name stays."""
    if not claim.startswith("/"):
        return claim
    steps = claim[1:].split("/")
    return ".".join(s.replace("~1", "/").replace("~0", "~") for s in steps)


def _is_sd(credential: dict[str, Any]) -> bool:
    return ECDSA_SD in _suites(credential)


def _suites(credential: dict[str, Any]) -> list[str]:
    return [
        str(p.get("cryptosuite"))
        for p in as_list(credential.get("proof"))
        if isinstance(p, dict) and p.get("cryptosuite")
    ]


def _escape(step: str | int) -> str:
    return str(step).replace("~", "~0").replace("/", "~1")


def _leaves(value: Any, prefix: str = "") -> list[str]:
    """Pointers of every scalar (and empty container) below ``value``; @context aside."""
    if isinstance(value, dict) and value:
        out: list[str] = []
        for key, item in value.items():
            if not prefix and key == "@context":
                continue
            out.extend(_leaves(item, f"{prefix}/{_escape(key)}"))
        return out
    if isinstance(value, list) and value:
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, f"{prefix}/{i}")]
    return [prefix] if prefix else []


_MARK = "\x00skillswallet-leaf:"


def _marked(value: Any, prefix: str = "") -> Any:
    """A copy whose scalars are replaced by markers naming their pointer (blank node ids
    stay: the selection decides by them whether to reveal an id)."""
    if isinstance(value, dict):
        return {k: _marked(v, f"{prefix}/{_escape(k)}") for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v, f"{prefix}/{i}") for i, v in enumerate(value)]
    if isinstance(value, str) and value.startswith("_:"):
        return value
    return _MARK + prefix


def _revealed_leaves(unsecured: dict[str, Any], pointers: Sequence[str]) -> set[str]:
    """The stored credential's leaves that a selection by ``pointers`` reveals (the
    selection algorithm itself is run, on a copy whose leaves name their place)."""
    marked = _marked({k: v for k, v in unsecured.items() if k != "@context"})
    selection = select_json_ld(pointers, marked) or {}
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith(_MARK):
            found.add(value[len(_MARK) :])

    walk(selection)
    return found


def _coarse(value: Any, chosen: set[str], prefix: str = "") -> list[str]:
    """The fewest pointers covering exactly the ``chosen`` leaves below ``value``."""
    leaves = _leaves(value, prefix)
    if not any(leaf in chosen for leaf in leaves):
        return []
    if prefix and all(leaf in chosen for leaf in leaves):
        return [prefix]
    if isinstance(value, dict):
        items = [(_escape(k), v) for k, v in value.items() if prefix or k != "@context"]
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return [prefix]
    return [p for step, item in items for p in _coarse(item, chosen, f"{prefix}/{step}")]


def spread_pointers(
    pointers: Sequence[str], documents: dict[str, dict[str, Any]]
) -> dict[str, list[str]]:
    """Pointers given for a whole presentation, spread over its ecdsa-sd-2023 base
    credentials (record id -> document): each pointer goes to every one it names
    something in. :class:`NotDerivableError` when none of them is a base credential;
    :class:`PointerError` for a pointer that names nothing in any of them, or a base
    credential that none of the pointers names anything in (it would be shown whole)."""
    if isinstance(pointers, str):
        raise PointerError("give the JSON Pointers as a list")
    derivable = {rid: doc for rid, doc in documents.items() if sd_base_proof(doc) is not None}
    if not derivable:
        raise NotDerivableError(
            "pointers select what an ecdsa-sd-2023 base credential reveals, and none of "
            "these credentials is one (they can be shown only whole)"
        )
    out: dict[str, list[str]] = {rid: [] for rid in derivable}
    for pointer in pointers:
        named = [rid for rid, doc in derivable.items() if pointer_exists(doc, pointer)]
        if not named or pointer.startswith("/proof"):
            raise PointerError(
                f"the JSON Pointer {pointer!r} names nothing in "
                + ("the credential" if len(derivable) == 1 else "any of the credentials")
                + " to disclose from"
            )
        for rid in named:
            out[rid].append(pointer)
    for rid, chosen in out.items():
        if not chosen:
            raise PointerError(
                f"none of the pointers names anything in credential {rid}; give at least "
                "one for it (or present it apart)"
            )
    return out
