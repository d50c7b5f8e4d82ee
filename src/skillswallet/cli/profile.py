"""``profile``, ``match`` and ``self-assess``: the holder's skills, how they compare with a
job, and adding one's own assessment. Thin: parse, one library call, render."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import safefile
from ..errors import BuilderError
from ..skills.taxonomy import KIND_ISCO_GROUP, KIND_OCCUPATION, KIND_SKILL_GROUP
from .common import EXIT_USAGE, fail, say, say_either, say_json
from .vault import JsonOpt, PassFileOpt, VaultOpt, opened

if TYPE_CHECKING:
    from ..skills.matching import (
        MatchReport,
    )
    from ..skills.profile import ProfileSkill, SkillsProfile
    from ..trust.lists import TrustList

LangOpt = Annotated[
    str, typer.Option("--lang", help="Language of skill names, where the taxonomy has it.")
]
TrustOpt = Annotated[
    Path | None,
    typer.Option(
        "--trust",
        help="A trusted-issuer list (JSON): its issuers' claims count as accredited.",
        show_default=False,
    ),
]

#: Concepts of a taxonomy that are not skills one can hold.
_NOT_SKILLS = frozenset({KIND_OCCUPATION, KIND_SKILL_GROUP, KIND_ISCO_GROUP})


def _trust(path: Path | None) -> TrustList | None:
    from ..trust.lists import load_trust_list

    return load_trust_list(path) if path is not None else None


def _date(value: Any) -> str | None:
    return value.strftime("%Y-%m-%d") if value is not None else None


def skill_json(skill: ProfileSkill) -> dict[str, Any]:
    return {
        "uri": skill.uri,
        "label": skill.label,
        "level": skill.level.label if skill.level else None,
        "bestEver": skill.best_ever.label,
        "expired": skill.expired,
        "category": skill.category,
        "proficiency": skill.proficiency,
        "checked": list(skill.checked),
        "records": list(skill.records),
        "first": _date(skill.first),
        "latest": _date(skill.latest),
        "history": [
            {"date": _date(u.date), "level": u.level.label, "record": u.record_id}
            for u in skill.history
        ],
    }


def _profile_lines(profile: SkillsProfile) -> list[str]:
    from ..skills.profile import TRANSVERSAL

    if not profile.skills:
        return [
            "no skills yet: import credentials, or add your own with 'skillswallet self-assess'"
        ]
    lines: list[str] = []
    for title, category in (("Transversal skills", TRANSVERSAL), ("Other skills", None)):
        group = [
            s for s in profile.skills if (s.category == TRANSVERSAL) == (category == TRANSVERSAL)
        ]
        if not group:
            continue
        lines.append(f"{title}:")
        for s in group:
            level = s.level.label if s.level else f"expired ({s.best_ever.label})"
            extra = f"  level {s.proficiency}" if s.proficiency else ""
            since = f"  since {_date(s.first)}" if s.first else ""
            if len(s.history) > 1:  # (one step was shown as "[assessed]" beside "assessed")
                since += "  (grew: " + " -> ".join(u.level.label for u in s.history) + ")"
            lines.append(f"  {level:<12} {s.label}{extra}{since}")
            lines.extend(f"               ({how})" for how in s.checked)
    return lines


def report_json(report: MatchReport) -> dict[str, Any]:
    return {
        "name": report.requirements.name,
        "source": report.requirements.source,
        "score": report.score,
        "outcomes": [
            {
                "skill": o.requirement.skill,
                "label": o.label,
                "essential": o.requirement.essential,
                "minimumLevel": o.requirement.minimum.label,
                "held": o.held.label if o.held else None,
                "status": o.status,
            }
            for o in report.outcomes
        ],
    }


def _report_lines(report: MatchReport) -> list[str]:
    lines = [f"{report.requirements.name}: {report.score:.1f} / 100"]
    for title, outcomes in (
        ("have", report.have),
        ("below the level asked", report.below),
        ("missing", report.missing),
    ):
        if outcomes:
            lines.append(f"  {title}:")
            for o in outcomes:
                need = "essential" if o.requirement.essential else "optional"
                held = f", you: {o.held.label}" if o.held else ""
                lines.append(f"    {o.label}  ({need}, {o.requirement.minimum.label}+{held})")
    return lines


def _link(value: str | None) -> str | None:
    """--link's check: an http(s) address short enough for a QR code."""
    if value is None:
        return None
    from ..errors import QRCodeError
    from ..render.qr import check_link

    try:
        return check_link(value)
    except QRCodeError as exc:
        raise typer.BadParameter(str(exc)) from None


