"""Build the bundled ESCO starter set from the ESCO CSV files in shared/taxonomy/esco.

    .venv/bin/python tools/build_esco_starter.py [ESCO_DIR]

Writes src/skillswallet/skills/data/esco-starter.json.gz (reproducible: the same input
gives the same bytes). The input is described in ESCO_DIR/SOURCES.md; the provenance
recorded in the file (and in data/PROVENANCE.md) must say where it came from.
"""

from __future__ import annotations

import sys
from pathlib import Path

from skillswallet.skills.esco import STARTER_RESOURCE, load_esco_directory

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "taxonomy" / "esco"
OUT = ROOT / "src" / "skillswallet" / "skills" / "data" / STARTER_RESOURCE
SOURCE_REPOSITORY = "https://github.com/MohamedGouaouri/esco"
SOURCE_COMMIT = "381d16fb6ae1c22f7c7b16a0631dbdc4bada5e8d"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    index = load_esco_directory(
        source,
        name="ESCO starter set (bundled)",
        version="ESCO v1.1 CSV export",
        progress=lambda name, done, total: print(f"[{done + 1}/{total}] {name}"),
    )
    document = index.to_document()
    # Where the data came from, instead of this machine's path.
    document["source"]["location"] = f"{SOURCE_REPOSITORY} at commit {SOURCE_COMMIT}"
    document["source"]["commit"] = SOURCE_COMMIT
    type(index)(document).write(OUT, compresslevel=9)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes): {index.counts()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
