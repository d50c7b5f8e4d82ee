"""Where a user's taxonomy lives, and the taxonomy the wallet uses by default.

The user's data directory (``$SKILLSWALLET_TAXONOMY_DIR``, else
``<user data dir>/skillswallet/taxonomy``) holds ``esco-index.json.gz`` (a loaded ESCO
download) and ``frameworks/*.json`` (custom frameworks). Both are replaced atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_data_dir

from ..errors import TaxonomyError
from .esco import Progress, load_esco_directory, starter_taxonomy
from .frameworks import FrameworkTaxonomy, load_framework
from .index import TaxonomyIndex
from .taxonomy import CombinedTaxonomy, Taxonomy

__all__ = [
    "TAXONOMY_DIR_ENV",
    "default_taxonomy",
    "install_esco_directory",
    "install_framework",
    "installed_frameworks",
    "taxonomy_dir",
    "taxonomy_labels",
    "user_index",
    "user_index_path",
]

TAXONOMY_DIR_ENV = "SKILLSWALLET_TAXONOMY_DIR"
INDEX_NAME = "esco-index.json.gz"


def taxonomy_dir() -> Path:
    """The directory of the user's taxonomy data (it may not exist yet)."""
    env = os.environ.get(TAXONOMY_DIR_ENV)
    return Path(env) if env else Path(user_data_dir("skillswallet")) / "taxonomy"


def user_index_path(directory: Path | None = None) -> Path:
    """Where ``taxonomy load DIR`` keeps the ESCO index."""
    return (directory or taxonomy_dir()) / INDEX_NAME


def user_index(directory: Path | None = None) -> TaxonomyIndex | None:
    """The user's ESCO index, or None when none was loaded."""
    path = user_index_path(directory)
    return TaxonomyIndex.read(path) if path.exists() else None


def install_esco_directory(
    source: Path, *, directory: Path | None = None, progress: Progress | None = None
) -> TaxonomyIndex:
    """Load an ESCO CSV download (:func:`load_esco_directory`) and keep it as the user
    index, replacing any earlier one atomically: on any error the old index stays."""
    index = load_esco_directory(source.resolve(), progress=progress)
    index.write(user_index_path(directory))
    return index


def installed_frameworks(directory: Path | None = None) -> list[FrameworkTaxonomy]:
    """The custom frameworks installed with :func:`install_framework`, by file name."""
    folder = (directory or taxonomy_dir()) / "frameworks"
    if not folder.is_dir():
        return []
    return [load_framework(path) for path in sorted(folder.glob("*.json"))]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "framework"


def install_framework(path: Path, *, directory: Path | None = None) -> FrameworkTaxonomy:
    """Check a framework file and copy it into the user's taxonomy directory (named
    after the framework; one of the same name is replaced atomically)."""
    framework = load_framework(path)
    folder = (directory or taxonomy_dir()) / "frameworks"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".framework-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(path.read_bytes())
        os.replace(tmp_name, folder / f"{_slug(framework.name)}.json")
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise TaxonomyError(f"cannot install the framework: {exc.strerror}") from None
    return framework


def full_esco(directory: Path | None = None) -> TaxonomyIndex | None:
    """The user's full ESCO download (``taxonomy load``), which knows every ESCO skill,
    or None when only the bundled starter set is there (it cannot tell an unknown skill
    from one it does not hold) or the stored index cannot be read (``taxonomy info``
    says why; an import must not fail for it)."""
    try:
        return user_index(directory)
    except TaxonomyError:
        return None


def default_taxonomy(directory: Path | None = None) -> CombinedTaxonomy:
    """The taxonomy the wallet uses: the user's ESCO index (when loaded) over the bundled
    starter set, then the installed custom frameworks. ESCO comes first so that a
    framework file cannot rename or reclassify an ESCO skill (its crosswalk links to ESCO,
    its own concepts have URIs of their own)."""
    layers: list[Taxonomy] = []
    index = user_index(directory)
    if index is not None:
        layers.append(index)
    layers.append(starter_taxonomy())
    layers.extend(installed_frameworks(directory))
    return CombinedTaxonomy(layers)


def taxonomy_labels(
    uris: Sequence[str], lang: str = "en", directory: Path | None = None
) -> dict[str, str]:
    """The names the taxonomy (:func:`default_taxonomy`) gives ``uris``, for the ones it
    holds: a credential builder's label when none was given."""
    taxonomy = default_taxonomy(directory)
    found: dict[str, str] = {}
    for uri in uris:
        concept = taxonomy.get(uri)
        label = concept.label(lang) if concept is not None else None
        if label:
            found[uri] = label
    return found
