"""Shared helpers of the command line: exit codes, output, error exit, bounded input reading.

Every command prints through :func:`say` (text for people, each line with its control
characters made visible) or :func:`say_json` (JSON whose strings keep them escaped):
nothing from a document reaches the terminal raw.
"""

from __future__ import annotations

import itertools
import re
import sys
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .. import jsonio
from ..errors import BakedImageError, InvalidDocumentError, InvalidJSONError
from ..render.text import visible

if TYPE_CHECKING:
    from ..credentials.loader import ContextLoader
    from ..did.resolver import DIDResolver
    from ..net.fetch import HttpsFetcher
    from ..openbadges2 import (
        IssuerKey,
    )
    from ..result import VerificationResult
    from ..status.sources import StatusSource

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


class RunOptions:
    """The options given before the command (``skillswallet --debug verify ...``)."""

    debug: bool = False


RUN = RunOptions()

StatusDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--status-dir",
        help="A folder of status list credentials (JSON files, found by their id): checks "
        "the revocation/suspension status offline.",
        show_default=False,
    ),
]
DidWebDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--did-web-dir",
        help="A folder of did:web documents laid out like the web sites "
        "(DIR/example.edu/did.json, DIR/example.edu/dept/x/did.json).",
        show_default=False,
    ),
]
AllowNetworkOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-network",
        metavar="HOST",
        help="Allow fetching status lists, did:web documents and Open Badges 2.0 hosted "
        "assertions and issuer keys over HTTPS from this host (repeat it for several). "
        "Nothing is fetched otherwise.",
        show_default=False,
    ),
]


ContextOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--context",
        metavar="URL=FILE",
        help="Accept the JSON-LD context URL, read from FILE (e.g. a Europass context you "
        "downloaded and checked): pinned by the file's SHA-256, which the report's contexts "
        "check records. Repeat it for several. Nothing is fetched.",
        show_default=False,
    ),
]


def context_loader(values: list[str] | None) -> ContextLoader | None:
    """The loader of the bundled contexts plus those of ``--context URL=FILE`` (None
    without any: the default loader)."""
    if not values:
        return None
    import hashlib

    from ..credentials.loader import ContextLoader
    from ..errors import ContextError

    extra: dict[str, tuple[bytes, str]] = {}
    for value in values:
        url, sep, path = value.partition("=")
        if not sep or "://" not in url or not path:
            fail(
                f"--context takes URL=FILE (the context's URL, then its file), not {value!r}",
                EXIT_USAGE,
            )
        raw = read_input(path)
        extra[url] = (raw, hashlib.sha256(raw).hexdigest())
    try:
        return ContextLoader(extra)
    except ContextError as exc:
        fail(f"--context: {exc}", EXIT_USAGE)


def verifier_inputs(
    status_dir: Path | None, did_web_dir: Path | None, hosts: list[str] | None
) -> tuple[StatusSource | None, DIDResolver | None]:
    """The status source and DID resolver the verifier options ask for (None: the
    defaults, offline: a status entry inconclusive, did:key only)."""
    from ..net.inputs import verifier_inputs as inputs

    return inputs(status_dir, did_web_dir, hosts)


def badge_fetcher(hosts: list[str] | None) -> HttpsFetcher | None:
    """What ``--allow-network`` lets an Open Badges 2.0 check fetch (see
    :func:`skillswallet.net.inputs.badge_fetcher`)."""
    from ..net.inputs import badge_fetcher as fetcher_for

    return fetcher_for(hosts)


def say(*lines: str, err: bool = False) -> None:
    """Print lines for a person (on stderr with ``err``). Each argument is one line: a
    newline, escape sequence or bidi control inside it is shown as an escape, so text
    from a document can neither forge a line nor change how the others look."""
    typer.echo("\n".join(visible(line) for line in lines), err=err)


def say_traceback() -> None:
    """With ``--debug``: the traceback of the exception being handled, on stderr (its
    lines shown like any other text)."""
    if RUN.debug:
        import traceback

        say(*traceback.format_exc().rstrip("\n").splitlines(), err=True)


def say_json(value: Any) -> None:
    """Print JSON (controls, format characters and separators stay escaped)."""
    _write_json(jsonio.dumps(value) + "\n")


def say_json_items(items: Iterable[Any]) -> None:
    """Print a JSON array one compact item a line, as the items come: a listing of
    100,000 is never one string in memory (and stays easy to grep)."""
    lines: list[str] = []
    written = False
    for item in items:
        lines.append(jsonio.dumps(item, indent=None))
        if len(lines) == 1000:  # one write a thousand items
            _write_json(("," if written else "[") + "\n" + ",\n".join(lines))
            written, lines = True, []
    if lines:
        _write_json(("," if written else "[") + "\n" + ",\n".join(lines))
        written = True
    _write_json("\n]\n" if written else "[]\n")


