"""Matching credentials against a presentation request, for both sides:

- the holder finds which of their credentials answer each query and the smallest
  disclosure that does (:func:`match_request`);
- the verifier checks that the credentials of a presentation answer it
  (:func:`answer`, used by :func:`skillswallet.present.check_response`).

How a credential answers a ``credentialQuery`` (all must hold):

* every ``example.type`` is one of its types; with ``trustedIssuer``, its issuer is one
  of those listed;
* every other ``example`` property matches: an object matches an object whose
  properties match (or a list holding one); a list matches when each of its items
  matches an item of the credential's value; ``""`` (or null) asks only that the field
  be present; any other value must be equal;
* it is about the holder: a ``credentialSubject`` whose ``id`` is the presenting DID;
* each ``requiredSkills`` entry is a skill that subject is credited with (an alignment to
  the skill's URI) at the evidence level asked or above, as :mod:`skillswallet.skills.evidence`
  decides it (a trust list decides ``accredited``).

The disclosure needed: the subject's ``id``, each matched field, and each required
skill's alignment entry; nothing else (grades, results, descriptions stay hidden, as do
fields the issuer did not make mandatory). Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..credentials.model import as_list, issuer_id
from ..credentials.types import type_term, type_terms
from ..skills.evidence import EvidenceLevel, HeldCredential, skill_claims
from ..trust.lists import TrustList
from .disclosure import sd_base_proof
from .request import CredentialQuery, PresentationRequest

DID_AUTHENTICATION = "DIDAuthentication"


@dataclass(frozen=True)
class Answer:
    """How one credential answers one query: the pointers that must be revealed and the
    evidence level of each required skill."""

    pointers: tuple[str, ...]
    levels: dict[str, EvidenceLevel] = field(default_factory=dict)


@dataclass(frozen=True)
class HeldDocument:
    """A credential the holder could show; ``problem`` says why it cannot be (expired,
    unverified, ...), or is None."""

    record_id: str
    document: dict[str, Any]
    problem: str | None = None


def answer(
    query: CredentialQuery,
    document: dict[str, Any],
    *,
    holder: str,
    holder_dids: frozenset[str] = frozenset(),
    trust: TrustList | None = None,
) -> Answer | str:
    """The :class:`Answer` if ``document`` answers ``query`` for ``holder``, else the
    reason it does not. ``holder_dids`` are further DIDs of the holder (their own
    credentials count as self-assessments, never more)."""
    types = type_terms(document.get("type"))
    missing = [t for t in query.types if type_term(t) not in types]
    if missing:
        return f"not of type {', '.join(missing)}"
    issuer = issuer_id(document)
    if query.trusted_issuers and issuer not in query.trusted_issuers:
        return f"issued by {issuer}, not one of the trusted issuers"
    pointers: list[str] = []
    subject_index = _subject_of(document, holder)
    if subject_index is None:
        return f"not about {holder} (no credentialSubject with that id)"
    subject_pointer = "/credentialSubject" + ("" if subject_index < 0 else f"/{subject_index}")
    pointers.append(subject_pointer + "/id")
    for key, wanted in query.example.items():
        if key == "@context" or key == "type":
            continue
        found = _match(wanted, document.get(key, _ABSENT), "/" + _escape(key))
        if found is None:
            return f"its {key} does not match the example"
        pointers.extend(found)
    listed = isinstance(document.get("type"), list)
    pointers.extend(f"/type/{types.index(t)}" if listed else "/type" for t in query.types)
    levels: dict[str, EvidenceLevel] = {}
    if query.skills:
        claims = skill_claims(
            [HeldCredential.of("", document, verified=True)], holder_dids | {holder}, trust
        )
        subject = _subjects(document)[max(subject_index, 0)]
        for skill in query.skills:
            best = max((c.level for c in claims if c.skill == skill.uri), default=None)
            if best is None:
                return f"claims no skill {skill.uri}"
            if skill.min_level is not None and best < skill.min_level:
                hint = (
                    " (accredited needs a trust list naming the issuer)"
                    if skill.min_level is EvidenceLevel.ACCREDITED and trust is None
                    else ""
                )
                return (
                    f"claims {skill.uri} at evidence level {best.label}, below "
                    f"{skill.min_level.label}{hint}"
                )
            levels[skill.uri] = best
            pointers.extend(subject_pointer + p for p in _alignment_pointers(subject, skill.uri))
    return Answer(tuple(dict.fromkeys(pointers)), levels)


_ABSENT = object()


def _escape(step: str) -> str:
    return step.replace("~", "~0").replace("/", "~1")


def _subjects(document: dict[str, Any]) -> list[Any]:
    return as_list(document.get("credentialSubject"))


def _subject_of(document: dict[str, Any], holder: str) -> int | None:
    """The index of the subject about ``holder`` (-1: the only one, not in a list)."""
    value = document.get("credentialSubject")
    if isinstance(value, dict):
        return -1 if value.get("id") == holder else None
    for index, subject in enumerate(as_list(value)):
        if isinstance(subject, dict) and subject.get("id") == holder:
            return index
    return None


def _alignment_pointers(subject: dict[str, Any], uri: str) -> list[str]:
    """Pointers (below the subject) to each alignment to ``uri``: the subject's own (an
    endorsement) and its achievements'."""
    out = []
    for index, alignment in enumerate(as_list(subject.get("alignment"))):
        if isinstance(alignment, dict) and alignment.get("targetUrl") == uri:
            out.append(_item("/alignment", subject.get("alignment"), index))
    achievements = subject.get("achievement")
    for a_index, achievement in enumerate(as_list(achievements)):
        if not isinstance(achievement, dict):
            continue
        at = _item("/achievement", achievements, a_index)
        for index, alignment in enumerate(as_list(achievement.get("alignment"))):
            if isinstance(alignment, dict) and alignment.get("targetUrl") == uri:
                out.append(at + _item("/alignment", achievement.get("alignment"), index))
    return out


