"""Skills commands of the ``skillswallet`` CLI: ``new ...`` (unsigned credentials from
flags) and ``bake`` (a verified credential into a badge image). Thin wrappers over
:mod:`skillswallet.skills.builders` and :mod:`skillswallet.skills.baking`."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import jsonio
from ..errors import BuilderError
from .common import (
    EXIT_NOT_VERIFIED,
    EXIT_USAGE,
    fail,
    load_input,
    say,
    say_either,
    say_json,
    utf8_text,
)

if TYPE_CHECKING:
    from ..skills.builders import CredentialKind, Skill


def _metavar(name: str) -> str:
    # what a value looks like, from the flag's name: --subject DID, --skill URI, ...
    for words, metavar in (
        (("issuer", "subject"), "DID"),
        (("skill", "credential", "url", "image", "evidence", "id"), "URI"),
        (("level", "eqf"), "LEVEL"),
        (("method",), "METHOD"),
    ):
        if name.removeprefix("--") in words:
            return metavar
    return "TEXT"


def _text_opt(help_text: str, *names: str) -> Any:
    return typer.Option(
        *names, help=help_text, callback=utf8_text, show_default=False, metavar=_metavar(names[0])
    )


def _list_opt(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text, show_default=False, metavar=_metavar(names[0]))


IssuerOpt = Annotated[
    str, _text_opt("Your DID (did:key or did:web): who signs it with 'issue'.", "--issuer")
]
IssuerNameOpt = Annotated[str | None, _text_opt("Your name as the issuer.", "--issuer-name")]
IssuerUrlOpt = Annotated[str | None, _text_opt("Your web page.", "--issuer-url")]
SubjectOpt = Annotated[
    str, _text_opt("The DID of the person the credential is about.", "--subject")
]
SkillsOpt = Annotated[
    list[str],
    _list_opt("An ESCO skill URI (repeat for more skills).", "--skill"),
]
LabelsOpt = Annotated[
    list[str] | None,
    _list_opt(
        "The skill's name, one for each --skill, in the same order (default: the "
        "taxonomy's name for it).",
        "--label",
    ),
]
CodesOpt = Annotated[list[str] | None, _list_opt("A code for each --skill (optional).", "--code")]
NameOpt = Annotated[str | None, _text_opt("The credential's title.", "--name")]
IdOpt = Annotated[str | None, _text_opt("The credential's id (default: a new urn:uuid).", "--id")]
TemplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--template",
        help="A JSON object merged over what the flags make (its values win), for fields "
        "no flag sets. The result must still match the type's schema.",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to this file (default: print it).", show_default=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing --out file.")]


def write_new_file(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path``, readable by its owner only. Never follows a symbolic
    link at ``path``; an existing file is replaced only with ``overwrite``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        fail(f"{path} already exists; add --force to replace it")
    except OSError as exc:  # ELOOP: a symbolic link
        fail(f"cannot write {path}: {exc.strerror}")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _emit(document: dict[str, Any], out: Path | None, force: bool) -> None:
    if out is None:
        say_json(document)
    else:
        write_new_file(out, (jsonio.dumps(document) + "\n").encode("utf-8"), overwrite=force)
        say(
            f"Wrote {out}: an unsigned credential; sign it with "
            f"'skillswallet issue --key KEYFILE {out}' or 'skillswallet issue --as DID {out}'"
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _per_skill(values: list[str] | None, count: int, flag: str) -> list[str | None]:
    """One value for every skill: none, one for all, or exactly one each."""
    if not values:
        return [None] * count
    if len(values) == 1:
        return [values[0]] * count
    if len(values) != count:
        fail(f"give {flag} once (for every skill) or once for each --skill", EXIT_USAGE)
    return list(values)


def _no() -> list[str | None]:
    fail("give one --code for each --skill", EXIT_USAGE)


def _labels_from_taxonomy(uris: list[str]) -> list[str]:
    """Each skill's name from the taxonomy, when no --label was given."""
    from ..skills.store import taxonomy_labels

    found = taxonomy_labels(uris)
    missing = [uri for uri in uris if uri not in found]
    if missing:
        fail(
            f"{missing[0]} is not in the taxonomy: give its name with --label (one for each "
            "--skill), or find the skill with 'skillswallet taxonomy search WORDS'",
            EXIT_USAGE,
        )
    return [found[uri] for uri in uris]