def _write_json(text: str) -> None:
    """Text that :func:`jsonio.dumps` escaped, written as it is."""
    typer.echo(text, nl=False)


@contextmanager
def warnings_shown(*categories: type[Warning]) -> Iterator[None]:
    """Library warnings of these kinds (a file others may read, fields a holder could
    hide) as ``warning: ...`` lines on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        for category in categories:
            warnings.simplefilter("always", category)
        try:
            yield
        finally:
            for item in caught:
                say(f"warning: {item.message}", err=True)


def say_either(json_output: bool, value: Any, *lines: str) -> None:
    """Print ``value`` as JSON with ``--json``, else ``lines`` for a person."""
    if json_output:
        say_json(value)
    else:
        say(*lines)


def not_utf8(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (Python decodes command-line
    arguments and environment variables to lone surrogates then)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def utf8_text(value: str | None) -> str | None:
    """Option callback: refuse text that is not UTF-8 (it could not be stored)."""
    if value is not None and not_utf8(value):
        raise typer.BadParameter("is not valid UTF-8 text")
    return value


def _qr_file(value: Path | None) -> Path | None:
    """--qr's check before any work: the file name says the image type."""
    if value is not None:
        from ..errors import QRCodeError
        from ..render.qr import image_kind

        try:
            image_kind(value)
        except QRCodeError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


def qr_option(what: str) -> Any:
    """The --qr option: also write ``what`` as a QR code image (.svg or .png)."""
    return typer.Option(
        "--qr",
        help=f"Also write {what} as a QR code image to this file (.svg or .png).",
        callback=_qr_file,
        show_default=False,
    )


def write_qr(path: Path, value: Any, what: str, *, private: bool = False) -> str:
    """Write ``value`` (JSON, compact; or a compact JWT string) as a QR code image to
    ``path`` (0600 when ``private``); the line that says so. A ``value`` too large for a
    QR code raises :class:`~skillswallet.errors.QRTooLargeError` naming ``what``."""
    from .. import safefile
    from ..errors import QRTooLargeError
    from ..render.qr import image_kind, qr_image

    text = value if isinstance(value, str) else jsonio.dumps(value, indent=None)
    try:
        image = qr_image(text, image_kind(path))
    except QRTooLargeError as exc:
        raise QRTooLargeError(exc.size, exc.limit, what) from None
    safefile.replace(path, image.data, mode=0o600 if private else 0o644)
    side = image.modules
    return (
        f"Wrote {what} as a QR code to {path} "
        f"({side} x {side} modules, version {image.version}, error correction {image.error})"
    )


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    say(f"error: {message}", err=True)
    raise typer.Exit(code)


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


