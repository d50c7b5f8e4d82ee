"""The service's settings: plain values (no secrets), so that they can be handed to
worker processes through the environment. The vault passphrase and the API token are
read where they are needed, from a file or the environment, and never put in here."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .. import safefile
from ..errors import SkillsWalletError

#: Environment variable carrying a :class:`ServerConfig` to uvicorn's worker processes.
CONFIG_ENV = "SKILLSWALLET_SERVER_CONFIG"
TOKEN_ENV = "SKILLSWALLET_API_TOKEN"
PASSPHRASE_ENV = "SKILLSWALLET_PASSPHRASE"

#: A request body larger than this is refused (413) before it is read in full.
MAX_BODY = 1024 * 1024
#: JSON nested deeper than this is refused (400): real credentials stay under 20.
MAX_DEPTH = 32
#: A request whose work takes longer is answered 503 (the work itself is not cut short).
REQUEST_TIMEOUT = 30.0
#: Seconds a status list fetched over HTTPS is kept before it is fetched again.
STATUS_CACHE_TTL = 300.0
#: Shortest API token accepted: a guessable token is no protection.
MIN_TOKEN_LENGTH = 16


class ServerConfigError(SkillsWalletError):
    """The service cannot start with these settings (no passphrase, a weak token...)."""


@dataclass(frozen=True)
class ServerConfig:
    """Where the issuer's key and state are, and the limits the service applies.

    Issuing, status changes and status lists are enabled when an API token is configured
    (``$SKILLSWALLET_API_TOKEN`` or ``token_file``): the vault is opened then, with the
    passphrase from ``$SKILLSWALLET_PASSPHRASE`` or ``passphrase_file``. Without a token
    the service verifies only (and derives, which needs no secret).
    """

    vault: Path | None = None
    #: The issuer's DID in the vault (None: the vault's only DID).
    issuer: str | None = None
    passphrase_file: Path | None = None
    token_file: Path | None = None
    #: With it, every issued credential gets a revocation entry in a list published
    #: under this URL (``{base}/1``, ``{base}/2``... served at the path of each).
    status_base_url: str | None = None
    #: Also a suspension entry (lists beside the revocation ones).
    suspension: bool = False
    #: ``postgresql://...`` or a SQLite file (default: status-lists.sqlite beside the vault).
    registry: str | None = None
    #: A signed status list stays valid this long (verifiers refuse an older copy).
    status_list_ttl: int = 3600
    max_body: int = MAX_BODY
    max_depth: int = MAX_DEPTH
    request_timeout: float = REQUEST_TIMEOUT
    #: What the verifier may read besides this issuer's own lists (the options of
    #: ``skillswallet verify``): a folder of status list credentials, a folder of did:web
    #: documents, and hosts to fetch both from over HTTPS. With none, another issuer's
    #: status entry is inconclusive and did:web issuers other than this one unresolved.
    status_dir: Path | None = None
    did_web_dir: Path | None = None
    allow_network: tuple[str, ...] = ()
    #: A status list fetched over HTTPS is kept this many seconds (a revocation made by
    #: its issuer counts here after at most this long).
    status_cache_ttl: float = STATUS_CACHE_TTL
    #: Trusted-issuer lists: every credential verified gets a trust check against them.
    trust: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        # Lists given to the constructor are kept as tuples (the dataclass is frozen).
        object.__setattr__(self, "allow_network", tuple(self.allow_network))
        object.__setattr__(self, "trust", tuple(Path(p) for p in self.trust))

    def to_env(self) -> str:
        def plain(value: Any) -> Any:
            if isinstance(value, Path):
                return str(value)
            if isinstance(value, tuple):
                return [plain(v) for v in value]
            return value

        return json.dumps({k: plain(v) for k, v in asdict(self).items()})

    @classmethod
    def from_env(cls, text: str | None = None) -> ServerConfig:
        raw = text if text is not None else os.environ.get(CONFIG_ENV)
        if not raw:
            return cls()
        values: dict[str, Any] = json.loads(raw)
        paths = {"vault", "passphrase_file", "token_file", "status_dir", "did_web_dir"}
        known = {f.name for f in fields(cls)}
        chosen: dict[str, Any] = {
            k: (Path(v) if k in paths and v is not None else v)
            for k, v in values.items()
            if k in known
        }
        for name in ("allow_network", "trust"):
            if name in chosen:
                chosen[name] = tuple(chosen[name])
        return cls(**chosen)

    def token(self) -> bytes | None:
        """The API token (file first, then the environment), or None: issuing disabled."""
        if self.token_file is not None:
            value: str | None = safefile.read_secret_file(self.token_file)
        else:
            value = os.environ.get(TOKEN_ENV) or None
        if value is None:
            return None
        value = value.strip()
        if len(value) < MIN_TOKEN_LENGTH:
            raise ServerConfigError(
                f"the API token is too short: use at least {MIN_TOKEN_LENGTH} random "
                "characters (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        return value.encode("utf-8")

    def passphrase(self) -> str:
        if self.passphrase_file is not None:
            return safefile.read_secret_file(self.passphrase_file)
        value = os.environ.get(PASSPHRASE_ENV)
        if value is None:
            raise ServerConfigError(
                f"no vault passphrase: set ${PASSPHRASE_ENV} or give --passphrase-file"
            )
        return value
