"""Batch issuance: one credential per row of a CSV file, from a template.

Two passes over the rows. :meth:`Batch.check` renders and validates every row (the VC
data model, and the JSON Schema the template names) before anything is signed, and
reports each bad row with its CSV line and column. :meth:`Batch.sign` then, window by
window: records the rows in the manifest as planned, allocates their status indices (one
registry transaction a window), signs them and writes one file each on every core (fork
workers, as imports do), syncs the files and records them in the manifest as issued.

A re-run of the same batch into the same folder skips the rows the manifest names as
issued; a row an interrupted run had signed but not yet recorded is found by its file and
recorded, not signed again; a planned row keeps its credential id, so the registry gives it
the index it gave it before. Signing keys live in memory only: the workers inherit the
signer through fork (a vault key via :meth:`skillswallet.wallet.Wallet.unlocked_signer`,
decrypted once), and never open the vault.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import stat
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .. import jsonio, safefile
from ..credentials.dates import format_datetime
from ..credentials.issue import issue_credential
from ..credentials.loader import ContextLoader
from ..credentials.model import as_list, issuer_id, validate_credential
from ..credentials.schema import default_registry
from ..credentials.suites import default_suite
from ..did.keys import Signer
from ..did.url import parse_did_url
from ..errors import BatchInputError, BatchWorkerError, SkillsWalletError
from ..importing import deferring_signals, fork_pool, kill_pool, worker_started
from ..status.issuer import StatusIssuer, status_entry
from ..status.registry import StatusListInfo, StatusRegistry
from .manifest import MANIFEST, Issued, Manifest
from .rows import Row
from .template import RowValueError, Template

#: Rows from which a batch signs on worker processes (fewer: in this process).
PARALLEL_MIN = 200
_CHUNK = 32  # rows a worker task
_CHECK_WINDOW = 1000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class RowSource(Protocol):
    """Rows to issue from: its column names, and the rows (iterated twice)."""

    @property
    def header(self) -> list[str]:
        """The column names."""
        ...

    def __iter__(self) -> Iterator[Row]: ...


@dataclass(frozen=True)
class ListRows:
    """Rows given in memory (a list of cell dicts), for callers without a CSV file."""

    header: list[str]
    records: Sequence[dict[str, str]]

    def __iter__(self) -> Iterator[Row]:
        for number, cells in enumerate(self.records, 1):
            yield Row(number, number + 1, {c: str(cells.get(c, "")) for c in self.header})


@dataclass(frozen=True)
class RowError:
    """A row that is not issued: its number, CSV line, the column at fault (None: the
    row as a whole, or the template) and why."""

    row: int
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """As JSON: row, line, column and message."""
        return {"row": self.row, "line": self.line, "column": self.column, "error": self.message}


@dataclass
class BatchReport:
    """What a run did. ``issued``: rows signed by this run; ``recovered``: rows an
    interrupted run had signed, recorded by this one; ``skipped``: rows issued by earlier
    runs; ``errors``: rows not issued (with ``strict``, ``aborted`` says nothing was)."""

    directory: Path
    rows: int = 0
    issued: list[Issued] = field(default_factory=list)
    recovered: list[Issued] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    aborted: bool = False

    @property
    def manifest(self) -> Path:
        """The path of the batch's manifest (``manifest.jsonl``)."""
        return self.directory / MANIFEST

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (what ``issue batch --json`` prints)."""
        return {
            "directory": str(self.directory),
            "manifest": str(self.manifest),
            "rows": self.rows,
            "issued": len(self.issued),
            "recovered": len(self.recovered),
            "skipped": self.skipped,
            "failed": len({e.row for e in self.errors}),
            "aborted": self.aborted,
            "errors": [e.to_json() for e in self.errors],
            "warnings": self.warnings,
        }


class BatchInterrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C (or a signal turned into KeyboardInterrupt); ``report``
    counts what is issued and recorded. Run the batch again to resume it."""

    def __init__(self, report: BatchReport) -> None:
        super().__init__("the batch was interrupted")
        self.report = report


@dataclass(frozen=True)
class _Context:
    """What a worker needs (inherited through fork, never pickled)."""

    template: Template
    signer: Signer
    issuer: str
    cryptosuite: str
    lists: tuple[StatusListInfo, ...]
    directory: Path
    builtins: dict[str, str]
    created: datetime
    loader: ContextLoader | None
    batch_id: str


@dataclass(frozen=True)
class _Checked:
    row: int
    line: int
    hash: str
    id: str | None
    errors: tuple[RowError, ...]
    template_errors: bool = False


