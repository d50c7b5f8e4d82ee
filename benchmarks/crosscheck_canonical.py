"""Cross-check our canonicalization against Digital Bazaar's (jsonld.js in safe mode, as
their cryptosuites use it) on random documents over the pinned vocabularies.

Run: (cd benchmarks/js && npm ci) && python benchmarks/crosscheck_canonical.py [COUNT]

Prints how many documents both sides canonicalize identically, both refuse, or only one
side accepts, with examples of every disagreement. Not part of the test suite (it needs
Node.js); the random documents are the ones tests/test_expansion.py generates.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_data_loss import CONTEXTS  # noqa: E402
from tests.test_expansion import _nodes  # noqa: E402

from skillswallet.credentials import jsonld  # noqa: E402
from skillswallet.errors import SkillsWalletError  # noqa: E402


def random_documents(count: int) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []

    @settings(
        max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(_nodes(3), st.sampled_from(CONTEXTS))
    def collect(node: dict[str, Any], contexts: list[str]) -> None:
        documents.append({"@context": contexts, **node})

    collect()
    return documents


def ours(document: dict[str, Any]) -> dict[str, str]:
    try:
        return {"ok": jsonld.canonicalize(document)}
    except SkillsWalletError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    documents = random_documents(count)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.writelines(json.dumps(d) + "\n" for d in documents)
    theirs = subprocess.run(
        ["node", str(ROOT / "benchmarks" / "js" / "canonize.mjs"), fh.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")[:-1]  # (not splitlines: JSON text may hold U+2028)
    Path(fh.name).unlink()
    tally: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for document, line in zip(documents, theirs, strict=True):
        mine, reference = ours(document), json.loads(line)
        if "ok" in mine and "ok" in reference:
            verdict = "same" if mine["ok"] == reference["ok"] else "DIFFERENT canonical form"
        elif "ok" in mine:
            verdict = f"only we accept (jsonld.js: {reference['error']})"
        elif "ok" in reference:
            verdict = "only jsonld.js accepts"
        else:
            verdict = "both refuse"
        tally[verdict] += 1
        if verdict not in ("same", "both refuse") and len(examples[verdict]) < 3:
            examples[verdict].append(json.dumps(document)[:300])
    for verdict, n in tally.most_common():
        print(f"{n:6d}  {verdict}")
    for verdict, docs in examples.items():
        print(f"\n{verdict}:")
        for doc in docs:
            print(f"  {doc}")
    return 1 if any(v.startswith(("DIFFERENT", "only we")) for v in tally) else 0


if __name__ == "__main__":
    raise SystemExit(main())
