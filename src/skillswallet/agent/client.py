"""Asking a vault's agent: for the key, its status, or to lock. A command that finds no
agent, or one it cannot trust (a runtime folder not private to the user, an answer from
another user's process, a malformed answer), gets None and asks for the passphrase."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path
from typing import Any

from ..errors import AgentError
from .runtime import peer_uid, receive, send, socket_path

_TIMEOUT = 2.0


def _ask(vault: Path, op: str) -> dict[str, Any] | None:
    try:
        path = socket_path(vault)
    except AgentError:
        return None  # a folder that is not private: never trusted
    if path is None or not hasattr(socket, "SO_PEERCRED"):
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(_TIMEOUT)
        try:
            conn.connect(str(path))
            if peer_uid(conn) != os.getuid():
                return None  # not our agent
            send(conn, {"op": op})
            return receive(conn)
        except OSError:  # no agent (no socket, or a stale one), or it went away
            return None


def fetch_key(vault: Path) -> tuple[bytes, bytes] | None:
    """(vault id, data key) from ``vault``'s agent, or None when there is none."""
    answer = _ask(vault, "key")
    if answer is None:
        return None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        vault_id, key = bytes.fromhex(answer["vaultId"]), bytes.fromhex(answer["key"])
        if len(key) == 32:
            return vault_id, key
    return None


def status(vault: Path) -> dict[str, Any] | None:
    """``{"vaultId": ..., "idleSeconds": ...}`` from ``vault``'s agent, or None."""
    return _ask(vault, "status")


def lock(vault: Path) -> bool:
    """End ``vault``'s agent; whether there was one."""
    answer = _ask(vault, "lock")
    return bool(answer and answer.get("locked"))
