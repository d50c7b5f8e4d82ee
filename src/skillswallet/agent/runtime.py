"""Where the agent's socket lives, and the wire format both ends share.

The socket is ``agent-<16 hex of SHA-256(vault's real path)>.sock`` in the user's runtime
directory: ``$XDG_RUNTIME_DIR/skillswallet`` when that is set, else
``/tmp/skillswallet-<uid>``. The directory must be a real directory (not a symlink) owned
by the user with no access for anyone else (0700); the agent refuses to start in any
other, and a command does not look for an agent in one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import stat
import struct
import time
from pathlib import Path
from typing import Any

from ..errors import AgentError

#: Bounds: a request or answer line, the idle time an agent may be given.
MAX_LINE = 4096
MAX_IDLE_SECONDS = 12 * 3600
_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> int:
    """Seconds in ``90s``, ``15m`` or ``2h`` (at least 1 s, at most 12 h)."""
    found = re.fullmatch(r"\s*(\d{1,6})\s*([smh])\s*", text)
    if found is None:
        raise ValueError(f"{text!r} is not a duration like 90s, 15m or 2h")
    seconds = int(found.group(1)) * _UNITS[found.group(2)]
    if not 1 <= seconds <= MAX_IDLE_SECONDS:
        raise ValueError("give a duration from 1s to 12h")
    return seconds


def runtime_dir(*, create: bool) -> Path | None:
    """The user's private runtime directory for agents; created (0700) when ``create``.
    None when it does not exist (and ``create`` is false). Raises :class:`AgentError`
    when it exists but is not private to the user."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(base) / "skillswallet" if base else Path(f"/tmp/skillswallet-{os.getuid()}")
    if create:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise AgentError(f"cannot make the agent's folder {folder}: {exc.strerror}") from None
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        raise AgentError(f"{folder} is not a folder (a symlink?): the agent will not use it")
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise AgentError(
            f"{folder} is not private to you (owner {info.st_uid}, mode "
            f"{stat.S_IMODE(info.st_mode):o}): the agent needs a folder only you can use; "
            f"remove it or 'chmod 700' it"
        )
    return folder


def socket_path(vault: Path, *, create: bool = False) -> Path | None:
    """The socket of ``vault``'s agent (None: no private runtime folder yet)."""
    folder = runtime_dir(create=create)
    if folder is None:
        return None
    digest = hashlib.sha256(str(vault.resolve()).encode("utf-8", "surrogateescape"))
    return folder / f"agent-{digest.hexdigest()[:16]}.sock"


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (SO_PEERCRED)."""
    if not hasattr(socket, "SO_PEERCRED"):
        raise AgentError("the unlock agent needs Linux (SO_PEERCRED)")
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def receive(conn: socket.socket, within: float = 2.0) -> dict[str, Any] | None:
    """One JSON object line (at most :data:`MAX_LINE` bytes) received ``within`` seconds
    in all (a peer sending a byte at a time does not hold the other end); None for
    anything else, nesting too deep to parse included. Raises TimeoutError (an OSError)
    when the time runs out."""
    data = b""
    deadline = time.monotonic() + within
    while b"\n" not in data and len(data) <= MAX_LINE:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long")
        conn.settimeout(left)
        chunk = conn.recv(MAX_LINE + 1 - len(data))
        if not chunk:
            break
        data += chunk
    line, newline, _ = data.partition(b"\n")
    if not newline or len(line) > MAX_LINE:
        return None
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: '[' nested past the parser
        return None
    return value if isinstance(value, dict) else None
