"""The HTTP layer: Starlette routes over :class:`~.service.Service`. It checks the
token, reads a bounded body, hands the work to the service's own thread, and answers
JSON, or an RFC 9457 problem for anything that goes wrong (never a stack trace)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import jsonio
from ..credentials.model import is_presentation
from ..errors import (
    InvalidJSONError,
    RegistryUnavailableError,
    StatusRegistryError,
    VaultBusyError,
)
from ..net.fetch import Transport
from ..openbadges2 import (
    assertion_of,
    credential_view,
    is_openbadge2,
    recipient_text,
    verify_openbadge2,
)
from ..render.report_html import report_html
from ..verify import NO_CHALLENGE
from .config import ServerConfig
from .openapi import openapi_document
from .page import (
    PAGE_POLICY,
    form_page,
    read_document,
    read_form,
    read_upload,
    what_is_checked,
)
from .problems import PROBLEM_JSON, Problem, invalid
from .reports import credential_report, presentation_report
from .service import Service

log = logging.getLogger("skillswallet.server")
T = TypeVar("T")

_JSON_TYPES = ("application/json", "application/ld+json")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _json(value: Any, status: int = 200, media_type: str = "application/json") -> Response:
    return Response(
        jsonio.dumps(value, indent=None).encode("utf-8"),
        status_code=status,
        media_type=media_type,
        headers={"Cache-Control": "no-store"},
    )


def _problem(problem: Problem) -> Response:
    response = _json(problem.body(), problem.status, PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response


class _Engine:
    """One thread per process for the library's work: the vault's and the registry's
    SQLite connections are only ever used from it, and the event loop stays free."""

    def __init__(self, timeout: float) -> None:
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="skillswallet-engine")
        self.timeout = timeout

    async def run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.executor, work), self.timeout)
        except TimeoutError:
            raise Problem(
                503,
                "Timed out",
                f"the request took longer than {self.timeout:g} s; try again later",
                kind="timeout",
                headers={"Retry-After": "5"},
            ) from None


def create_app(
    config: ServerConfig | None = None, *, transport: Transport | None = None
) -> Starlette:
    """The ASGI application for ``config`` (default: from the environment, as uvicorn's
    worker processes get it). Issuing and status changes are enabled when a token is
    configured. ``transport`` replaces the HTTPS connections of ``--allow-network``
    (tests)."""
    config = config or ServerConfig.from_env()
    token = config.token()
    engine = _Engine(config.request_timeout)
    state: dict[str, Service] = {}

    def service() -> Service:
        return state["service"]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["service"] = await engine.run(
            lambda: Service(config, issuing=token is not None, transport=transport)
        )
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(
                engine.executor, state["service"].close
            )
            engine.executor.shutdown(wait=False)

    def authorize(request: Request) -> None:
        if token is None:
            raise Problem(
                403,
                "Issuing disabled",
                "this service was started without an API token: it verifies only",
                kind="forbidden",
            )
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise Problem(
                401,
                "Unauthorized",
                "send the API token as 'Authorization: Bearer TOKEN'",
                kind="unauthorized",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(given.strip().encode("utf-8", "replace"), token):
            raise Problem(
                401,
                "Unauthorized",
                "the API token is not the one configured",
                kind="unauthorized",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

    async def read_body(request: Request, *, form: bool = False) -> bytes:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if form and media not in _FORM_TYPES:
            raise Problem(
                415,
                "Unsupported media type",
                f"send the form as {' or '.join(_FORM_TYPES)}",
                kind="unsupported-media-type",
            )
        if not form and media not in _JSON_TYPES and not media.endswith("+json"):
            raise Problem(
                415,
                "Unsupported media type",
                "send the body as JSON (Content-Type: application/json)",
                kind="unsupported-media-type",
            )
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > config.max_body):
            raise _too_large(config.max_body)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body:
                raise _too_large(config.max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    def parse(raw: bytes) -> dict[str, Any]:
        try:
            value = jsonio.loads(raw, max_bytes=config.max_body, max_depth=config.max_depth)
        except InvalidJSONError as exc:
            raise Problem(400, "Malformed JSON", str(exc), kind="malformed-json") from None
        if not isinstance(value, dict):
            raise invalid("", "the body must be a JSON object")
        return value

    def need_issuer() -> Any:
        issuer = service().issuer
        if issuer is None:
            raise Problem(403, "Issuing disabled", "no issuer is configured", kind="forbidden")
        return issuer

    async def issue(request: Request) -> Response:
        authorize(request)
        raw = await read_body(request)

        def work() -> dict[str, Any]:
            body = parse(raw)
            signed = need_issuer().issue(body.get("credential"), body.get("options"))
            return {"verifiableCredential": signed}

        return _json(await engine.run(work), 201)

    async def verify_credential(request: Request) -> Response:
        raw = await read_body(request)

        def work() -> dict[str, Any]:
            document, options = _document_and_options(parse(raw), "verifiableCredential")
            purpose = options.get("expectedProofPurpose")
            challenge, domain = _challenge_and_domain(options)
            result = service().verify(
                document, challenge=challenge, domain=domain, expected_proof_purpose=purpose
            )
            report = credential_report(result, document)
            if options.get("returnCredential"):
                report["credential"] = document
            return report

        return _verdict(await engine.run(work))

    async def verify_presentation(request: Request) -> Response:
        raw = await read_body(request)

        def work() -> dict[str, Any]:
            body = parse(raw)
            if "verifiablePresentation" not in body and "presentation" in body:
                body["verifiablePresentation"] = body.pop("presentation")
            document, options = _document_and_options(body, "verifiablePresentation")
            challenge, domain = _challenge_and_domain(options)
            # VC API: options.challenge is optional; none given means none was requested
            # (the challenge check is skipped, never passed), not a forgotten one.
            wanted = NO_CHALLENGE if challenge is None else challenge
            result = service().verify(document, challenge=wanted, domain=domain)
            report = presentation_report(result, document)
            if options.get("returnPresentation"):
                report["verifiablePresentation"] = document
            return report

        return _verdict(await engine.run(work))

    async def derive(request: Request) -> Response:
        raw = await read_body(request)

        def work() -> dict[str, Any]:
            body = parse(raw)
            derived = service().derive(body.get("verifiableCredential"), body.get("options"))
            return {"verifiableCredential": derived}

        return _json(await engine.run(work), 201)

    async def update_status(request: Request) -> Response:
        authorize(request)
        raw = await read_body(request)

        def work() -> dict[str, Any]:
            body = parse(raw)
            issuer = need_issuer()
            if issuer.status is None or issuer.base is None:
                raise Problem(
                    404,
                    "No status lists",
                    "this service was started without --status-base-url",
                    kind="not-found",
                )
            return {"updated": issuer.update_status(body)}

        return _json(await engine.run(work), 200)

    async def health(request: Request) -> Response:
        return _json({"status": "ok", "issuing": token is not None})

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    async def status_list(request: Request) -> Response:
        path = request.url.path

        def work() -> dict[str, Any] | None:
            issuer = service().issuer
            return issuer.list_at_path(path) if issuer is not None else None

        document = await engine.run(work)
        if document is None:
            raise Problem(404, "Not found", f"nothing is served at {path[:200]}", kind="not-found")
        return _json(document)

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return _problem(exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        titles = {404: "Not found", 405: "Method not allowed"}
        return _problem(
            Problem(
                exc.status_code,
                titles.get(exc.status_code, "HTTP error"),
                f"{request.method} {request.url.path[:200]}: {titles.get(exc.status_code, '')}",
                kind="not-found" if exc.status_code == 404 else "http",
                headers=dict(exc.headers or {}),
            )
        )

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        log.warning("registry unavailable: %s", exc)
        return _problem(
            Problem(
                503,
                "Service unavailable",
                "the issuer's registry cannot be reached now; nothing was changed. Try again.",
                kind="unavailable",
                headers={"Retry-After": "2"},
            )
        )

    async def on_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return _problem(
            Problem(500, "Internal error", "the request failed; it is logged", kind="internal")
        )

    def _page(text: str, status: int = 200) -> Response:
        return Response(
            text.encode("utf-8"),
            status_code=status,
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-store", "Content-Security-Policy": PAGE_POLICY},
        )

    def form(error: str | None = None, fields: dict[str, str] | None = None) -> str:
        trust = [t.name for t in service().trust]
        about = what_is_checked(trust, config.allow_network, config.status_dir is not None)
        return form_page(error, fields, about=about)

    async def home(request: Request) -> Response:
        return _page(form())

    async def check_page(request: Request) -> Response:
        raw = await read_body(request, form=True)
        fields: dict[str, str] = {}
        upload: bytes | None = None
        try:
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                fields, upload = await _multipart(request, raw)
            else:
                fields = read_form(raw)
        except InvalidJSONError as exc:
            return _page(form(str(exc)), 400)

        def work() -> tuple[str, int]:
            try:
                if upload:
                    document = read_upload(upload)
                else:
                    document = read_document(fields.get("document", ""))
            except InvalidJSONError as exc:
                return form(str(exc), fields), 400
            if is_openbadge2(document):  # offline, or from its hosts with --allow-network
                assertion = assertion_of(document)
                view = credential_view(assertion, recipient_text(assertion))
                checked = verify_openbadge2(document, fetcher=service().badge_fetcher)
                page = report_html(checked, view, checked_at=datetime.now(UTC))
                return page, 200 if checked.verified else 422
            if (
                isinstance(document, dict)
                and is_presentation(document)
                and not fields.get("challenge")
            ):
                message = "a presentation is checked with the challenge you gave the candidate"
                return form(message, fields), 400
            result = service().verify(
                document,
                challenge=fields.get("challenge") or None,
                domain=fields.get("domain") or None,
            )
            page = report_html(result, document, checked_at=datetime.now(UTC))
            return page, 200 if result.verified else 422

        text, status = await engine.run(work)
        return _page(text, status)

    async def _multipart(request: Request, raw: bytes) -> tuple[dict[str, str], bytes | None]:
        """The fields and the one file of a multipart form whose body (``raw``) was read
        within the size limit already."""

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": raw, "more_body": False}

        try:
            form = await Request(request.scope, receive).form(max_files=1, max_fields=8)
        except Exception:  # (malformed multipart: starlette/python-multipart raise several)
            raise InvalidJSONError("the form could not be read") from None
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        files = [v for v in form.values() if not isinstance(v, str)]
        data = await files[0].read() if files else b""
        await form.close()
        return fields, data or None

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/check", check_page, methods=["POST"]),
        Route("/credentials/issue", issue, methods=["POST"]),
        Route("/credentials/verify", verify_credential, methods=["POST"]),
        Route("/presentations/verify", verify_presentation, methods=["POST"]),
        Route("/credentials/derive", derive, methods=["POST"]),
        Route("/credentials/status", update_status, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/{path:path}", status_list, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            Problem: on_problem,
            HTTPException: on_http,
            RegistryUnavailableError: on_unavailable,
            VaultBusyError: on_unavailable,
            StatusRegistryError: on_unavailable,
            Exception: on_error,
        },
    )


def _challenge_and_domain(options: dict[str, Any]) -> tuple[str | None, str | None]:
    """A request's ``options.challenge`` and ``options.domain`` (strings, or absent)."""
    challenge, domain = options.get("challenge"), options.get("domain")
    for name, value in (("challenge", challenge), ("domain", domain)):
        if value is not None and not isinstance(value, str):
            raise invalid(f"/options/{name}", "must be a string")
    return challenge, domain


def _document_and_options(body: dict[str, Any], member: str) -> tuple[Any, dict[str, Any]]:
    document, options = body.get(member), body.get("options")
    if not isinstance(document, dict):
        raise invalid(f"/{member}", "missing, or not a JSON object")
    if options is not None and not isinstance(options, dict):
        raise invalid("/options", "must be a JSON object")
    return document, options or {}


def _verdict(report: dict[str, Any]) -> Response:
    """200 with the report when verified, 400 with the same report when not."""
    return _json(report, 200 if report["verified"] else 400)


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        "Request too large",
        f"the body is larger than {limit:,} bytes, the most this service reads",
        kind="too-large",
    )
