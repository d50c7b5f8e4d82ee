"""Writing output files safely: never through a symbolic link, never into someone
else's or a shared writable directory, readable by the owner only unless asked.

``write_new`` creates a file that must not exist (``O_CREAT | O_EXCL | O_NOFOLLOW``);
``replace`` writes a temporary file the same way beside the target, syncs it and renames
it over the target, so a planted symlink is replaced, never followed, and a reader sees
the old or the new file, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import warnings
from pathlib import Path

from .errors import InsecureFileWarning, SkillsWalletError, UnsafeFileError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def write_new(
    path: Path, data: bytes, *, mode: int = 0o600, error: type[SkillsWalletError] = UnsafeFileError
) -> None:
    """Create ``path`` with ``data``; refuse if anything (even a dangling symlink) is there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    except FileExistsError:
        raise error(f"{path} already exists; refusing to overwrite it") from None
    except OSError as exc:
        raise error(f"cannot create {path}: {exc.strerror}") from None
    _fill(fd, path, data, error)


def replace(
    path: Path, data: bytes, *, mode: int = 0o600, error: type[SkillsWalletError] = UnsafeFileError
) -> None:
    """Write ``data`` to ``path`` atomically, replacing whatever is there (a symlink is
    replaced, never followed; a directory is refused)."""
    if path.is_dir() and not path.is_symlink():
        raise error(f"{path} is a directory")
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror}") from None
    try:
        _fill(fd, path, data, error)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        _fsync_dir(path.parent)


def _fill(fd: int, path: Path, data: bytes, error: type[SkillsWalletError]) -> None:
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror}") from None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_directory(directory: Path, error: type[SkillsWalletError] = UnsafeFileError) -> None:
    """Make ``directory`` (0700, parents too) or check the existing one: a real directory
    (not a symlink), owned by this user, that no one else may write to."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        try:
            directory.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise error(f"cannot create {directory}: {exc.strerror}") from None
        return
    except OSError as exc:
        raise error(f"cannot use {directory}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise error(f"{directory} is a symbolic link; give a real directory")
    if not stat.S_ISDIR(info.st_mode):
        raise error(f"{directory} exists and is not a directory")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise error(f"{directory} belongs to another user; give a directory of your own")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise error(
            f"{directory} may be written by other users; use a private directory "
            f"(chmod go-w {directory}) or a new one"
        )


def read_secret_file(path: Path) -> str:
    """A passphrase from a file: UTF-8, a leading byte-order mark and trailing line
    endings removed. A file others may read is used, with an :class:`InsecureFileWarning`."""
    try:
        with open(path, "rb") as fh:
            mode = stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
            raw = fh.read(64 * 1024 + 1)
    except OSError as exc:
        raise UnsafeFileError(f"cannot read passphrase file {path}: {exc.strerror}") from None
    if len(raw) > 64 * 1024:
        raise UnsafeFileError(f"passphrase file {path} is too large to be a passphrase")
    warn_if_readable(path, mode, "passphrase file ")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafeFileError(f"passphrase file {path} is not UTF-8 text") from None
    return text.removeprefix("\ufeff").rstrip("\r\n")


def warn_if_readable(path: Path, mode: int, what: str = "") -> None:
    """An :class:`InsecureFileWarning` when others may read the file (``mode``)."""
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.warn(
            InsecureFileWarning(
                f"{what}{path} may be read by other users (mode {mode:04o}); "
                f"make it private with: chmod 600 {path}"
            ),
            stacklevel=3,
        )