def register(app: typer.Typer) -> None:
    """Add ``profile``, ``match`` and ``self-assess`` to ``app``."""

    @app.command()
    def profile(
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        lang: LangOpt = "en",
        trust: TrustOpt = None,
        html: Annotated[
            Path | None,
            typer.Option(
                "--html",
                help="Write your skills passport, a page that works offline and prints "
                "well, to this file (e.g. --html passport.html).",
                show_default=False,
            ),
        ] = None,
        occupation: Annotated[
            str | None,
            typer.Option(help="With --html: show the gap to this ESCO occupation (URI)."),
        ] = None,
        link: Annotated[
            str | None,
            typer.Option(
                help="With --html: a web address to show on the page, written out and as a "
                "QR code (e.g. your online CV), https://...",
                callback=_link,
                show_default=False,
            ),
        ] = None,
        name: Annotated[
            str | None,
            typer.Option(
                help="With --html: your name, as the page's heading shows it (else the page "
                "names you by your DID alone).",
                show_default=False,
            ),
        ] = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Your skills profile: every skill your credentials evidence, its strongest
        evidence (self < endorsed < assessed < accredited), and how it grew.

        Example: skillswallet profile --html passport.html --name 'Ada Lovelace'"""
        from ..skills.store import default_taxonomy

        trust_list = _trust(trust)
        if occupation is not None and html is None:
            fail("--occupation goes with --html (or use 'skillswallet match')", EXIT_USAGE)
        if link is not None and html is None:
            fail("--link goes with --html", EXIT_USAGE)
        if name is not None and html is None:
            fail("--name goes with --html", EXIT_USAGE)
        if html is not None:
            with opened(vault, passphrase_file) as wallet:
                page = wallet.passport(
                    taxonomy=default_taxonomy(),
                    occupation=occupation,
                    trust=trust_list,
                    lang=lang,
                    link=link,
                    name=name.strip() or None if name is not None else None,
                )
            safefile.replace(html, page.encode("utf-8"), mode=0o600)
            say_either(json_output, {"written": str(html)}, f"Wrote your skills passport to {html}")
            return
        with opened(vault, passphrase_file) as wallet:
            found = wallet.profile(taxonomy=default_taxonomy(), trust=trust_list, lang=lang)
        if json_output:
            say_json({"skills": [skill_json(s) for s in found.skills]})
        else:
            say(*_profile_lines(found))

    @app.command("match")
    def match_command(
        occupation: Annotated[
            str | None,
            typer.Option(help="An ESCO occupation URI (see 'taxonomy search --kind occupation')."),
        ] = None,
        requirements: Annotated[
            Path | None,
            typer.Option(help="A vacancy requirements file (schemas/requirements.schema.json)."),
        ] = None,
        top: Annotated[
            int | None,
            typer.Option(min=1, max=500, help="Rank every occupation by fit; show this many."),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        lang: LangOpt = "en",
        trust: TrustOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Compare your skills with an occupation or a vacancy: what you have, what is
        below the level asked, what is missing, and a score (essential skills weigh 2,
        optional 1; a skill held below the level asked counts half)."""
        from ..skills.matching import (
            load_requirements,
            match,
            occupation_requirements,
            rank_occupations,
        )
        from ..skills.store import default_taxonomy

        chosen = [x for x in (occupation, requirements, top) if x is not None]
        if len(chosen) != 1:
            fail("give exactly one of --occupation, --requirements or --top", EXIT_USAGE)
        taxonomy = default_taxonomy()
        wanted = None
        if requirements is not None:
            wanted = load_requirements(requirements)
        elif occupation is not None:
            known = taxonomy.get(occupation)
            if known is None or known.kind != KIND_OCCUPATION:
                fail(
                    f"{occupation} is not an occupation of the taxonomy; find one with "
                    "'skillswallet taxonomy search TEXT --kind occupation'",
                    EXIT_USAGE,
                )
            wanted = occupation_requirements(taxonomy, occupation, lang=lang)
            if not wanted.skills:
                fail(
                    f"no skills are known for {occupation}: load the full ESCO download "
                    "with 'skillswallet taxonomy load DIR' (the bundled starter set has "
                    "occupations but not their skills)"
                )
        trust_list = _trust(trust)
        with opened(vault, passphrase_file) as wallet:
            held = wallet.profile(taxonomy=taxonomy, trust=trust_list, lang=lang)
        reports = (
            [match(held, wanted)]
            if wanted is not None
            else rank_occupations(held, taxonomy, top=top or 10, lang=lang)
        )
        if json_output:
            say_json(
                [report_json(r) for r in reports] if wanted is None else report_json(reports[0])
            )
            return
        if not reports:
            say("no occupation shares a skill with your profile (are occupation skills loaded?)")
        for report in reports:
            say(*_report_lines(report))

    @app.command("self-assess")
    def self_assess(
        skill: Annotated[str, typer.Option(help="The skill's URI (see 'taxonomy search').")],
        level: Annotated[
            str,
            typer.Option(
                help="A (with guidance), B (independently, same context), C (also in other "
                "contexts), or 1-5 (novice to expert)."
            ),
        ],
        label: Annotated[
            str | None, typer.Option(help="The skill's name (default: the taxonomy's).")
        ] = None,
        as_did: Annotated[
            str | None,
            typer.Option("--as", help="Your DID in the vault (default: its only DID)."),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Assess one of your own skills: builds a self-assessment, signs it with your
        vault key and stores it, in one step. It counts as 'self' evidence until someone
        endorses it."""
        from ..skills.builders import Skill, parse_level
        from ..skills.store import default_taxonomy

        try:
            parse_level(level, "--level")
        except BuilderError as exc:
            fail(str(exc), EXIT_USAGE)
        if ":" not in skill:
            fail(
                f"--skill wants a skill's URI, not {skill!r}; find it with "
                f"'skillswallet taxonomy search {skill!r} --kind skill'",
                EXIT_USAGE,
            )
        taxonomy = default_taxonomy()
        concept = taxonomy.get(skill)
        if concept is not None and concept.kind in _NOT_SKILLS:
            fail(f"{skill} is a {concept.kind}, not a skill: self-assess skills", EXIT_USAGE)
        name = label or (concept.label("en") if concept is not None else None)
        if concept is None:
            say(f"warning: {skill} is not in the taxonomy; it is kept as given", err=True)
        framework = concept.framework if concept is not None and concept.framework else None
        if framework == "ESCO" or skill.startswith("http://data.europa.eu/esco/"):
            framework = None
        with opened(vault, passphrase_file) as wallet:
            outcome = wallet.self_assess(
                [Skill(skill, name or skill, level=level, framework=framework)], did=as_did
            )
        if json_output:
            say_json({"status": outcome.status, "record": outcome.record_id, "skill": skill})
        else:
            say(f"{outcome.status}: self-assessment of {name or skill} at level {level}")
