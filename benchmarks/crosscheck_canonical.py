"""Cross-check our canonicalization against Digital Bazaar's (jsonld.js in safe mode, as
their cryptosuites use it) on random documents over the pinned vocabularies and random
mutations of a real Open Badges credential.

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
from tests.test_verify_fuzz import JSON, PATHS, SIGNED, _mutated  # noqa: E402

from skillswallet.credentials import jsonld  # noqa: E402
from skillswallet.errors import SkillsWalletError  # noqa: E402


def random_documents(count: int) -> list[dict[str, Any]]:
    """Half random node structures, half mutations of a real Open Badges credential."""
    documents: list[dict[str, Any]] = []
    edits = st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(st.just("__delete__"), JSON)),
        min_size=1,
        max_size=3,
    )

    @settings(
        max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(_nodes(3), st.sampled_from(CONTEXTS), edits, st.booleans())
    def collect(node: dict[str, Any], contexts: list[str], change: Any, mutate: bool) -> None:
        if mutate:
            document = _mutated(SIGNED, change)
            if isinstance(document, dict):
                document.pop("proof", None)
                documents.append(document)
        else:
            documents.append({"@context": contexts, **node})

    collect()
    return documents


def _is_json(document: dict[str, Any]) -> bool:
    try:
        json.dumps(document, allow_nan=False)  # (the generator can make infinities)
    except ValueError:
        return False
    return True


def ours(document: dict[str, Any]) -> dict[str, str]:
    try:
        return {"ok": jsonld.canonicalize(document)}
    except SkillsWalletError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    documents = [d for d in random_documents(count) if _is_json(d)]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.writelines(json.dumps(d) + "\n" for d in documents)
    try:
        run = subprocess.run(
            ["node", str(ROOT / "benchmarks" / "js" / "canonize.mjs"), fh.name],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        run = None
    finally:
        Path(fh.name).unlink()
    if run is None or run.returncode != 0:
        detail = run.stderr.strip().splitlines()[-1:] if run else ["node not found"]
        print(
            f"error: the reference could not run ({'; '.join(detail)}); this needs Node.js "
            "and 'npm ci' in benchmarks/js",
            file=sys.stderr,
        )
        return 2
    theirs = run.stdout.split("\n")[:-1]  # (not splitlines: JSON text may hold U+2028)
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
            reason = mine.get("error", "")[:150]
            examples[verdict].append(f"{json.dumps(document)[:300]}\n    ours: {reason}")
    for verdict, n in tally.most_common():
        print(f"{n:6d}  {verdict}")
    for verdict, docs in examples.items():
        print(f"\n{verdict}:")
        for doc in docs:
            print(f"  {doc}")
    return 1 if any(v.startswith(("DIFFERENT", "only we")) for v in tally) else 0


if __name__ == "__main__":
    raise SystemExit(main())