def read_input(path: str) -> bytes:
    """Read a file (or stdin for ``-``), never more than the JSON size bound plus one byte,
    so an oversized input is refused without filling memory."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(jsonio.MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(jsonio.MAX_BYTES + 1)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    if len(data) > jsonio.MAX_BYTES:
        fail(
            f"{_name(path)} is larger than {jsonio.MAX_BYTES // 2**20} MiB, the most skillswallet "
            "reads from one input; split a JSON array of credentials into several files "
            "('import' takes many)"
        )
    return data


def parse_input(path: str, data: bytes, *, what: str | None = None) -> Any:
    """Parse the JSON read from ``path`` (an object if ``what`` names one); an error names
    the input."""
    try:
        return jsonio.loads_object(data, what=what) if what else jsonio.loads(data)
    except InvalidJSONError as exc:
        raise InvalidJSONError(f"{_name(path)}: {exc}") from None


def load_input(path: str, *, what: str | None = None) -> Any:
    """Read and parse one JSON input (see :func:`read_input`, :func:`parse_input`)."""
    return parse_input(path, read_input(path), what=what)


#: Items one input file may hold (10,000 credentials make about 20 MB; 8 MiB of tiny
#: items would otherwise be millions of refusals).
MAX_ITEMS = 100_000

#: Parsed import files stay in memory while their input adds up to no more than this;
#: beyond it, files are parsed again one at a time as the import reaches them.
KEEP_PARSED_BYTES = 32 * 1024 * 1024

_NOT_KEPT = object()


def parse_import(path: str, data: bytes) -> Any:
    """What one input holds, told from its content: JSON (a credential, a list, a
    presentation, an Open Badges 2.0 assertion), a signed Open Badges 2.0 assertion (a
    compact JWS, returned as a string), a compact JWT (vc+jwt) or SD-JWT VC (a string), or
    a PNG or SVG image with a badge baked into it (Open Badges 3.0 or 2.0). Anything else
    is refused naming the formats read."""
    from ..openbadges2 import is_openbadge2
    from ..skills.baking import badge_in, is_image

    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    text = head.split(b".", 1)[0]
    if text[:1] not in (b"{", b"[") and _JWS_START.match(text) and is_openbadge2(_text(data)):
        return _text(data).strip()
    compact = _compact(path, data)
    if compact is not None:
        return compact
    if is_image(data):
        try:
            return badge_in(data)
        except BakedImageError as exc:
            raise BakedImageError(f"{_name(path)}: {exc}") from None
    try:
        return parse_input(path, data)
    except InvalidJSONError as exc:
        if head[:1] in (b"{", b"["):
            raise
        raise InvalidJSONError(f"{exc}; {_FORMATS}") from None


_FORMATS = (
    "skillswallet reads JSON (credentials, presentations, Open Badges 2.0 assertions), "
    "compact JWTs (vc+jwt), SD-JWT VCs ('~' separated disclosures), signed Open Badges 2.0 "
    "assertions (compact JWS) and PNG or SVG badges"
)


_JWS_START = re.compile(rb"^[A-Za-z0-9_-]+$")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _compact(path: str, data: bytes) -> str | None:
    from ..jose import JoseError, sniff

    try:
        return sniff(data)
    except JoseError as exc:
        raise JoseError(f"{_name(path)}: {exc}") from None


def pinned_jwk(paths: list[Path] | None) -> dict[str, Any] | None:
    """For a JWT or SD-JWT: the issuer's public key (a JWK file) given with
    ``--issuer-key``, to check it with instead of the key its ``kid`` names."""
    if not paths:
        return None
    if len(paths) > 1:
        fail("a JWT or SD-JWT is checked with one --issuer-key (a JWK file)", EXIT_USAGE)
    found = load_input(str(paths[0]), what="JWK")
    if not isinstance(found, dict):
        fail(f"{paths[0]}: a JWK is a JSON object", EXIT_USAGE)
    return found


class ImportFiles:
    """The input of ``import FILE...`` (JSON, or badges baked into PNG/SVG images). Every
    file is read and parsed up front, so a bad
    one stops the import before anything is stored, and its credentials are counted for
    the progress bar. Memory stays bounded: beyond :data:`KEEP_PARSED_BYTES` of input the
    parsed documents are dropped, and read again one at a time while importing."""

    def __init__(self, paths: list[str]) -> None:
        from ..importing import iter_credentials

        self._paths = paths
        self._kept: dict[int, Any] = {}
        self.total = 0
        size = 0
        for index, path in enumerate(paths):
            raw = read_input(path)
            document = parse_import(path, raw)
            count = sum(1 for _ in itertools.islice(iter_credentials(document), MAX_ITEMS + 1))
            if count > MAX_ITEMS:
                fail(
                    f"{_name(path)} holds more than {MAX_ITEMS:,} items, more than one import "
                    "takes from one file; split it into several files"
                )
            self.total += count
            size += len(raw)
            if path == "-" or size <= KEEP_PARSED_BYTES:  # stdin cannot be read twice
                self._kept[index] = document

    def documents(self) -> Iterator[Any]:
        for index, path in enumerate(self._paths):
            document = self._kept.pop(index, _NOT_KEPT)  # released as the import goes
            yield parse_import(path, read_input(path)) if document is _NOT_KEPT else document


IssuerKeyOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--issuer-key",
        help="The issuer's public key, pinned: for a signed Open Badges 2.0 assertion its "
        "CryptographicKey JSON (id, owner, publicKeyPem) or a PEM public key (repeatable); "
        "for a JWT or SD-JWT a JWK file, used instead of the key its kid names.",
        show_default=False,
    ),
]


def issuer_keys(paths: list[Path] | None) -> list[IssuerKey]:
    """The pinned issuer keys of ``--issuer-key`` (a bad file stops the command)."""
    from ..openbadges2 import load_issuer_key

    keys = []
    for path in paths or ():
        try:
            keys.append(load_issuer_key(read_input(str(path))))
        except InvalidDocumentError as exc:
            fail(f"{path}: {exc}", EXIT_USAGE)
    return keys


def verify_any(
    document: Any, keys: list[IssuerKey], fetcher: HttpsFetcher | None = None, **options: Any
) -> tuple[VerificationResult, Any]:
    """Verify what :func:`parse_import` read, whatever its format: (the result, the
    document the report describes: an Open Badges 2.0 assertion's VC-shaped view). The
    ``fetcher`` (``--allow-network``) serves Open Badges 2.0 checks."""
    from ..openbadges2 import (
        assertion_of,
        badge_class_of,
        credential_view,
        is_openbadge2,
        recipient_text,
        verify_openbadge2,
    )
    from ..verify import verify as verify_document

    if is_openbadge2(document):
        assertion = assertion_of(document)
        result = verify_openbadge2(document, keys=keys, fetcher=fetcher)
        view = credential_view(badge_class_of(assertion, result), recipient_text(assertion))
        return result, view
    return verify_document(document, **options), document


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal (the prompt on stderr); no means no."""
    return bool(typer.confirm(visible(question), default=False, err=True))


def is_interactive() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()
