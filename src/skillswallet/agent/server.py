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
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import AgentError
from .client import lock
from .runtime import peer_uid, receive, send, socket_path

_PR_SET_DUMPABLE = 4
#: How often an idle agent checks that its socket is still its own; how long a client
#: has to send its whole request (a real one sends a few bytes at once).
_WATCH_SECONDS = 1.0
_REQUEST_SECONDS = 1.0


def start(vault: Path, vault_id: bytes, key: bytes, idle_seconds: int) -> int:
    """Start an agent for ``vault`` holding ``key`` (an agent already running for it is
    locked first); its process id once it listens.

    The agent is a fresh interpreter (``python -m skillswallet.agent``), not a fork of
    this command: a fork would carry this process's memory, the passphrase among it, for
    as long as the agent lives. It gets the listening socket by descriptor, the key on its
    standard input (never an argument or the environment), and an environment without
    ``SKILLSWALLET_PASSPHRASE``."""
    if not hasattr(socket, "SO_PEERCRED"):
        raise AgentError("the unlock agent needs Linux (SO_PEERCRED)")
    path = socket_path(vault, create=True)
    assert path is not None  # (created)
    lock(vault)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)  # the socket is 0600 from the start
    try:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a socket left by an agent that was killed
        listener.bind(str(path))
    except OSError as exc:  # something else at the path, or another unlock won the race
        listener.close()
        raise AgentError(f"the unlock agent cannot listen at {path}: {exc.strerror}") from None
    finally:
        os.umask(umask)
    listener.listen(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLSWALLET_PASSPHRASE")}
    argv = [sys.executable, "-m", "skillswallet.agent", str(listener.fileno()), str(path)]
    argv += [vault_id.hex(), str(idle_seconds)]
    try:
        agent = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=(listener.fileno(),),
            start_new_session=True,  # not ended with the terminal or the shell's job
            env=env,
        )
        assert agent.stdin is not None and agent.stdout is not None
        with agent.stdin:
            agent.stdin.write(key.hex().encode("ascii") + b"\n")
        with agent.stdout:
            ready = agent.stdout.read(1)
    except OSError as exc:
        raise AgentError(f"the unlock agent did not start: {exc.strerror}") from None
    finally:
        listener.close()
    if ready != b"1":
        raise AgentError("the unlock agent did not start")
    return agent.pid


def run(argv: list[str]) -> int:
    """The agent's own process (``python -m skillswallet.agent FD SOCKET VAULT_ID IDLE``):
    harden, read the key from standard input, say it is ready, serve."""
    _harden()
    fd, path, vault_id, idle = int(argv[0]), Path(argv[1]), bytes.fromhex(argv[2]), int(argv[3])
    line = sys.stdin.buffer.readline(256)
    key = bytearray(bytes.fromhex(line.decode("ascii").strip()))
    listener = socket.socket(fileno=fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    sys.stdout.buffer.write(b"1")
    sys.stdout.buffer.flush()
    for std in (0, 1, 2):
        os.dup2(devnull, std)
    serve(listener, path, vault_id, key, idle, os.getuid())
    return 0


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
    ours = _identity(path)
    deadline = clock() + idle_seconds
    try:
        while (remaining := deadline - clock()) > 0:
            listener.settimeout(min(remaining, _WATCH_SECONDS))
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if _still_ours(path, ours):
                    continue
                break  # its socket was removed or replaced: nobody can reach (or lock) it
            with conn:
                if peer_uid(conn) != uid:
                    continue  # another user: not a word
                try:
                    request = receive(conn, within=_REQUEST_SECONDS)
                    conn.settimeout(_REQUEST_SECONDS)  # (for the answer)
                    op = request.get("op") if request else None
                    if op == "key":
                        send(conn, {"vaultId": vault_id.hex(), "key": bytes(key).hex()})
                        deadline = clock() + idle_seconds
                    elif op == "status":
                        send(conn, {"vaultId": vault_id.hex(), "idleSeconds": int(remaining)})
                    elif op == "lock":
                        _remove(path, ours)  # gone before the answer: the next agent
                        send(conn, {"locked": True})  # may bind the path at once
                        break
                    else:
                        send(conn, {"error": "unknown request"})
                except OSError:
                    continue  # a client that went away or stalled
    finally:
        for i in range(len(key)):
            key[i] = 0
        _remove(path, ours)
        listener.close()


def _identity(path: Path) -> tuple[int, int, int]:
    """What tells this socket file from a newer one at the same path (an inode number
    alone is reused as soon as it is freed)."""
    info = path.lstat()
    return info.st_dev, info.st_ino, info.st_ctime_ns


def _still_ours(path: Path, ours: tuple[int, int, int]) -> bool:
    try:
        return _identity(path) == ours
    except OSError:
        return False


def _remove(path: Path, ours: tuple[int, int, int]) -> None:
    with contextlib.suppress(OSError):
        if _still_ours(path, ours):  # not a newer agent's socket
            path.unlink()
