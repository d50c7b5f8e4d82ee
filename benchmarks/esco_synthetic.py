"""A synthetic full-size ESCO download in the official CSV layout (v1.1 or v1.2), for
benchmarks: 14,000 skills, 3,000 occupations and 126,000 occupation-skill relations by
default, with alternative labels, hidden labels (misspellings, on about one concept in
six), descriptions, skill groups and the broader relations.

    .venv/bin/python benchmarks/esco_synthetic.py OUT_DIR [--layout 1.2]

Deterministic (a fixed seed): the same arguments write the same files.
"""

from __future__ import annotations

import argparse
import csv
import random
import uuid
from pathlib import Path

_WORDS = [
    "manage",
    "maintain",
    "operate",
    "install",
    "repair",
    "design",
    "develop",
    "analyse",
    "monitor",
    "inspect",
    "prepare",
    "apply",
    "assess",
    "coordinate",
    "supervise",
    "plan",
    "teach",
    "advise",
    "negotiate",
    "calculate",
    "measure",
    "test",
    "clean",
    "assemble",
    "program",
    "configure",
    "document",
    "evaluate",
    "promote",
    "train",
    "translate",
    "survey",
    "software",
    "network",
    "database",
    "hydraulic",
    "electrical",
    "welding",
    "timber",
    "concrete",
    "textile",
    "food",
    "financial",
    "legal",
    "medical",
    "veterinary",
    "agricultural",
    "marine",
    "aviation",
    "railway",
    "energy",
    "solar",
    "wind",
    "water",
    "waste",
    "chemical",
    "pharmaceutical",
    "musical",
    "theatrical",
    "digital",
    "social",
    "public",
    "quality",
    "safety",
    "hygiene",
    "customer",
    "patient",
    "student",
    "budget",
    "contract",
    "inventory",
    "equipment",
    "machinery",
    "vehicle",
    "engine",
    "circuit",
    "pipeline",
    "laboratory",
    "warehouse",
    "kitchen",
    "garden",
    "forest",
    "crème",
    "brûlée",
    "café",
    "façade",
    "naïve",
    "résumé",
    "señor",
    "zespół",
    "über",
]
_SKILLS = "http://data.europa.eu/esco/skill/"
_OCCUPATIONS = "http://data.europa.eu/esco/occupation/"
_REUSE = ("transversal", "cross-sector", "sector-specific", "occupation-specific")


def _columns(names: str) -> list[str]:
    return names.split()


