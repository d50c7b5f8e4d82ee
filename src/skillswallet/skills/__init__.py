"""Skills: the taxonomy (ESCO, custom frameworks) and, as they land, evidence levels,
the skills profile, matching, credential builders and baking.

Each module exports its public names here; add yours in a block of its own.
"""

from __future__ import annotations

# -- taxonomy ---------------------------------------------------------------------------
from .esco import ESCO_ATTRIBUTION, load_esco_directory, starter_taxonomy

# -- evidence levels, the profile, gap analysis --------------------------------------------
from .evidence import EvidenceLevel, HeldCredential, SkillClaim, skill_claims
from .frameworks import FrameworkTaxonomy, load_framework, parse_framework
from .index import IndexBuilder, TaxonomyIndex
from .matching import (
    MatchReport,
    Outcome,
    Requirement,
    Requirements,
    load_requirements,
    match,
    occupation_requirements,
    parse_requirements,
    rank_occupations,
)
from .profile import ProfileSkill, SkillsProfile, Upgrade, build_profile
from .store import (
    default_taxonomy,
    full_esco,
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
    unknown_skills,
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
    "EvidenceLevel",
    "FrameworkTaxonomy",
    "HeldCredential",
    "IndexBuilder",
    "Level",
    "MatchReport",
    "MatchType",
    "Outcome",
    "ProfileSkill",
    "Relation",
    "Requirement",
    "Requirements",
    "ReuseLevel",
    "SkillClaim",
    "SkillsProfile",
    "SourceInfo",
    "Taxonomy",
    "TaxonomyIndex",
    "Upgrade",
    "build_profile",
    "default_taxonomy",
    "full_esco",
    "install_esco_directory",
    "install_framework",
    "load_esco_directory",
    "load_framework",
    "load_requirements",
    "match",
    "normalize",
    "occupation_requirements",
    "parse_framework",
    "parse_requirements",
    "rank_occupations",
    "skill_claims",
    "starter_taxonomy",
    "taxonomy_dir",
    "unknown_skills",
    "user_index",
]
