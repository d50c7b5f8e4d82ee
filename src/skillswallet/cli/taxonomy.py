"""Taxonomy commands of the ``skillswallet`` CLI: search, show, load, info.

Thin wrappers over :mod:`skillswallet.skills`: parse, one library call, render.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..skills.taxonomy import (
    KIND_ISCO_GROUP,
    KIND_OCCUPATION,
    KIND_SKILL_GROUP,
    SKILL_KINDS,
    Concept,
    Relation,
    SourceInfo,
    Taxonomy,
)
from .common import EXIT_USAGE, fail, say, say_either, say_json

if TYPE_CHECKING:
    pass

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
LangOpt = Annotated[
    str,
    typer.Option("--lang", help="Language of the labels shown (falls back to English, then any)."),
]


class KindChoice(StrEnum):
    skill = "skill"
    occupation = "occupation"
    skill_group = "skill-group"
    isco_group = "isco-group"
    any = "any"


# "skill" means what a person can hold: ESCO's skills and its knowledge items.
_KINDS: dict[KindChoice, frozenset[str] | None] = {
    KindChoice.skill: SKILL_KINDS,
    KindChoice.occupation: frozenset({KIND_OCCUPATION}),
    KindChoice.skill_group: frozenset({KIND_SKILL_GROUP}),
    KindChoice.isco_group: frozenset({KIND_ISCO_GROUP}),
    KindChoice.any: None,
}


def concept_json(concept: Concept, lang: str) -> dict[str, Any]:
    """A concept as the ``--json`` output shows it."""
    return {
        "uri": concept.uri,
        "kind": concept.kind,
        "framework": concept.framework,
        "label": concept.label(lang),
        "preferredLabels": dict(concept.preferred_labels),
        "alternativeLabels": {k: list(v) for k, v in concept.alternative_labels.items()},
        "hiddenLabels": {k: list(v) for k, v in concept.hidden_labels.items()},
        "description": concept.description(lang),
        "code": concept.code,
        "reuseLevel": concept.reuse_level.value if concept.reuse_level else None,
        "broader": list(concept.broader),
        "collections": sorted(concept.collections),
        "levels": [{"id": level.id, "label": level.label(lang)} for level in concept.levels],
        "crosswalk": [{"target": c.target, "match": c.match.value} for c in concept.crosswalk],
    }


def _source_json(source: SourceInfo) -> dict[str, Any]:
    return {
        "name": source.name,
        "framework": source.framework,
        "attribution": source.attribution,
        "version": source.version,
        "location": source.location,
        "counts": dict(source.counts),
        "notes": list(source.notes),
    }


def _counts_text(counts: dict[str, int] | Any) -> str:
    return ", ".join(f"{count:,} {kind}" for kind, count in counts.items())


def _labelled(taxonomy: Taxonomy, uris: list[str], lang: str) -> list[dict[str, Any]]:
    return [{"uri": uri, "label": taxonomy.label(uri, lang)} for uri in uris]


def register(app: typer.Typer) -> None:
    """Add the ``taxonomy`` command group to ``app``."""
    taxonomy_app = typer.Typer(
        help="Find skills and occupations in ESCO (bundled starter set, or a full ESCO "
        "download you load) and in custom frameworks.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    app.add_typer(taxonomy_app, name="taxonomy")

    @taxonomy_app.command("search")
    def search(
        text: Annotated[
            str, typer.Argument(help="Words to look for in skill and occupation names.")
        ],
        kind: Annotated[
            KindChoice,
            typer.Option(
                "--kind",
                help="What to look for: skill (skills and knowledge), occupation, skill-group, "
                "isco-group or any.",
            ),
        ] = KindChoice.any,
        lang: LangOpt = "en",
        limit: Annotated[
            int, typer.Option("--limit", min=1, max=1000, help="Show at most this many.")
        ] = 20,
        json_output: JsonOpt = False,
    ) -> None:
        """Search names (preferred, alternative and ESCO's hidden labels), ignoring case
        and accents: 'cafe' finds 'café', 'teams work' finds 'work in teams', 'plummer'
        finds 'plumber'. Exact and starting matches come first, then names with every word
        you typed, then names with the text inside a word. Prints each match's kind,
        preferred name and URI (use the URI with 'taxonomy show', or in credentials)."""
        from ..skills.store import default_taxonomy

        found = default_taxonomy().search(text, kind=_KINDS[kind], limit=limit)
        if json_output:
            say_json([concept_json(concept, lang) for concept in found])
            return
        if not found:
            say(f"nothing found for {text!r}")
            return
        say(*(f"{c.kind:<12} {c.label(lang)}  <{c.uri}>" for c in found))

    @taxonomy_app.command("show")
    def show(
        uri: Annotated[str, typer.Argument(help="The concept's URI (from 'taxonomy search').")],
        lang: LangOpt = "en",
        json_output: JsonOpt = False,
    ) -> None:
        """Show one skill or occupation: names, description, broader concepts, and for an
        occupation its essential and optional skills (when a full ESCO download is loaded)."""
        from ..skills.store import default_taxonomy

        taxonomy = default_taxonomy()
        concept = taxonomy.get(uri)
        if concept is None:
            fail(f"no concept {uri!r} in the loaded taxonomies; try 'taxonomy search'")
        skills = taxonomy.occupation_skills(uri)
        essential = [s for s, relation in skills if relation is Relation.ESSENTIAL]
        optional = [s for s, relation in skills if relation is Relation.OPTIONAL]
        if json_output:
            value = concept_json(concept, lang)
            value["broader"] = _labelled(taxonomy, list(concept.broader), lang)
            if concept.kind == KIND_OCCUPATION:
                value["essentialSkills"] = _labelled(taxonomy, essential, lang)
                value["optionalSkills"] = _labelled(taxonomy, optional, lang)
            say_json(value)
            return
        lines = [concept.label(lang), f"  {concept.kind} in {concept.framework}: {concept.uri}"]
        if concept.code:
            lines.append(f"  code: {concept.code}")
        alternatives = concept.alternative_labels.get(lang) or concept.alternative_labels.get("en")
        if alternatives:
            lines.append(f"  also called: {'; '.join(alternatives)}")
        if concept.reuse_level or concept.collections:
            kinds = [concept.reuse_level.value] if concept.reuse_level else []
            lines.append(f"  use: {', '.join(kinds + sorted(concept.collections - set(kinds)))}")
        description = concept.description(lang)
        if description:
            lines += ["", *description.splitlines(), ""]
        for broader in concept.broader:
            lines.append(f"  broader: {taxonomy.label(broader, lang) or '?'}  <{broader}>")
        if concept.levels:
            lines.append(f"  levels: {', '.join(level.label(lang) for level in concept.levels)}")
        for link in concept.crosswalk:
            name = taxonomy.label(link.target, lang) or "?"
            lines.append(f"  {link.match.value} match: {name}  <{link.target}>")
        if concept.kind == KIND_OCCUPATION:
            if not skills:
                lines.append(
                    "  skills: not loaded (the starter set has none; "
                    "'skillswallet taxonomy load DIR' loads a full ESCO download)"
                )
            for title, uris in (("essential skills", essential), ("optional skills", optional)):
                if uris:
                    lines.append(f"  {title} ({len(uris)}):")
                    lines += [f"    {taxonomy.label(s, lang) or '?'}  <{s}>" for s in uris]
        say(*lines)

    @taxonomy_app.command("load")
    def load(
        source: Annotated[
            Path,
            typer.Argument(
                help="A folder with the CSV files of an ESCO download (esco.ec.europa.eu, "
                "'Download', CSV, any language), or a custom framework's JSON file.",
                exists=True,
            ),
        ],
        json_output: JsonOpt = False,
    ) -> None:
        """Load a full ESCO download (all skills and which skills each occupation needs)
        into your data folder, replacing an earlier one; or install a custom framework
        (a JSON file, see schemas/skills-framework.schema.json). Nothing changes on error."""
        from ..skills.store import install_esco_directory, install_framework, user_index_path

        if source.is_dir():

            def progress(name: str, done: int, total: int) -> None:
                say(f"[{done + 1}/{total}] reading {name}", err=True)

            index = install_esco_directory(source, progress=progress)
            counts = index.counts()
            where = user_index_path()
            say_either(
                json_output,
                {
                    "loaded": "esco",
                    "index": str(where),
                    "counts": counts,
                    "skipped": list(index.source.get("skipped", [])),
                },
                f"loaded {_counts_text(counts)}",
                f"into {where}",
                *(
                    [f"skipped (not used): {', '.join(index.source['skipped'])}"]
                    if index.source.get("skipped")
                    else []
                ),
            )
        elif source.suffix.lower() == ".json":
            framework = install_framework(source)
            (info,) = framework.sources()
            say_either(
                json_output,
                {"loaded": "framework", "name": framework.name, "counts": dict(info.counts)},
                f"installed the framework {framework.name!r}: {_counts_text(info.counts)}",
            )
        else:
            fail("give a folder of ESCO CSV files or a framework .json file", EXIT_USAGE)

    @taxonomy_app.command("info")
    def info(json_output: JsonOpt = False) -> None:
        """Show which taxonomies are loaded, what they hold, where they come from
        (with attribution) and where your own index is kept."""
        from ..skills.store import default_taxonomy, taxonomy_dir

        sources = default_taxonomy().sources()
        if json_output:
            say_json(
                {"directory": str(taxonomy_dir()), "sources": [_source_json(s) for s in sources]}
            )
            return
        lines = []
        for source in sources:
            lines.append(f"{source.name} ({source.framework})")
            lines.append(f"  {_counts_text(source.counts)}")
            for label, value in (
                ("version", source.version),
                ("from", source.location),
                ("attribution", source.attribution),
            ):
                if value:
                    lines.append(f"  {label}: {value}")
            lines += [f"  note: {note}" for note in source.notes]
        lines.append(f"your taxonomy folder: {taxonomy_dir()}")
        say(*lines)
