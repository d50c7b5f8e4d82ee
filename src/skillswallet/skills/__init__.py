"""Skills: the taxonomy (ESCO, custom frameworks) and, as they land, evidence levels,
the skills profile, matching, credential builders and baking.

Each module exports its public names here; add yours in a block of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    # -- taxonomy ---------------------------------------------------------------------
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

#: Each public name and the module it comes from (imported on first use).
_SOURCES = {
    "ESCO_ATTRIBUTION": ".esco",
    "load_esco_directory": ".esco",
    "starter_taxonomy": ".esco",
    "EvidenceLevel": ".evidence",
    "HeldCredential": ".evidence",
    "SkillClaim": ".evidence",
    "skill_claims": ".evidence",
    "FrameworkTaxonomy": ".frameworks",
    "load_framework": ".frameworks",
    "parse_framework": ".frameworks",
    "IndexBuilder": ".index",
    "TaxonomyIndex": ".index",
    "MatchReport": ".matching",
    "Outcome": ".matching",
    "Requirement": ".matching",
    "Requirements": ".matching",
    "load_requirements": ".matching",
    "match": ".matching",
    "occupation_requirements": ".matching",
    "parse_requirements": ".matching",
    "rank_occupations": ".matching",
    "ProfileSkill": ".profile",
    "SkillsProfile": ".profile",
    "Upgrade": ".profile",
    "build_profile": ".profile",
    "default_taxonomy": ".store",
    "full_esco": ".store",
    "install_esco_directory": ".store",
    "install_framework": ".store",
    "taxonomy_dir": ".store",
    "user_index": ".store",
    "KIND_ISCO_GROUP": ".taxonomy",
    "KIND_KNOWLEDGE": ".taxonomy",
    "KIND_OCCUPATION": ".taxonomy",
    "KIND_SKILL": ".taxonomy",
    "KIND_SKILL_GROUP": ".taxonomy",
    "SKILL_KINDS": ".taxonomy",
    "CombinedTaxonomy": ".taxonomy",
    "Concept": ".taxonomy",
    "CrosswalkLink": ".taxonomy",
    "Level": ".taxonomy",
    "MatchType": ".taxonomy",
    "Relation": ".taxonomy",
    "ReuseLevel": ".taxonomy",
    "SourceInfo": ".taxonomy",
    "Taxonomy": ".taxonomy",
    "normalize": ".taxonomy",
    "unknown_skills": ".taxonomy",
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SOURCES)

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
