"""The unlock agent: one passphrase and one Argon2id derivation for several commands.

``skillswallet unlock --for 15m`` opens the vault with the passphrase, then leaves a
small process holding the vault's data key in memory (never on disk), reachable only
through a Unix socket in a 0700 runtime directory of the user. Each command that opens
the same vault asks it for the key first (no KDF: milliseconds instead of about 0.7 s),
and asks for the passphrase only when there is no agent. The agent answers only
processes of its own user (SO_PEERCRED), ends after the idle time given (every key
handed out restarts it) or at ``skillswallet lock``, and makes itself non-dumpable (no
core file; other processes of the user cannot ptrace it). The reasoning, and what it does
not protect against, is in docs/vault-format.md ("The unlock agent").

Linux only (SO_PEERCRED): elsewhere :func:`start` raises :class:`AgentError` and
:func:`fetch_key` finds no agent.
"""

from __future__ import annotations

from .client import fetch_key, lock, status
from .runtime import parse_duration, socket_path
from .server import start

__all__ = ["fetch_key", "lock", "parse_duration", "socket_path", "start", "status"]
