"""benchmarks/run.py's Python half runs without Node (benchmarks are not tests: this only
checks that the entry point works, on the smallest settings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).parents[1] / "benchmarks" / "run.py"


def test_run_py_without_js_prints_one_json_object() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--no-js",
            "--rounds",
            "1",
            "--batch-ms",
            "0",
            "--documents",
            "ob3",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    ops = report["results"]["ob3"]
    assert set(ops) == {
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "ecdsa-rdfc-2019",
        "ecdsa-sd-2023",
        "Ed25519Signature2020",
    }
    assert set(ops["ecdsa-sd-2023"]) == {"base", "derive", "verify"}
    assert ops["eddsa-jcs-2022"]["sign"]["python"]["median_ms"] > 0
    assert "javascript" not in ops["eddsa-jcs-2022"]["sign"]
    assert report["presentation"]["median_ms"] > 0
    assert set(report["targets"]["ed25519_2020_over_eddsa_rdfc"]) == {"ob3/sign", "ob3/verify"}
    jose = report["results"]["jose"]
    assert set(jose["dc+sd-jwt"]) == {"issue", "verify", "verify+kb"}
    assert set(jose["vc+jwt"]) == {"sign", "verify"}
    assert jose["dc+sd-jwt"]["verify"]["python"]["median_ms"] > 0