def _skills(
    uris: list[str],
    labels: list[str] | None,
    codes: list[str] | None = None,
    levels: list[str] | None = None,
    methods: list[str] | None = None,
) -> list[Skill]:
    from ..skills.builders import Skill

    count = len(uris)
    if not labels:
        labels = _labels_from_taxonomy(uris)
    if len(labels) != count:
        fail("give one --label for each --skill (its name, e.g. 'give advice')", EXIT_USAGE)
    return [
        Skill(uri, label, level=level, method=method, code=code)
        for uri, label, code, level, method in zip(
            uris,
            labels,
            _per_skill(codes, count, "--code") if not codes or len(codes) == count else _no(),
            _per_skill(levels, count, "--level"),
            _per_skill(methods, count, "--method"),
            strict=False,
        )
    ]


#: Builder fields by the flag that sets them (the rest are named as they are).
_FLAGS = {
    "uri": "--skill",
    "label": "--label",
    "level": "--level",
    "method": "--method",
    "code": "--code",
    "eqf_level": "--eqf",
    "achievement_type": "--type",
    "issuer.id": "--issuer",
    "awarding_body.id": "--issuer",
    "endorser.id": "--issuer",
    "endorser": "--issuer",
    "awarding_body.name": "--issuer-name",
    "national_level.framework": "--national-framework",
    "national_level.level": "--national-level",
    "credential_id": "--id",
    "holder": "--subject",
    "skill": "--skill",
    "field_of_study": "--field-of-study",
}


def _flag(field: str | None) -> str:
    """The flag behind a builder's field: ``skills[1].level`` is ``--level (skill 2)``."""
    if field is None:
        return "input"
    match = re.fullmatch(r"skills\[(\d+)\]\.(\w+)(.*)", field)
    if match:
        return f"{_FLAGS.get(match[2], match[2])} (skill {int(match[1]) + 1}){match[3]}"
    return _FLAGS.get(field, field if field.startswith("-") else f"--{field.replace('_', '-')}")


def _build(
    kind: CredentialKind,
    builder: Callable[..., dict[str, Any]],
    output: tuple[str | None, Path | None, Path | None, bool],
    *args: Any,
    **fields: Any,
) -> None:
    """Run ``builder`` valid from now; ``output`` is (--id, --template, --out, --force).
    A refused value is a usage error naming its flag (exit 2)."""
    from ..skills import builders

    credential_id, template, out, force = output
    try:
        document = builder(*args, valid_from=_now(), credential_id=credential_id, **fields)
        if template is not None:
            extra = load_input(str(template), what="template")
            document = builders.with_template(kind, document, extra)
    except BuilderError as exc:
        fail(f"{_flag(exc.field)}: {exc.reason}", EXIT_USAGE)
    _emit(document, out, force)