@dataclass(frozen=True)
class _ToSign:
    row: int
    line: int
    cells: dict[str, str]
    hash: str
    id: str
    status: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Signed:
    issued: Issued | None
    error: RowError | None = None
    recovered: bool = False


_POOL_CONTEXT: _Context | None = None  # set in worker processes only


def file_name(row: int) -> str:
    """The file a row's credential is written to (the same on every run)."""
    return f"row-{row:06d}.json"


class Batch:
    """One batch: ``template`` (an unsigned credential with placeholders, see
    :mod:`skillswallet.issuer.template`) filled from each of ``rows`` and signed by
    ``signer`` into ``directory`` (made 0700 if new; an existing one must be yours and
    private). With ``status`` and ``status_lists`` each credential gets an entry in each
    list. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        template: dict[str, Any],
        rows: RowSource,
        directory: Path | str,
        signer: Signer,
        *,
        cryptosuite: str | None = None,
        status: StatusIssuer | None = None,
        status_lists: Sequence[str] = (),
        workers: int | None = None,
        clock: Callable[[], datetime] | None = None,
        loader: ContextLoader | None = None,
    ) -> None:
        self.rows = rows
        self.directory = Path(directory)
        self._workers = workers
        self._registry: StatusRegistry | None = status.registry if status else None
        if status_lists and status is None:
            raise BatchInputError("status lists need a status registry")
        compiled = Template(template, rows.header)
        known = {info.url: info for info in self._registry.lists()} if self._registry else {}
        lists = []
        for url in status_lists:
            if url not in known:
                raise BatchInputError(f"no status list {url} in the registry")
            lists.append(known[url])
        issuer = parse_did_url(signer.verification_method).did
        suite = cryptosuite or default_suite(signer.key_type, template)
        self._check_schemas_known(compiled.document)
        safefile.private_directory(self.directory, BatchInputError)
        digest = hashlib.sha256(
            json.dumps(template, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        self.manifest = Manifest.open(
            self.directory,
            {
                "issuer": issuer,
                "template": digest,
                "cryptosuite": suite,
                "statusLists": list(status_lists),
            },
        )
        _remove_stale_temporaries(self.directory)
        created = (clock or (lambda: datetime.now(UTC)))()
        self._context = _Context(
            template=compiled,
            signer=signer,
            issuer=issuer,
            cryptosuite=suite,
            lists=tuple(lists),
            directory=self.directory,
            builtins={"$issuer": issuer, "$now": format_datetime(created)},
            created=created,
            loader=loader,
            batch_id=self.manifest.batch_id,
        )
        self.report = BatchReport(self.directory)
        if compiled.extra_columns:
            self.report.warnings.append(
                "columns the template does not use (ignored): " + ", ".join(compiled.extra_columns)
            )
        self._valid: dict[int, tuple[str, str]] = {}  # row -> (hash, credential id)
        self._checked = False
        self._pool: ProcessPoolExecutor | None = None

    @staticmethod
    def _check_schemas_known(document: dict[str, Any]) -> None:
        registry = default_registry()
        for entry in as_list(document.get("credentialSchema")):
            schema_id = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(schema_id, str) and "{{" not in schema_id and schema_id not in registry:
                raise BatchInputError(
                    f"the template names the schema {schema_id}, which skillswallet does not "
                    "have, so its rows cannot be checked against it before signing"
                )

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes and close the manifest; a batch closed before it finished
        resumes in a new run."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.manifest.close()

    # -- check ----------------------------------------------------------------------------

    def check(self, progress: Callable[[int], None] | None = None) -> BatchReport:
        """Render and validate every row (nothing is signed). A template that does not
        match its schema whatever the row holds is a :class:`BatchInputError`."""
        report = self.report
        seen: dict[str, int] = {e.id: e.line for e in self.manifest.issued.values()}
        first = True
        try:
            for window in _windows(self._unissued(report), _CHECK_WINDOW):
                if first:
                    self._precheck(window)
                    first = False
                results = self._run(window, _check_rows, _pool_check)
                for checked in results:
                    self._take_checked(checked, seen)
                if progress is not None:
                    progress(len(window))
        except KeyboardInterrupt:
            self._stop_pool()
            raise BatchInterrupted(report) from None
        self._checked = True
        return report

    def _unissued(self, report: BatchReport) -> Iterator[Row]:
        issued = self.manifest.issued
        for row in self.rows:
            report.rows += 1
            done = issued.get(row.number)
            if done is None:
                yield row
            elif done.hash == row.hash:
                report.skipped += 1
            else:
                report.errors.append(
                    RowError(
                        row.number,
                        row.line,
                        None,
                        f"the row differs from row {row.number} as issued before (line "
                        f"{done.line}, {done.id}); it is not issued again (issue changed rows "
                        "into a new folder)",
                    )
                )

    def _precheck(self, window: list[Row]) -> None:
        sample = next((r for r in window if r.problem is None), None)
        if sample is None:
            return
        checked = _check_rows(self._context, [sample])[0]
        if checked.template_errors:
            problems = [e.message for e in checked.errors if e.column is None]
            raise BatchInputError(
                "the template does not make a valid credential whatever a row holds "
                f"(checked with line {sample.line}): " + "; ".join(problems[:5])
            )

    def _take_checked(self, checked: _Checked, seen: dict[str, int]) -> None:
        if checked.errors:
            self.report.errors.extend(checked.errors)
            return
        assert checked.id is not None
        other = seen.get(checked.id)
        if other is not None:
            self.report.errors.append(
                RowError(
                    checked.row,
                    checked.line,
                    self._context.template.column_of(("id",)),
                    f"the credential id {checked.id} is the id of line {other} too; each row "
                    "needs its own",
                )
            )
            return
        if self._registry is not None and self._context.template.has_id:
            planned = self.manifest.planned.get(checked.row)
            if planned != checked.id:
                mine = {info.url for info in self._context.lists}
                taken = [a for a in self._registry.allocations(checked.id) if a.list_url in mine]
                if taken:
                    self.report.errors.append(
                        RowError(
                            checked.row,
                            checked.line,
                            None,
                            f"the credential id {checked.id} already has an entry in the status "
                            f"list {taken[0].list_url} (issued before?); each credential needs "
                            "its own id",
                        )
                    )
                    return
        seen[checked.id] = checked.line
        self._valid[checked.row] = (checked.hash, checked.id)

    # -- sign -----------------------------------------------------------------------------

    @property
    def to_sign(self) -> int:
        """Rows that passed :meth:`check` and :meth:`sign` will issue."""
        return len(self._valid)

    def sign(self, progress: Callable[[int], None] | None = None) -> BatchReport:
        """Sign every row :meth:`check` passed; returns the report."""
        if not self._checked:
            self.check()
        report = self.report
        size = min(2000, max(64, len(self._valid) // 20))
        try:
            for window in _windows(self._items(), size):
                results = self._run(window, _sign_rows, _pool_sign, before=self._plan)
                self._commit(results)
                if progress is not None:
                    progress(len(window))
        except KeyboardInterrupt:
            self._stop_pool()
            raise BatchInterrupted(report) from None
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        return report

    def _items(self) -> Iterator[tuple[Row, str]]:
        for row in self.rows:
            found = self._valid.get(row.number)
            if found is None:
                continue
            row_hash, credential_id = found
            if row.hash != row_hash:
                self.report.errors.append(
                    RowError(row.number, row.line, None, "the row changed while the batch ran")
                )
                continue
            yield row, credential_id

    def _plan(self, window: list[tuple[Row, str]]) -> list[_ToSign]:
        """Record the window as planned, then give its rows their status indices."""
        planned = self.manifest.planned
        with deferring_signals():
            self.manifest.plan(
                (row.number, cid) for row, cid in window if planned.get(row.number) != cid
            )
        ids = [cid for _, cid in window]
        indices: list[list[tuple[str, int]]] = [[] for _ in window]
        if self._registry is not None:
            for info in self._context.lists:
                for slot, index in zip(
                    indices, _allocate(self._registry, info.url, ids), strict=True
                ):
                    slot.append((info.url, index))
        return [
            _ToSign(row.number, row.line, row.cells, row.hash, cid, tuple(status))
            for (row, cid), status in zip(window, indices, strict=True)
        ]

    def _commit(self, results: list[_Signed]) -> None:
        issued = [r.issued for r in results if r.issued is not None]
        with deferring_signals():
            _sync_files(self.directory, [e.file for e in issued])
            self.manifest.record(issued)
            for result in results:
                if result.error is not None:
                    self.report.errors.append(result.error)
                elif result.issued is not None:
                    (self.report.recovered if result.recovered else self.report.issued).append(
                        result.issued
                    )

    # -- workers --------------------------------------------------------------------------

    def _run(
        self,
        window: list[Any],
        local: Callable[[_Context, list[Any]], list[Any]],
        remote: Callable[[list[Any]], list[Any]],
        before: Callable[[list[Any]], list[Any]] | None = None,
    ) -> list[Any]:
        """Do ``local`` over the window: here, or on the workers once a window is large
        enough to pay for them (``before`` prepares the window first)."""
        items = before(window) if before is not None else window
        if self._pool is None and len(window) >= PARALLEL_MIN:
            with deferring_signals():  # no interruption between fork and `pool =`
                self._pool = fork_pool(self._workers, _start_worker, (os.getpid(), self._context))
        if self._pool is None:
            return local(self._context, items)
        chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
        try:
            futures: list[Future[list[Any]]] = [self._pool.submit(remote, c) for c in chunks]
            out: list[Any] = []
            for future in futures:
                out.extend(future.result())
        except BrokenProcessPool:
            self._stop_pool()
            issued = len(self.manifest.issued)
            raise BatchWorkerError(
                f"a signing worker process died (killed, or out of memory); {issued} "
                "credential(s) are issued and in the manifest; run the same batch again to "
                "resume it"
            ) from None
        return out

    def _stop_pool(self) -> None:
        if self._pool is not None:
            with deferring_signals(redeliver=False):
                kill_pool(self._pool)
            self._pool = None


def issue_batch(
    template: dict[str, Any],
    rows: RowSource,
    directory: Path | str,
    signer: Signer,
    *,
    strict: bool = False,
    **options: Any,
) -> BatchReport:
    """Check every row, then (unless ``strict`` and a row is bad: nothing is signed)
    sign the good ones; ``options`` as for :class:`Batch`."""
    with Batch(template, rows, directory, signer, **options) as batch:
        report = batch.check()
        if strict and report.errors:
            report.aborted = True
            return report
        return batch.sign()


T = TypeVar("T")


def _windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    window: list[T] = []
    for item in items:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


def _allocate(registry: StatusRegistry, url: str, ids: list[str]) -> list[int]:
    many = getattr(registry, "allocate_many", None)
    if callable(many):
        return [int(i) for i in many(url, ids)]
    return [registry.allocate(url, cid) for cid in ids]


# -- the work of one row (in a worker, or here) -----------------------------------------------


def _start_worker(parent: int, context: _Context) -> None:
    global _POOL_CONTEXT
    _POOL_CONTEXT = context
    worker_started(parent)


def _pool_check(rows: list[Row]) -> list[_Checked]:
    assert _POOL_CONTEXT is not None
    return _check_rows(_POOL_CONTEXT, rows)


def _pool_sign(items: list[_ToSign]) -> list[_Signed]:
    assert _POOL_CONTEXT is not None
    return _sign_rows(_POOL_CONTEXT, items)


def _credential_id(context: _Context, row: int, row_hash: str) -> str:
    namespace = uuid.UUID(hex=context.batch_id[:32])
    return f"urn:uuid:{uuid.uuid5(namespace, f'{row}:{row_hash}')}"


def _render(context: _Context, row: int, cells: dict[str, str], row_hash: str) -> dict[str, Any]:
    doc = context.template.render(cells, {**context.builtins, "$row": str(row)})
    if "id" not in doc:
        doc["id"] = _credential_id(context, row, row_hash)
    doc.setdefault("issuer", context.issuer)
    return doc


def _check_rows(context: _Context, rows: list[Row]) -> list[_Checked]:
    return [_check_row(context, row) for row in rows]


def _check_row(context: _Context, row: Row) -> _Checked:
    def error(column: str | None, message: str) -> RowError:
        return RowError(row.number, row.line, column, message)

    row_hash = row.hash
    if row.problem is not None:
        return _Checked(row.number, row.line, row_hash, None, (error(*row.problem),))
    try:
        doc = _render(context, row.number, row.cells, row_hash)
    except RowValueError as exc:
        return _Checked(row.number, row.line, row_hash, None, (error(exc.column, exc.message),))
    credential_id = doc.get("id")
    template = context.template
    errors: list[RowError] = []
    if context.lists:  # the entries' shape is known; their indices come when signing
        entries = as_list(doc.get("credentialStatus"))
        entries += [status_entry(info, 0) for info in context.lists]
        doc["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    for problem in validate_credential(doc):
        errors.append(error(template.column_in(problem), problem))
    if not errors and issuer_id(doc) != context.issuer:
        errors.append(
            error(
                template.column_of(("issuer",)),
                f"the issuer {issuer_id(doc)!r} is not the signing key's DID {context.issuer!r}",
            )
        )
    # a cell the data model already refused is not named again by the schema (the same
    # bad subject printed twice, once as "must be a URL", once as a schema's regex)
    named = {e.column for e in errors if e.column is not None}
    registry = default_registry()
    for entry in as_list(doc.get("credentialSchema")):
        schema_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(schema_id, str) or schema_id not in registry:
            continue
        for text in registry.errors(schema_id, doc):
            column = template.column_of(_error_path(text))
            if column is None or column not in named:
                errors.append(error(column, f"schema {schema_id}: {text}"))
    return _Checked(
        row.number,
        row.line,
        row_hash,
        credential_id if isinstance(credential_id, str) and not errors else None,
        tuple(errors),
        template_errors=any(e.column is None for e in errors),
    )


def _error_path(text: str) -> list[str | int]:
    """The JSON path of a schema error (``/a/0/b: message``), with the property a
    ``required`` error misses."""
    where, _, message = text.partition(": ")
    path: list[str | int] = [int(p) if p.isdigit() else p for p in where.split("/") if p]
    if message.endswith(" is a required property") and message.startswith("'"):
        path.append(message[1 : message.index("'", 1)])
    return path


def _sign_rows(context: _Context, items: list[_ToSign]) -> list[_Signed]:
    return [_sign_row(context, item) for item in items]


def _sign_row(context: _Context, item: _ToSign) -> _Signed:
    name = file_name(item.row)
    issued = Issued(item.row, item.line, item.hash, item.id, name, item.status)
    try:
        doc = _render(context, item.row, item.cells, item.hash)
        doc["id"] = item.id
        if item.status:
            by_url = {info.url: info for info in context.lists}
            entries = as_list(doc.get("credentialStatus"))
            entries += [status_entry(by_url[url], index) for url, index in item.status]
            doc["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        signed = issue_credential(
            doc,
            context.signer,
            cryptosuite=context.cryptosuite,
            created=context.created,
            loader=context.loader,
            check_schemas=False,  # checked with every other row before any was signed
        )
        data = (jsonio.dumps(signed) + "\n").encode("utf-8")
    except MemoryError:
        raise
    except (SkillsWalletError, RowValueError, RecursionError, ValueError, TypeError) as exc:
        reason = str(exc) if isinstance(exc, SkillsWalletError | ValueError) else type(exc).__name__
        return _Signed(None, RowError(item.row, item.line, None, f"not signed: {reason}"))
    written = _write_once(context.directory, name, data)
    if written is True:
        return _Signed(issued)
    if _is_this_credential(context.directory / name, item.id):
        return _Signed(issued, recovered=True)  # signed by a run that stopped before recording
    message = written or (
        f"{name} already exists in {context.directory} and is not this row's credential; "
        "move it away and run the batch again"
    )
    return _Signed(None, RowError(item.row, item.line, None, message))


def _write_once(directory: Path, name: str, data: bytes) -> bool | str:
    """Write ``name`` whole or not at all, never replacing anything (not even a
    symlink): a private temporary file, then a hard link to the name. True when written,
    "" when the name exists, else why it could not be written. The caller syncs."""
    tmp = directory / f".{name}.{os.urandom(6).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError as exc:
        return f"cannot write {tmp}: {exc.strerror}"
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.link(tmp, directory / name, follow_symlinks=False)
    except FileExistsError:
        return ""
    except OSError as exc:
        return f"cannot write {directory / name}: {exc.strerror}"
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return True


def _is_this_credential(path: Path, credential_id: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return False
        data = fh.read(jsonio.MAX_BYTES + 1)
    try:
        doc = jsonio.loads(data)
    except SkillsWalletError:
        return False
    return isinstance(doc, dict) and doc.get("id") == credential_id and "proof" in doc


def _remove_stale_temporaries(directory: Path) -> None:
    """Temporary files of a run that was killed while writing (never linked)."""
    for entry in os.scandir(directory):
        if entry.name.startswith(".row-") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _sync_files(directory: Path, names: list[str]) -> None:
    """Make the written files durable before the manifest names them: one ``syncfs``
    of their file system (Linux), else a sync of each file and of the folder."""
    if not names:
        return
    fd = os.open(directory, os.O_RDONLY | _CLOEXEC)
    try:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.syncfs(fd) == 0:
                return
        for name in names:
            with contextlib.suppress(OSError):
                file_fd = os.open(directory / name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
                try:
                    os.fsync(file_fd)
                finally:
                    os.close(file_fd)
        os.fsync(fd)
    finally:
        os.close(fd)
