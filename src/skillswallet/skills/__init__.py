"""Skills: the taxonomy (ESCO, custom frameworks) and, as they land, evidence levels,
the skills profile, matching, credential builders and baking.

Each module exports its public names here; add yours in a block of its own.
"""

from __future__ import annotations

# -- taxonomy ---------------------------------------------------------------------------
from .esco import ESCO_ATTRIBUTION, load_esco_directory, starter_taxonomy
from .frameworks import FrameworkTaxonomy, load_framework, parse_framework
from .index import IndexBuilder, TaxonomyIndex
from .store import (
    default_taxonomy,
    install_esco_directory,
    install_framework,
    taxonomy_dir,
    user_index,
)
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
    "FrameworkTaxonomy",
    "IndexBuilder",
    "Level",
    "MatchType",
    "Relation",
    "ReuseLevel",
    "SourceInfo",
    "Taxonomy",
    "TaxonomyIndex",
    "default_taxonomy",
    "install_esco_directory",
    "install_framework",
    "load_esco_directory",
    "load_framework",
    "normalize",
    "parse_framework",
    "starter_taxonomy",
    "taxonomy_dir",
    "user_index",
]
