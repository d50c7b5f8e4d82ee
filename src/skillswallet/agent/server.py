"""The agent process: started by ``skillswallet unlock`` (:func:`start`), it serves the
vault's data key to processes of its own user until it is idle for the time given or is
told to lock. Requests are one JSON line each: ``{"op": "key"}``, ``{"op": "status"}``,
``{"op": "lock"}``."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import socket
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import AgentError
from .client import lock
from .runtime import peer_uid, receive, send, socket_path

_PR_SET_DUMPABLE = 4


def start(vault: Path, vault_id: bytes, key: bytes, idle_seconds: int) -> int:
    """Start an agent for ``vault`` holding ``key`` (an agent already running for it is
    locked first); its process id once it listens."""
    if not hasattr(socket, "SO_PEERCRED") or not hasattr(os, "fork"):
        raise AgentError("the unlock agent needs Linux (SO_PEERCRED)")
    path = socket_path(vault, create=True)
    assert path is not None  # (created)
    lock(vault)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a socket left by an agent that was killed
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)  # the socket is 0600 from the start
    try:
        listener.bind(str(path))
    finally:
        os.umask(umask)
    listener.listen(16)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the agent
        code = 1
        try:
            os.close(ready_r)
            os.setsid()  # not ended with the terminal or the shell's job
            _harden()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            # no file or pipe of the command that started it stays open in the agent
            keep = sorted({listener.fileno(), ready_w})
            os.closerange(3, keep[0])
            os.closerange(keep[0] + 1, keep[1])
            os.closerange(keep[1] + 1, 1 << 16)
            os.write(ready_w, b"1")
            os.close(ready_w)
            serve(listener, path, vault_id, bytearray(key), idle_seconds, os.getuid())
            code = 0
        finally:
            os._exit(code)
    os.close(ready_w)
    listener.close()
    try:
        ready = os.read(ready_r, 1)
    finally:
        os.close(ready_r)
    if ready != b"1":
        raise AgentError("the unlock agent did not start")
    return pid


def _harden() -> None:
    """No core file with the key in it, and no ptrace by other processes of the user."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def serve(
    listener: socket.socket,
    path: Path,
    vault_id: bytes,
    key: bytearray,
    idle_seconds: float,
    uid: int,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Answer requests until ``idle_seconds`` pass without a key handed out, or a lock
    request. Only processes of ``uid`` are answered. The key is zeroed at the end and the
    socket removed (if it is still this agent's)."""
    ours = path.stat().st_ino
    deadline = clock() + idle_seconds
    try:
        while (remaining := deadline - clock()) > 0:
            listener.settimeout(remaining)
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                break
            with conn:
                if peer_uid(conn) != uid:
                    continue  # another user: not a word
                conn.settimeout(2)
                try:
                    request = receive(conn)
                    op = request.get("op") if request else None
                    if op == "key":
                        send(conn, {"vaultId": vault_id.hex(), "key": bytes(key).hex()})
                        deadline = clock() + idle_seconds
                    elif op == "status":
                        send(conn, {"vaultId": vault_id.hex(), "idleSeconds": int(remaining)})
                    elif op == "lock":
                        send(conn, {"locked": True})
                        break
                    else:
                        send(conn, {"error": "unknown request"})
                except OSError:
                    continue  # a client that went away or stalled
    finally:
        for i in range(len(key)):
            key[i] = 0
        with contextlib.suppress(OSError):
            if path.stat().st_ino == ours:  # not a newer agent's socket
                path.unlink()
        listener.close()