def _item(pointer: str, container: Any, index: int) -> str:
    return f"{pointer}/{index}" if isinstance(container, list) else pointer


def _match(wanted: Any, value: Any, pointer: str) -> list[str] | None:
    """Pointers to what in ``value`` matches the example ``wanted``, or None."""
    if value is _ABSENT:
        return None
    if isinstance(value, list) and not isinstance(wanted, list):
        for index, item in enumerate(value):
            found = _match(wanted, item, f"{pointer}/{index}")
            if found is not None:
                return found
        return None
    if wanted is None or wanted == "":
        return [pointer]
    if isinstance(wanted, dict):
        if not isinstance(value, dict):
            return None
        out: list[str] = []
        for key, item in wanted.items():
            found = _match(item, value.get(key, _ABSENT), f"{pointer}/{_escape(key)}")
            if found is None:
                return None
            out.extend(found)
        return out or [pointer]
    if isinstance(wanted, list):
        out = []
        for item in wanted:
            found = _match(item, value if isinstance(value, list) else [value], pointer)
            if found is None:
                return None
            out.extend(found)
        return out or [pointer]
    return [pointer] if value == wanted else None


@dataclass(frozen=True)
class QueryOutcome:
    """What the holder can do about one query: the credential chosen to answer it (a
    record id), the others that could, and why it stays unanswered otherwise."""

    query: CredentialQuery
    chosen: str | None
    candidates: tuple[str, ...]
    reason: str | None = None
    levels: dict[str, EvidenceLevel] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """As JSON (for ``--json``)."""
        return {
            "query": self.query.path,
            "asks": self.query.describe(),
            "required": self.query.required,
            "answeredBy": self.chosen,
            "candidates": list(self.candidates),
            "levels": {k: v.label for k, v in self.levels.items()},
            "reason": self.reason,
        }


