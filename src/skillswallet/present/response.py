"""The verifier's side: does a presentation answer a request? ``check_response`` runs
the single verifier (:func:`skillswallet.verify`) with the request's challenge and domain,
then checks each of the request's queries against the credentials that verified."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ..credentials.loader import ContextLoader
from ..credentials.model import as_list, holder_id, is_presentation
from ..credentials.suites import DEFAULT_SUITES
from ..did.resolver import DIDResolver
from ..result import Check, CheckId, Status, VerificationResult
from ..status.sources import StatusSource
from ..trust.lists import TrustList
from ..verify import DEFAULT_SKEW, verify
from .matching import DID_AUTHENTICATION, answer
from .request import PresentationRequest, parse_request


def check_response(
    presentation: Any,
    request: PresentationRequest | dict[str, Any],
    *,
    trust: TrustList | None = None,
    suites: Iterable[str] = DEFAULT_SUITES,
    resolver: DIDResolver | None = None,
    loader: ContextLoader | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    status: StatusSource | None = None,
) -> VerificationResult:
    """Verify ``presentation`` as the answer to ``request`` (a parsed request or its
    JSON; :class:`~skillswallet.errors.RequestError` if malformed): every check of
    :func:`~skillswallet.verify` with the request's challenge and domain, plus one
    ``request`` check per query (target ``request.query[0].credentialQuery[1]``...):
    passed when a credential of the presentation that verified answers it for the
    presentation's holder. ``trust`` gives every credential a ``trust`` check (as for
    :func:`~skillswallet.verify`) and decides the ``accredited`` evidence level; ``status``
    is where status lists come from (as for :func:`~skillswallet.verify`)."""
    parsed = request if isinstance(request, PresentationRequest) else parse_request(request)
    if not (isinstance(presentation, dict) and is_presentation(presentation)):
        return VerificationResult(
            (
                Check(
                    CheckId.STRUCTURE,
                    "presentation",
                    Status.FAILED,
                    "the answer to a request must be a verifiable presentation",
                ),
            )
        )
    result = verify(
        presentation,
        suites=suites,
        resolver=resolver,
        loader=loader,
        now=now,
        skew=skew,
        challenge=parsed.challenge,
        domain=parsed.domain,
        status=status,
        trust=trust,
    )
    return VerificationResult(
        result.checks + tuple(request_checks(presentation, parsed, result, trust))
    )


def request_checks(
    presentation: dict[str, Any],
    request: PresentationRequest,
    result: VerificationResult,
    trust: TrustList | None = None,
) -> list[Check]:
    """One check per query of ``request``: answered by a verified credential?"""
    from ..jose.envelope import content_of  # (what an enveloped JWT credential says)

    holder = holder_id(presentation)
    credentials = as_list(presentation.get("verifiableCredential"))
    bad = {c.target for c in result.failures}
    verified = [
        (index, content_of(vc))
        for index, vc in enumerate(credentials)
        if isinstance(vc, dict) and f"credential[{index}]" not in bad
    ]
    presentation_ok = "presentation" not in bad
    checks = []
    for query in request.queries:
        target = f"request.{query.path}"
        if holder is None or not presentation_ok:
            checks.append(
                Check(
                    CheckId.REQUEST,
                    target,
                    Status.SKIPPED,
                    "not checked: the presentation itself did not verify",
                )
            )
            continue
        reasons = []
        answered = None
        for index, vc in verified:
            found = answer(query, vc, holder=holder, trust=trust)
            if isinstance(found, str):
                reasons.append(f"credential[{index}] {found}")
            else:
                answered = (index, found)
                break
        if answered is not None:
            index, found = answered
            levels = ", ".join(f"{uri} ({level.label})" for uri, level in found.levels.items())
            checks.append(
                Check(
                    CheckId.REQUEST,
                    target,
                    Status.PASSED,
                    f"answered by credential[{index}]" + (f": {levels}" if levels else ""),
                    {"credential": index, "levels": {k: v.label for k, v in found.levels.items()}},
                )
            )
            continue
        unverified = len(credentials) - len(verified)
        why = "; ".join(reasons) or "no credential in the presentation"
        if unverified:
            why += f" ({unverified} credential{'s' if unverified > 1 else ''} did not verify)"
        checks.append(
            Check(
                CheckId.REQUEST,
                target,
                Status.FAILED if query.required else Status.SKIPPED,
                f"not answered: the request asks for {query.describe()}; {why}",
            )
        )
    for other in request.other_queries:
        if other == DID_AUTHENTICATION:
            continue
        checks.append(
            Check(
                CheckId.REQUEST,
                "request",
                Status.FAILED,
                f"query type {other!r} is not supported, so it cannot be checked",
            )
        )
    return checks
