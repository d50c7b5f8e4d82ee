"""The unlock agent: 'skillswallet unlock' lets the commands that follow open the vault
without the passphrase, only for processes of the same user, until it is idle or locked;
its folder must be private; a wrong key opens nothing."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillswallet.agent import fetch_key, lock, parse_duration, socket_path
from skillswallet.agent.server import serve
from skillswallet.errors import AgentError, WrongVaultKeyError
from skillswallet.wallet import Wallet

from .vaultkit import PASSPHRASE, fast_kdf

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "SO_PEERCRED"), reason="the unlock agent needs Linux"
)
CLI = Path(sys.executable).parent / "skillswallet"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A vault with one DID; a private runtime folder; no passphrase in the environment."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("SKILLSWALLET_PASSPHRASE", raising=False)
    path = tmp_path / "vault.sqlite"
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(path))
    with Wallet.create(path, PASSPHRASE, kdf=fast_kdf()) as wallet:
        wallet.create_did()
    yield path
    lock(path)  # never leave an agent behind


def _run(*args: str, passphrase: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if passphrase:
        env["SKILLSWALLET_PASSPHRASE"] = PASSPHRASE
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, timeout=60, env=env, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_unlock_shares_one_unlock_until_lock(vault: Path) -> None:
    assert _run("did", "list").returncode == 2  # locked: no passphrase, no terminal
    unlocked = _run("unlock", "--for", "60s", passphrase=True)
    assert unlocked.returncode == 0, unlocked.stderr
    assert f"Unlocked {vault} until it is unused for 60s" in unlocked.stdout
    sock = socket_path(vault)
    assert sock is not None and stat.S_ISSOCK(sock.lstat().st_mode)
    assert stat.S_IMODE(sock.lstat().st_mode) == 0o600
    assert stat.S_IMODE(sock.parent.lstat().st_mode) == 0o700
    listed = _run("did", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("did:key:"), listed.stderr
    # changing the passphrase still asks for the current one
    assert _run("passphrase", "change").returncode == 2
    assert os.listdir(sock.parent) == [sock.name]  # the key is in no file
    assert _run("lock").stdout == f"Locked {vault}.\n"
    assert not sock.exists()
    assert _run("did", "list").returncode == 2
    assert _run("lock").stdout == f"{vault} was not unlocked.\n"


def test_the_agent_ends_when_idle(vault: Path) -> None:
    assert _run("unlock", "--for", "1s", passphrase=True).returncode == 0
    sock = socket_path(vault)
    assert sock is not None
    deadline = time.monotonic() + 10
    while sock.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not sock.exists() and fetch_key(vault) is None
    assert _run("did", "list").returncode == 2


def test_the_agent_answers_no_other_user(vault: Path) -> None:
    # an agent of another user (uid + 1): our request gets no answer
    agent, path = _agent_thread(vault, idle=2, uid=os.getuid() + 1)
    try:
        assert fetch_key(vault) is None
    finally:
        agent.join(5)
    assert not path.exists()  # it cleaned up after itself


def test_a_runtime_folder_others_can_use_is_not_used(vault: Path) -> None:
    folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "skillswallet"
    folder.mkdir(mode=0o700)
    folder.chmod(0o755)
    done = _run("unlock", passphrase=True)
    assert done.returncode == 3 and "is not private to you" in done.stderr
    with pytest.raises(AgentError):
        socket_path(vault)
    assert fetch_key(vault) is None  # and a command asks for the passphrase instead


def test_a_wrong_key_opens_nothing(vault: Path) -> None:
    with Wallet.open(vault, PASSPHRASE) as wallet:
        vault_id, key = wallet.vault_key()
    with Wallet.open_with_key(vault, key) as wallet:
        assert wallet.vault_key()[0] == vault_id and len(wallet.dids()) == 1
    for wrong in (bytes(32), key[:-1] + bytes([key[-1] ^ 1]), key[:16]):
        with pytest.raises(WrongVaultKeyError):
            Wallet.open_with_key(vault, wrong)


def test_durations() -> None:
    assert [parse_duration(t) for t in ("90s", "15m", "2h", " 1s ")] == [90, 900, 7200, 1]
    for bad in ("15", "0s", "13h", "1d", "-5m", "15 minutes"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert _run("unlock", "--for", "1d", passphrase=True).returncode == 2


def test_the_agent_holds_neither_the_passphrase_nor_the_key_where_others_read(
    vault: Path,
) -> None:
    # A fresh interpreter, not a fork of the command: its environment has no
    # SKILLSWALLET_PASSPHRASE, its command line no key; the key came on a pipe.
    unlocked = _run("unlock", "--for", "60s", passphrase=True)
    assert unlocked.returncode == 0, unlocked.stderr
    key = fetch_key(vault)
    assert key is not None
    agents = [
        pid
        for pid in os.listdir("/proc")
        if pid.isdigit()
        and b"skillswallet.agent" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and str(vault.parent).encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(agents) == 1
    cmdline = Path(f"/proc/{agents[0]}/cmdline").read_bytes()
    assert key[1].hex().encode() not in cmdline
    try:
        environ = Path(f"/proc/{agents[0]}/environ").read_bytes()
    except PermissionError:  # non-dumpable: only root reads it
        return
    assert b"SKILLSWALLET_PASSPHRASE" not in environ and PASSPHRASE.encode() not in environ


def _agent_thread(
    vault: Path, idle: float = 30, uid: int | None = None
) -> tuple[threading.Thread, Path]:
    """An agent serving ``vault``'s key in a thread of this process, to processes of
    ``uid`` (ours by default)."""
    with Wallet.open(vault, PASSPHRASE) as wallet:
        vault_id, key = wallet.vault_key()
    path = socket_path(vault, create=True)
    assert path is not None
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(4)
    agent = threading.Thread(
        target=serve, args=(listener, path, vault_id, bytearray(key), idle, uid or os.getuid())
    )
    agent.start()
    return agent, path


def _raw(path: Path, data: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(path))
        conn.sendall(data)
        try:
            return conn.recv(4096)
        except OSError:
            return b""


def test_garbage_requests_do_not_end_the_agent(vault: Path) -> None:
    agent, path = _agent_thread(vault)
    try:
        for garbage in (
            b"[" * 4000 + b"\n",  # nested past the parser's recursion limit
            b'{"op": ' + b"[" * 3000 + b"\n",
            b"\xff\xfe\n",
            b"x" * 10_000,  # no line end within the bound
            b'"key"\n',
            b'{"op": ["key"]}\n',
        ):
            _raw(path, garbage)
            assert agent.is_alive(), garbage[:20]
        assert fetch_key(vault) is not None
    finally:
        lock(vault)
        agent.join(5)


def test_a_client_that_dribbles_its_request_does_not_hold_the_agent(vault: Path) -> None:
    agent, path = _agent_thread(vault)
    stop = threading.Event()

    def dribble() -> None:  # one byte every 0.3 s: each read would wait less than its timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(str(path))
            with contextlib.suppress(OSError):
                while not stop.wait(0.3):
                    conn.sendall(b" ")

    slow = threading.Thread(target=dribble)
    slow.start()
    try:
        time.sleep(0.2)
        assert fetch_key(vault) is not None  # answered within the client's 2 s
    finally:
        stop.set()
        slow.join(5)
        lock(vault)
        agent.join(5)


def test_an_agent_whose_socket_was_taken_away_ends(vault: Path) -> None:
    # Its socket removed (a second 'unlock' racing this one, a cleaner of the runtime
    # folder): nobody can reach it, not even 'lock'; it must not keep the key for hours.
    agent, path = _agent_thread(vault, idle=600)
    path.unlink()
    agent.join(5)
    assert not agent.is_alive()


def test_something_else_at_the_socket_path_is_an_agent_error(vault: Path) -> None:
    from skillswallet.agent import start

    path = socket_path(vault, create=True)
    assert path is not None
    path.mkdir()
    (path / "x").write_text("not a socket")
    with pytest.raises(AgentError, match="agent"):
        start(vault, b"\x00" * 16, b"\x01" * 32, 60)


def test_a_locked_agents_socket_is_gone_when_lock_returns(vault: Path) -> None:
    # 'unlock' locks the running agent, then binds its own socket at the same path: an
    # old agent that removed its socket after answering could remove the new one (an
    # inode number is reused at once), leaving the new agent unreachable
    for _ in range(20):
        agent, path = _agent_thread(vault)
        assert lock(vault)
        assert not path.exists()
        agent.join(5)