@dataclass(frozen=True)
class RequestMatch:
    """The holder's answer to a request: for each query what answers it, and the
    disclosure proposed: record id -> pointers (None: shown whole)."""

    request: PresentationRequest
    outcomes: tuple[QueryOutcome, ...]
    disclose: dict[str, list[str] | None]
    unsupported: tuple[str, ...] = ()

    @property
    def satisfied(self) -> bool:
        """Whether every required query has a credential chosen and nothing asked is unsupported."""
        return not self.unsupported and all(
            o.chosen is not None for o in self.outcomes if o.query.required
        )

    @property
    def unanswered(self) -> list[str]:
        """A line for each required query left unanswered (and unsupported types)."""
        lines = [
            f"{o.query.path} asks for {o.query.describe()}: {o.reason}"
            for o in self.outcomes
            if o.query.required and o.chosen is None
        ]
        lines.extend(f"query type {t!r} is not supported" for t in self.unsupported)
        return lines

    def to_json(self) -> dict[str, Any]:
        """As JSON (for ``--json``)."""
        return {
            "satisfied": self.satisfied,
            "queries": [o.to_json() for o in self.outcomes],
            "disclose": self.disclose,
            "unsupported": list(self.unsupported),
        }


def match_request(
    request: PresentationRequest,
    held: Sequence[HeldDocument],
    *,
    holder: str,
    holder_dids: frozenset[str] = frozenset(),
    trust: TrustList | None = None,
    passed_over: Mapping[str, Sequence[str]] | None = None,
) -> RequestMatch:
    """Which held credentials answer each required query, and the smallest disclosure
    that answers them all: as few credentials as possible (one answering several queries
    first, selectively disclosable ones before ones shown whole), each revealing only
    what its queries need. Optional queries are not answered (data minimisation).
    ``passed_over`` (query path -> reasons) names why credentials not in ``held`` were
    left out, for the explanation of a query left unanswered."""
    answers: list[dict[str, Answer]] = []
    reasons: list[str] = []
    for query in request.queries:
        found: dict[str, Answer] = {}
        blocked: list[str] = []
        why: list[str] = list((passed_over or {}).get(query.path, ()))
        for item in held:
            result = answer(
                query, item.document, holder=holder, holder_dids=holder_dids, trust=trust
            )
            if isinstance(result, str):
                why.append(result)
            elif item.problem is not None:
                blocked.append(f"{item.record_id} ({item.problem})")
            else:
                found[item.record_id] = result
        answers.append(found)
        if not query.required:
            reasons.append("optional: not answered")
        elif found:
            reasons.append("")
        elif blocked:
            reasons.append(
                "your credentials that would answer it cannot be shown: " + ", ".join(blocked)
            )
        elif why:
            reasons.append("none of your credentials answers it: " + _commonest(why))
        else:
            reasons.append("your vault holds no credentials")
    sd = {item.record_id for item in held if sd_base_proof(item.document) is not None}
    chosen: dict[int, str] = {}
    open_queries = {i for i, q in enumerate(request.queries) if q.required and answers[i]}
    while open_queries:
        scores: dict[str, tuple[int, int]] = {}
        for i in open_queries:
            for record_id in answers[i]:
                count, is_sd = scores.get(record_id, (0, int(record_id in sd)))
                scores[record_id] = (count + 1, is_sd)
        best = max(scores, key=lambda r: (r in chosen.values(), *scores[r]))
        for i in sorted(open_queries):
            if best in answers[i]:
                chosen[i] = best
        open_queries -= set(chosen)
    disclose: dict[str, list[str] | None] = {}
    for i, record_id in sorted(chosen.items()):
        if record_id not in sd:
            disclose[record_id] = None
            continue
        pointers = disclose.get(record_id) or []
        disclose[record_id] = list(dict.fromkeys([*pointers, *answers[i][record_id].pointers]))
    outcomes = tuple(
        QueryOutcome(
            query,
            chosen.get(i),
            tuple(answers[i]),
            None if i in chosen else reasons[i],
            answers[i][chosen[i]].levels if i in chosen else {},
        )
        for i, query in enumerate(request.queries)
    )
    unsupported = tuple(t for t in request.other_queries if t != DID_AUTHENTICATION)
    return RequestMatch(request, outcomes, disclose, unsupported)


def _commonest(reasons: list[str]) -> str:
    """The most frequent reason (the first of those most frequent), with a count."""
    best = max(dict.fromkeys(reasons), key=reasons.count)
    others = len(reasons) - reasons.count(best)
    return best + (
        f"; {others} other{'s' if others > 1 else ''} for other reasons" if others else ""
    )
