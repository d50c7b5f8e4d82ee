"""Skills: the taxonomy (ESCO, custom frameworks) and, as they land, evidence levels,
the skills profile, matching, credential builders and baking.

Each module exports its public names here; add yours in a block of its own.
"""

from __future__ import annotations

# -- taxonomy ---------------------------------------------------------------------------
from .esco import ESCO_ATTRIBUTION, load_esco_directory, starter_taxonomy
from .index import IndexBuilder, TaxonomyIndex
from .taxonomy import (
    KIND_ISCO_GROUP,
    KIND_KNOWLEDGE,
    KIND_OCCUPATION,
    KIND_SKILL,
    KIND_SKILL_GROUP,
    SKILL_KINDS,
    CombinedTaxonomy,
    Concept,
    CrosswalkLink,
    Level,
    MatchType,
    Relation,
    ReuseLevel,
    SourceInfo,
    Taxonomy,
    normalize,
)

__all__ = [
    # taxonomy
    "ESCO_ATTRIBUTION",
    "KIND_ISCO_GROUP",
    "KIND_KNOWLEDGE",
    "KIND_OCCUPATION",
    "KIND_SKILL",
    "KIND_SKILL_GROUP",
    "SKILL_KINDS",
    "CombinedTaxonomy",
    "Concept",
    "CrosswalkLink",
    "IndexBuilder",
    "Level",
    "MatchType",
    "Relation",
    "ReuseLevel",
    "SourceInfo",
    "Taxonomy",
    "TaxonomyIndex",
    "load_esco_directory",
    "normalize",
    "starter_taxonomy",
]