def _uri(base: str, rng: random.Random) -> str:
    return base + str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _misspellings(rng: random.Random, label: str) -> str:
    """Hidden labels for about one concept in six: the label with a letter left out."""
    if rng.random() >= 1 / 6:
        return ""
    found = []
    for _ in range(rng.randint(1, 3)):
        words = label.split()
        at = rng.randrange(len(words))
        word = words[at]
        if len(word) > 3:
            cut = rng.randrange(1, len(word) - 1)
            words[at] = word[:cut] + word[cut + 1 :]
        found.append(" ".join(words))
    return "\n".join(dict.fromkeys(found))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(
    out: Path,
    *,
    skills: int = 14_000,
    occupations: int = 3_000,
    relations: int = 126_000,
    layout: str = "1.1",
    seed: int = 8,
) -> None:
    """Write the synthetic download into ``out`` (created when missing)."""
    rng = random.Random(seed)
    hidden_rng = random.Random(seed + 1)  # its own, so that the other values stay as they were
    out.mkdir(parents=True, exist_ok=True)
    groups = [f"{_SKILLS}S{a}.{b}" for a in range(1, 9) for b in range(10)]
    skill_uris = [_uri(_SKILLS, rng) for _ in range(skills)]
    labels = {uri: _phrase(rng, rng.randint(2, 4)) for uri in skill_uris}
    _write(
        out / "skills_en.csv",
        _columns(
            "conceptType conceptUri skillType reuseLevel preferredLabel altLabels hiddenLabels "
            "status modifiedDate scopeNote definition inScheme description"
        ),
        [
            [
                "KnowledgeSkillCompetence",
                uri,
                rng.choice(("skill/competence", "knowledge")),
                rng.choice(_REUSE),
                labels[uri],
                "\n".join(_phrase(rng, rng.randint(2, 4)) for _ in range(rng.randint(0, 8))),
                _misspellings(hidden_rng, labels[uri]),
                "released",
                "2023-05-10T12:00:00Z",
                "",
                "",
                "http://data.europa.eu/esco/concept-scheme/skills",
                _phrase(rng, 25).capitalize() + ".",
            ]
            for uri in skill_uris
        ],
    )
    _write(
        out / "skillGroups_en.csv",
        _columns(
            "conceptType conceptUri preferredLabel altLabels hiddenLabels status modifiedDate "
            "scopeNote inScheme description"
        ),
        [["SkillGroup", g, _phrase(rng, 3), "", "", "released", "", "", "", ""] for g in groups],
    )
    broader_header = ["conceptType", "conceptUri", "broaderType", "broaderUri"]
    if layout == "1.2":
        broader_header = [*broader_header[:2], "conceptLabel", *broader_header[2:], "broaderLabel"]
    broader_rows = []
    for uri in skill_uris:
        group = rng.choice(groups)
        row = ["KnowledgeSkillCompetence", uri, "SkillGroup", group]
        if layout == "1.2":
            row = [*row[:2], labels[uri], *row[2:], "a skill group"]
        broader_rows.append(row)
    _write(out / "broaderRelationsSkillPillar_en.csv", broader_header, broader_rows)
    occupation_uris = [_uri(_OCCUPATIONS, rng) for _ in range(occupations)]
    occupation_header = _columns(
        "conceptType conceptUri iscoGroup preferredLabel altLabels hiddenLabels status "
        "modifiedDate regulatedProfessionNote scopeNote definition inScheme description"
    )
    if layout == "1.2":
        occupation_header.append("code")
    occupation_rows = []
    for uri in occupation_uris:
        isco = str(rng.randint(1000, 9999))
        label = (
            _phrase(rng, rng.randint(1, 3)) + " " + rng.choice(("worker", "technician", "manager"))
        )
        row = [
            "Occupation",
            uri,
            isco,
            label,
            "\n".join(_phrase(rng, 3) for _ in range(rng.randint(0, 10))),
            _misspellings(hidden_rng, label),
            "released",
            "2023-05-10T12:00:00Z",
            "",
            "",
            "",
            "http://data.europa.eu/esco/concept-scheme/occupations",
            _phrase(rng, 40).capitalize() + ".",
        ]
        if layout == "1.2":
            row.append(f"{isco}.{rng.randint(1, 9)}")
        occupation_rows.append(row)
    _write(out / "occupations_en.csv", occupation_header, occupation_rows)
    relation_header = ["occupationUri", "relationType", "skillType", "skillUri"]
    if layout == "1.2":
        relation_header = _columns(
            "occupationUri occupationLabel relationType skillType skillUri skillLabel"
        )
    per_occupation = relations // occupations
    relation_rows = []
    for index, occupation in enumerate(occupation_uris):
        count = per_occupation + (1 if index < relations % occupations else 0)
        for skill in rng.sample(skill_uris, count):
            kind = rng.choice(("essential", "optional"))
            if layout == "1.2":
                relation_rows.append(
                    [occupation, "an occupation", kind, "skill/competence", skill, labels[skill]]
                )
            else:
                relation_rows.append([occupation, kind, "skill/competence", skill])
    _write(out / "occupationSkillRelations_en.csv", relation_header, relation_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--layout", choices=("1.1", "1.2"), default="1.1")
    args = parser.parse_args()
    generate(args.out, layout=args.layout)


if __name__ == "__main__":
    main()