def register(app: typer.Typer) -> None:
    new_app = typer.Typer(
        help="Make an unsigned skills credential from flags, ready for 'skillswallet issue' "
        "to sign. Types: skill, diploma, badge, endorsement, self-assessment.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    app.add_typer(new_app, name="new")

    @new_app.command("skill")
    def new_skill(
        skill: SkillsOpt,
        issuer: IssuerOpt,
        subject: SubjectOpt,
        label: LabelsOpt = None,
        level: Annotated[
            list[str] | None,
            _list_opt(
                "Proficiency: ProfilPass A (with guidance), B (independently in the same "
                "context), C (also in other contexts), or 1-5 (novice .. expert). Once for "
                "all skills or once each.",
                "--level",
            ),
        ] = None,
        method: Annotated[
            list[str] | None,
            _list_opt(
                "How it was assessed: observation, test, portfolio, exam, "
                "workplace-assessment, interview, simulation, project. Once or once each.",
                "--method",
            ),
        ] = None,
        code: CodesOpt = None,
        evidence: Annotated[
            list[str] | None,
            _list_opt("A URL of evidence (repeatable; with one --skill).", "--evidence"),
        ] = None,
        criteria: Annotated[
            str | None, _text_opt("What the person had to show.", "--criteria")
        ] = None,
        name: NameOpt = None,
        issuer_name: IssuerNameOpt = None,
        issuer_url: IssuerUrlOpt = None,
        credential_id: IdOpt = None,
        template: TemplateOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """An assessor's skill credential: one or more ESCO skills, each with a level and
        an assessment method.

        Example: skillswallet new skill --skill http://data.europa.eu/esco/skill/... --label
        "give advice to others" --level B --method exam --issuer did:key:... --subject
        did:key:... --out skill.json"""
        from ..skills import builders
        from ..skills.builders import CredentialKind, EvidenceItem, Profile

        skills = _skills(skill, label, code, level, method)
        if evidence:
            if len(skills) != 1:
                fail("--evidence goes with one --skill; use --template for more", EXIT_USAGE)
            items = tuple(EvidenceItem(f"Evidence {i + 1}", url=u) for i, u in enumerate(evidence))
            skills = [dataclasses.replace(skills[0], evidence=items)]
        _build(
            CredentialKind.SKILL,
            builders.skill_credential,
            (credential_id, template, out, force),
            skills,
            issuer=Profile(issuer, issuer_name, issuer_url),
            subject=subject,
            name=name,
            criteria=criteria,
        )

    @new_app.command("diploma")
    def new_diploma(
        name: Annotated[str, _text_opt("The qualification's title.", "--name")],
        eqf: Annotated[int, typer.Option("--eqf", help="Its EQF level, 1 to 8.", metavar="1-8")],
        issuer: IssuerOpt,
        issuer_name: Annotated[str, _text_opt("The awarding body's name.", "--issuer-name")],
        subject: SubjectOpt,
        achievement_type: Annotated[
            str,
            _text_opt(
                "Open Badges achievementType: Diploma, Certificate, BachelorDegree, "
                "MasterDegree, DoctoralDegree, Certification, ... (default: Diploma).",
                "--type",
            ),
        ] = "Diploma",
        national_framework: Annotated[
            str | None,
            _text_opt("A national qualifications framework, e.g. NLQF.", "--national-framework"),
        ] = None,
        national_level: Annotated[
            str | None, _text_opt("Its level in that framework, e.g. 4.", "--national-level")
        ] = None,
        skill: Annotated[
            list[str] | None, _list_opt("An ESCO skill it certifies (repeatable).", "--skill")
        ] = None,
        label: LabelsOpt = None,
        field_of_study: Annotated[
            str | None, _text_opt("Field of study.", "--field-of-study")
        ] = None,
        credits: Annotated[
            float | None, typer.Option("--credits", help="Credits (e.g. ECTS).")
        ] = None,
        criteria: Annotated[str | None, _text_opt("What it took to earn it.", "--criteria")] = None,
        issuer_url: IssuerUrlOpt = None,
        credential_id: IdOpt = None,
        template: TemplateOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """A diploma, certificate or degree with its EQF level (and national level), issued
        by the awarding body.

        Example: skillswallet new diploma --name "MBO Care 4" --eqf 4 --national-framework
        NLQF --national-level 4 --issuer did:web:school.example --issuer-name "ROC"
        --subject did:key:..."""
        from ..skills import builders
        from ..skills.builders import CredentialKind, NationalLevel, Profile

        if (national_framework is None) != (national_level is None):
            fail("give --national-framework and --national-level together", EXIT_USAGE)
        national = (
            NationalLevel(national_framework, national_level)
            if national_framework is not None and national_level is not None
            else None
        )
        skills = _skills(skill, label) if skill else []
        _build(
            CredentialKind.DIPLOMA,
            builders.diploma_credential,
            (credential_id, template, out, force),
            name=name,
            achievement_type=achievement_type,
            eqf_level=eqf,
            national_level=national,
            awarding_body=Profile(issuer, issuer_name, issuer_url),
            subject=subject,
            skills=skills,
            field_of_study=field_of_study,
            credits=credits,
            criteria=criteria,
        )

    @new_app.command("badge")
    def new_badge(
        name: Annotated[str, _text_opt("The badge's title.", "--name")],
        criteria: Annotated[str, _text_opt("What earning it took (a narrative).", "--criteria")],
        image: Annotated[
            str, _text_opt("The badge image: an https URL or a data:image/... URI.", "--image")
        ],
        issuer: IssuerOpt,
        subject: SubjectOpt,
        description: Annotated[
            str | None, _text_opt("What the badge stands for.", "--description")
        ] = None,
        skill: Annotated[
            list[str] | None, _list_opt("An ESCO skill it stands for (repeatable).", "--skill")
        ] = None,
        label: LabelsOpt = None,
        issuer_name: IssuerNameOpt = None,
        issuer_url: IssuerUrlOpt = None,
        credential_id: IdOpt = None,
        template: TemplateOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """An Open Badges 3.0 badge: a name, criteria and an image."""
        from ..skills import builders
        from ..skills.builders import CredentialKind, Profile

        skills = _skills(skill, label) if skill else []
        _build(
            CredentialKind.BADGE,
            builders.badge_credential,
            (credential_id, template, out, force),
            name=name,
            criteria=criteria,
            image=image,
            issuer=Profile(issuer, issuer_name, issuer_url),
            subject=subject,
            description=description,
            skills=skills,
        )

    @new_app.command("self-assessment")
    def new_self_assessment(
        skill: SkillsOpt,
        subject: Annotated[str, _text_opt("Your own DID.", "--subject")],
        label: LabelsOpt = None,
        level: Annotated[
            list[str] | None,
            _list_opt(
                "Your level: ProfilPass A (with guidance), B (independently in the same "
                "context), C (also in other contexts), or 1-5. Once or once each.",
                "--level",
            ),
        ] = None,
        issuer: Annotated[
            str | None,
            _text_opt("Who signs it: must be you, the --subject (the default).", "--issuer"),
        ] = None,
        name: NameOpt = None,
        credential_id: IdOpt = None,
        template: TemplateOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """Your own assessment of your skills, issued by you about you."""
        from ..skills import builders
        from ..skills.builders import CredentialKind, Profile

        skills = _skills(skill, label, None, level)
        _build(
            CredentialKind.SELF_ASSESSMENT,
            builders.self_assessment,
            (credential_id, template, out, force),
            skills,
            issuer=Profile(issuer if issuer is not None else subject),
            subject=subject,
            name=name,
        )

    @new_app.command("endorsement")
    def new_endorsement(
        issuer: Annotated[str, _text_opt("Your DID, as the endorser.", "--issuer")],
        subject: Annotated[str, _text_opt("The DID of the person you endorse.", "--subject")],
        relationship: Annotated[
            str,
            _text_opt(
                "Who you are to them: peer, colleague, supervisor, teacher, mentor, client.",
                "--relationship",
            ),
        ],
        comment: Annotated[str, _text_opt("What you vouch for, in your words.", "--comment")],
        skill: Annotated[
            str | None, _text_opt("The ESCO skill you endorse (or --credential).", "--skill")
        ] = None,
        label: Annotated[
            str | None, _text_opt("The skill's name (default: the taxonomy's).", "--label")
        ] = None,
        credential: Annotated[
            str | None,
            _text_opt("The id of their credential you endorse (or --skill).", "--credential"),
        ] = None,
        context: Annotated[
            str | None, _text_opt("How you know their work (optional).", "--context")
        ] = None,
        issuer_name: IssuerNameOpt = None,
        name: NameOpt = None,
        credential_id: IdOpt = None,
        template: TemplateOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """An endorsement: you vouch for one skill or one credential of another person."""
        from ..skills import builders
        from ..skills.builders import CredentialKind, Profile, Skill

        if skill is not None and label is None:
            label = _labels_from_taxonomy([skill])[0]
        _build(
            CredentialKind.ENDORSEMENT,
            builders.endorsement,
            (credential_id, template, out, force),
            endorser=Profile(issuer, issuer_name),
            holder=subject,
            relationship=relationship,
            comment=comment,
            skill=Skill(skill, label or "") if skill is not None else None,
            credential=credential,
            context=context,
            name=name,
        )

    @app.command()
    def bake(
        credential: Annotated[
            str, typer.Option("--credential", help="The signed credential (JSON file).")
        ],
        image: Annotated[Path, typer.Option("--image", help="The badge image: PNG or SVG.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the new image.")],
        replace: Annotated[
            bool,
            typer.Option("--replace", help="Replace a credential the image already carries."),
        ] = False,
        force: ForceOpt = False,
        json_output: Annotated[
            bool, typer.Option("--json", help="Print what was written as JSON.")
        ] = False,
    ) -> None:
        """Put a signed credential into its badge image (Open Badges 3.0 baking), so the
        image itself can be imported and verified. The credential must verify first
        (exit code 1 if it does not)."""
        from ..credentials.model import is_presentation
        from ..skills import baking
        from ..verify import verify

        document = load_input(credential, what="credential")
        if is_presentation(document):
            fail("bake takes one credential, not a presentation", EXIT_USAGE)
        result = verify(document)
        if not result.verified:
            reasons = [f"{c.id.value}: {c.reason}" for c in result.failures]
            fail("the credential does not verify: " + "; ".join(reasons), EXIT_NOT_VERIFIED)
        try:
            with open(image, "rb") as fh:
                data = fh.read(baking.MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            fail(f"cannot read {image}: {exc.strerror}")
        baked = baking.bake(data, document, replace=replace)
        write_new_file(out, baked, overwrite=force)
        say_either(
            json_output,
            {"out": str(out), "bytes": len(baked), "credential": document.get("id")},
            f"Baked the credential into {out}",
        )
