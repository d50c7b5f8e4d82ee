"""SD-JWT disclosures (SD-JWT §4.2, §7.1): making them, hashing them, and processing an
issuer-signed payload with the disclosures given: every one must match a digest the
issuer signed exactly once, none may be repeated or left over."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .compact import JoseError, b64url_encode, json_part

#: ``_sd_alg`` values understood (IANA hash names); sha-256 is the default and the one we write.
HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
DEFAULT_HASH = "sha-256"
#: Recursive disclosures and nested objects: deeper than any real claims set.
MAX_NESTING = 64
_RESERVED = ("_sd", "...")


def digest(encoded: str, alg: str = DEFAULT_HASH) -> str:
    """The base64url digest of a disclosure (over its base64url text, SD-JWT §4.2.3)."""
    return b64url_encode(HASHES[alg](encoded.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    digest: str
    #: The claim name; None for an array element.
    name: str | None
    value: Any


def make_disclosure(name: str | None, value: Any, salt: str | None = None) -> Disclosure:
    """A new disclosure with 128 bits of fresh salt (for an array element when ``name``
    is None)."""
    salt = salt if salt is not None else b64url_encode(os.urandom(16))
    array = [salt, value] if name is None else [salt, name, value]
    encoded = b64url_encode(json.dumps(array, ensure_ascii=False).encode("utf-8"))
    return Disclosure(encoded, digest(encoded), name, value)


def parse_disclosure(encoded: str, alg: str = DEFAULT_HASH) -> Disclosure:
    array = json_part(encoded, "a disclosure")
    if not isinstance(array, list) or len(array) not in (2, 3):
        raise JoseError("a disclosure is not a JSON array of 2 or 3 elements")
    if not isinstance(array[0], str):
        raise JoseError("a disclosure's salt is not a string")
    if len(array) == 3:
        if not isinstance(array[1], str):
            raise JoseError("a disclosure's claim name is not a string")
        if array[1] in _RESERVED:
            raise JoseError(f"a disclosure names the reserved claim {array[1]!r}")
        return Disclosure(encoded, digest(encoded, alg), array[1], array[2])
    return Disclosure(encoded, digest(encoded, alg), None, array[1])


@dataclass
class Processed:
    """The processed payload and, for each disclosure used (by digest), the claim path
    it discloses (names from the top; an array element has its array's path) and the
    disclosure it was found in (None: the issuer-signed payload)."""

    payload: dict[str, Any]
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    #: Digests that matched no disclosure given (decoys, or withheld claims).
    undisclosed: int = 0


def hash_alg(payload: dict[str, Any]) -> str:
    alg = payload.get("_sd_alg", DEFAULT_HASH)
    if alg not in HASHES:
        raise JoseError(f"the hash algorithm {alg!r} (_sd_alg) is not supported")
    return str(alg)


def process(payload: dict[str, Any], encoded: Sequence[str]) -> Processed:
    """SD-JWT §7.1 step 3-5: replace digests with the disclosed claims. Raises
    :class:`JoseError` for a repeated disclosure or digest, a disclosure no digest
    refers to, a malformed one, or one that would overwrite a claim."""
    alg = hash_alg(payload)
    by_digest: dict[str, Disclosure] = {}
    for text in encoded:
        found = parse_disclosure(text, alg)
        if found.digest in by_digest:
            raise JoseError("a disclosure is given more than once")
        by_digest[found.digest] = found
    walker = _Walker(by_digest)
    out = walker.value(payload, (), None, 0)
    assert isinstance(out, dict)
    out.pop("_sd_alg", None)
    unused = len(by_digest) - len(walker.result.paths)
    if unused:
        raise JoseError(
            f"{unused} disclosure{'s are' if unused > 1 else ' is'} not referred to by any "
            "digest the issuer signed"
        )
    walker.result.payload = out
    return walker.result


class _Walker:
    def __init__(self, by_digest: dict[str, Disclosure]) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.result = Processed({})

    def _once(self, value: str) -> Disclosure | None:
        if value in self.seen:
            raise JoseError("a digest appears more than once in the SD-JWT")
        self.seen.add(value)
        found = self.by_digest.get(value)
        if found is None:
            self.result.undisclosed += 1
        return found

    def value(self, node: Any, path: tuple[str, ...], parent: str | None, depth: int) -> Any:
        if depth > MAX_NESTING:
            raise JoseError("the SD-JWT is nested too deeply")
        if isinstance(node, dict):
            return self.object(node, path, parent, depth)
        if isinstance(node, list):
            return self.array(node, path, parent, depth)
        return node

    def object(
        self, node: dict[str, Any], path: tuple[str, ...], parent: str | None, depth: int
    ) -> dict[str, Any]:
        if "..." in node:
            raise JoseError("'...' appears outside an array element digest")
        out = {
            key: self.value(value, (*path, key), parent, depth + 1)
            for key, value in node.items()
            if key != "_sd"
        }
        digests = node.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise JoseError("an _sd claim is not an array of digest strings")
        for value in digests:
            found = self._once(value)
            if found is None:
                continue
            if found.name is None:
                raise JoseError("an array element disclosure is referred to from an _sd claim")
            if found.name in out:
                raise JoseError(f"a disclosure would overwrite the claim {found.name!r}")
            here = (*path, found.name)
            self.result.paths[found.digest] = here
            self.result.parents[found.digest] = parent
            out[found.name] = self.value(found.value, here, found.digest, depth + 1)
        return out

    def array(
        self, node: list[Any], path: tuple[str, ...], parent: str | None, depth: int
    ) -> list[Any]:
        out = []
        for element in node:
            if isinstance(element, dict) and "..." in element:
                if len(element) != 1 or not isinstance(element["..."], str):
                    raise JoseError("an array element digest is not {'...': digest}")
                found = self._once(element["..."])
                if found is None:
                    continue  # withheld or a decoy: the element is removed
                if found.name is not None:
                    raise JoseError("an object property disclosure is referred to from an array")
                self.result.paths[found.digest] = path
                self.result.parents[found.digest] = parent
                out.append(self.value(found.value, path, found.digest, depth + 1))
            else:
                out.append(self.value(element, path, parent, depth + 1))
        return out


# --- issuing ---------------------------------------------------------------------------------


@dataclass
class _Spec:
    itself: bool = False
    elements: bool = False
    children: dict[str, _Spec] = field(default_factory=dict)


def _specs(paths: Sequence[str]) -> dict[str, _Spec]:
    root: dict[str, _Spec] = {}
    for path in paths:
        names = path.split(".")
        if not path or any(not n or n in ("[]", *_RESERVED) for n in names):
            raise JoseError(f"{path!r} is not a claim path (name, a.b, or name[] for elements)")
        level = root
        for index, name in enumerate(names):
            elements = name.endswith("[]")
            spec = level.setdefault(name.removesuffix("[]"), _Spec())
            if index == len(names) - 1:
                spec.elements |= elements
                spec.itself |= not elements
            elif elements:
                raise JoseError(f"{path!r}: only the last part of a path can be name[]")
            level = spec.children
    return root


def conceal(
    claims: dict[str, Any], paths: Sequence[str], *, decoys: int = 0
) -> tuple[dict[str, Any], list[Disclosure]]:
    """The payload with the claims at ``paths`` made selectively disclosable, and their
    disclosures. A path is a claim name, ``a.b`` for a claim inside the object ``a``
    (``a`` too if listed), or ``name[]`` for each element of the array ``name``.
    ``decoys`` decoy digests are added to the top-level ``_sd``."""
    out: list[Disclosure] = []
    payload = _conceal(claims, _specs(paths), out, "")
    if decoys:
        top = list(payload.get("_sd", []))
        top += [digest(b64url_encode(os.urandom(16))) for _ in range(decoys)]
        payload["_sd"] = sorted(top)
    return payload, out


def _conceal(
    node: dict[str, Any], specs: dict[str, _Spec], out: list[Disclosure], where: str
) -> dict[str, Any]:
    missing = sorted(set(specs) - set(node))
    if missing:
        raise JoseError(f"no claim {where}{missing[0]} to make selectively disclosable")
    result: dict[str, Any] = {}
    digests: list[str] = []
    for key, value in node.items():
        spec = specs.get(key)
        if spec is not None:
            if spec.children:
                if not isinstance(value, dict):
                    raise JoseError(f"{where}{key} is not an object")
                value = _conceal(value, spec.children, out, f"{where}{key}.")
            if spec.elements:
                if not isinstance(value, list):
                    raise JoseError(f"{where}{key} is not an array")
                hidden = [make_disclosure(None, element) for element in value]
                out.extend(hidden)
                value = [{"...": d.digest} for d in hidden]
            if spec.itself:
                made = make_disclosure(key, value)
                out.append(made)
                digests.append(made.digest)
                continue
        result[key] = value
    if digests:
        result["_sd"] = sorted(digests)  # sorted: the digests' order says nothing
    return result
