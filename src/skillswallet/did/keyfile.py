"""Key files for command-line use before the vault exists: JSON, created 0600.

Format (as the interop fixtures use it): ``type``, ``did``, ``verificationMethod``,
``publicKeyMultibase``, ``secretKeyMultibase``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import safefile
from ..errors import InvalidJSONError, InvalidKeyError, KeyFileError
from ..jsonio import loads_object
from .key import did_from_public_key, verification_method_id
from .keys import KeyPair, KeySigner


def key_file_document(key_pair: KeyPair) -> dict[str, Any]:
    return {
        "type": key_pair.type.value,
        "did": did_from_public_key(key_pair.public),
        "verificationMethod": verification_method_id(key_pair.public),
        "publicKeyMultibase": key_pair.public.multibase,
        "secretKeyMultibase": key_pair.secret_multibase(),
    }


def write_key_file(path: Path, key_pair: KeyPair, *, overwrite: bool = False) -> None:
    """Write a key file readable by its owner only. Never overwrites unless asked, and
    never writes through a symbolic link: ``overwrite`` replaces the file atomically."""
    data = (json.dumps(key_file_document(key_pair), indent=2) + "\n").encode("utf-8")
    if overwrite:
        safefile.replace(path, data, error=KeyFileError)
    else:
        safefile.write_new(path, data, error=KeyFileError)


def read_key_file(path: Path) -> KeySigner:
    """Read a key file and return a signer for its did:key verification method."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from None
    try:
        doc = loads_object(data, what="key file")
        secret = doc.get("secretKeyMultibase")
        if not isinstance(secret, str):
            raise KeyFileError(f"{path} has no secretKeyMultibase")
        key_pair = KeyPair.from_secret_multibase(secret)
    except (InvalidJSONError, InvalidKeyError) as exc:
        raise KeyFileError(f"{path} is not a valid key file: {exc}") from None
    public = doc.get("publicKeyMultibase")
    if public is not None and public != key_pair.public.multibase:
        raise KeyFileError(f"{path}: publicKeyMultibase does not match the secret key")
    return key_pair.signer(verification_method_id(key_pair.public))
