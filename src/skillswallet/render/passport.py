"""The skills passport: a person's skills profile as one self-contained HTML page.

Offline by construction: the styles are inline, there is no script, no image, font or
stylesheet to fetch, and no link (URIs are shown as text), so opening it makes no
request and it prints as it looks. Every piece of text from a credential is escaped.
Pure: values in, a string out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from importlib import resources

from ..skills.evidence import EvidenceLevel
from ..skills.matching import MatchReport, Outcome
from ..skills.profile import TRANSVERSAL, ProfileSkill, SkillsProfile
from .qr import check_link, qr_svg_element

_OTHER_GROUP = "Other skills"


@dataclass(frozen=True)
class CredentialNote:
    """What the page says of a credential behind a skill."""

    name: str
    issuer: str


def passport_html(
    profile: SkillsProfile,
    *,
    holder: str | None = None,
    generated: datetime,
    group_of: Callable[[str], str | None] | None = None,
    credentials: Mapping[str, CredentialNote] | None = None,
    gap: MatchReport | None = None,
    link: str | None = None,
    name: str | None = None,
) -> str:
    """The page, headed with ``name`` (the holder's name, as they want it shown) when
    given, else with the holder's DIDs alone. ``group_of`` names a skill's group (e.g.
    its ESCO skill group) to arrange skills under; ``credentials`` describes the records
    behind the skills (by record id); ``gap`` is a comparison with an occupation or
    vacancy; ``link`` (an http(s) address, see :func:`~skillswallet.render.qr.check_link`)
    is shown written out and as an inline SVG QR code (text, not a hyperlink: the page
    links nowhere)."""
    notes = credentials or {}
    groups: dict[str, list[ProfileSkill]] = {}
    for skill in profile.skills:
        group = (group_of(skill.uri) if group_of else None) or (
            "Transversal skills" if skill.category == TRANSVERSAL else _OTHER_GROUP
        )
        groups.setdefault(group, []).append(skill)
    ordered = sorted(groups, key=lambda g: (g == _OTHER_GROUP, g.casefold()))
    counts = {level: 0 for level in EvidenceLevel}
    for skill in profile.skills:
        if skill.level is not None:
            counts[skill.level] += 1
    parts = [
        _HEAD,
        f"<header><h1>Skills passport{': ' + _text(name) if name else ''}</h1>",
        f"<p class=meta>{_text(holder) + ' · ' if holder else ''}"
        f"made {escape(generated.strftime('%Y-%m-%d'))} by skillswallet from verified "
        f"credentials{'; the name is as the holder gives it' if name else ''}</p>",
        _summary(profile, counts),
        _link_block(link) if link is not None else "",
        "</header>",
        _LEGEND,
    ]
    if gap is not None:
        parts.append(_gap_section(gap))
    for group in ordered:
        parts.append(f"<section><h2>{_text(group)}</h2>")
        parts.extend(_skill_block(skill, notes) for skill in groups[group])
        parts.append("</section>")
    if not profile.skills:
        parts.append("<p>No skills yet: import credentials or add a self-assessment.</p>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _link_block(link: str) -> str:
    url = check_link(link)
    code = qr_svg_element(url, label=f"QR code of {url}")
    return f"<div class=link>{code}<p>Online:<br><span class=url>{_text(url)}</span></p></div>"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _summary(profile: SkillsProfile, counts: Mapping[EvidenceLevel, int]) -> str:
    held = [f"{n} {level.label}" for level, n in sorted(counts.items(), reverse=True) if n]
    expired = sum(1 for s in profile.skills if s.expired)
    text = f"{len(profile.skills)} skill(s)"
    if held:
        text += ": " + ", ".join(held)
    if expired:
        text += f"; {expired} only in expired credentials"
    return f"<p class=summary>{escape(text)}</p>"


def _meter(level: EvidenceLevel | None) -> str:
    """Four boxes, as many filled as the level is strong, and the level in words (the
    words carry the meaning; the boxes are for the eye)."""
    filled = int(level) if level is not None else 0
    boxes = "".join(f"<span class='box{' on' if i < filled else ''}'></span>" for i in range(4))
    words = level.label if level is not None else "expired"
    return f"<span class='meter l{filled}' aria-hidden=true>{boxes}</span> <b>{words}</b>"


def _skill_block(skill: ProfileSkill, notes: Mapping[str, CredentialNote]) -> str:
    rows = [
        f"<article class='skill{' expired' if skill.expired else ''}'>",
        f"<h3>{_text(skill.label)}</h3>",
        f"<p class=level>{_meter(skill.level)}"
        + (f" · proficiency {_text(skill.proficiency)}" if skill.proficiency else "")
        + (" · transversal" if skill.category == TRANSVERSAL else "")
        + "</p>",
        f"<p class=uri>{_text(skill.uri)}</p>",
    ]
    if skill.history:
        steps = "".join(
            f"<li><time>{_date(step.date)}</time> {escape(step.level.label)}"
            + (f" <span class=who>({_text(_issuer(step.issuer, notes, step.record_id))})</span>")
            + "</li>"
            for step in skill.history
        )
        rows.append(f"<ol class=timeline aria-label='How it grew'>{steps}</ol>")
    behind = [
        f"<li>{_text(notes[r].name)} <span class=who>from {_text(notes[r].issuer)}</span></li>"
        if r in notes
        else f"<li>record {_text(r[:12])}</li>"
        for r in skill.records
    ]
    rows.append(f"<details open><summary>{len(skill.records)} credential(s)</summary>")
    rows.append(f"<ul>{''.join(behind)}</ul></details></article>")
    return "\n".join(rows)


def _issuer(issuer: str | None, notes: Mapping[str, CredentialNote], record: str) -> str:
    if record in notes:
        return notes[record].issuer
    return issuer or "unknown issuer"


def _date(value: datetime | None) -> str:
    return escape(value.strftime("%Y-%m-%d")) if value is not None else "undated"


def _outcomes(outcomes: Sequence[Outcome], empty: str) -> str:
    lines = []
    for outcome in outcomes:
        requirement = outcome.requirement
        essential = "essential" if requirement.essential else "optional"
        state = f"you have: {outcome.held.label}" if outcome.held is not None else "not held"
        asked = (
            "any evidence"
            if requirement.minimum is EvidenceLevel.SELF
            else f"{requirement.minimum.label} or stronger"
        )
        lines.append(
            f"<li>{_text(outcome.label)} <span class=who>({essential}; asked: {asked}; "
            f"{state})</span></li>"
        )
    return f"<ul>{''.join(lines)}</ul>" if lines else f"<p>{empty}</p>"


def _gap_section(gap: MatchReport) -> str:
    return "\n".join(
        [
            f"<section class=gap><h2>Compared with: {_text(gap.requirements.name)}</h2>",
            f"<p class=summary>score {gap.score:g} of 100</p>",
            "<h3>Have</h3>",
            _outcomes(gap.have, "None of the skills asked for yet."),
            "<h3>Below the level asked</h3>",
            _outcomes(gap.below, "None."),
            "<h3>Missing</h3>",
            _outcomes(gap.missing, "Nothing missing."),
            "</section>",
        ]
    )


_HEAD_TEMPLATE = """<!DOCTYPE html>
<html lang=en><head><meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<meta http-equiv=Content-Security-Policy content="default-src 'none'; style-src 'unsafe-inline'">
<title>Skills passport</title>
<style>
{css}</style></head><body>"""

_HEAD = _HEAD_TEMPLATE.replace(
    "{css}", (resources.files(__package__) / "passport.css").read_text(encoding="utf-8")
)

_LEGEND = (
    "<main><p class=legend>Evidence, weakest to strongest: <b>self</b> (the person says "
    "so), <b>endorsed</b> (someone else vouches), <b>assessed</b> (a verified credential "
    "from another issuer), <b>accredited</b> (assessed by an issuer a trust list names "
    "for it).</p>"
)

__all__ = ["CredentialNote", "passport_html"]
