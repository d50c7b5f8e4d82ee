"""Our status lists decode with Digital Bazaar's @digitalbazaar/vc-bitstring-status-list
(the reference implementation), and it accepts our status entries. Optional: skipped
unless Node and the package are installed (cd tests/js && npm ci); the other direction
(their lists here) is in test_status.py and always runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import NOW
from .statuskit import REVOCATION, make_school

JS = Path(__file__).parent / "js"
PACKAGE = JS / "node_modules" / "@digitalbazaar" / "vc-bitstring-status-list"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not PACKAGE.is_dir(),
    reason="needs Node and @digitalbazaar/vc-bitstring-status-list (cd tests/js && npm ci)",
)


def test_our_list_decodes_in_the_reference_library(tmp_path: Path) -> None:
    school = make_school(tmp_path)
    revoked, kept = school.credential(lists=(REVOCATION,)), school.credential(lists=(REVOCATION,))
    school.issuer.revoke(revoked["id"])
    listed = school.issuer.list_credential(REVOCATION, school.signer, now=NOW)
    gone = int(revoked["credentialStatus"]["statusListIndex"])
    fine = int(kept["credentialStatus"]["statusListIndex"])
    request = {"listCredential": listed, "credential": revoked, "indices": [gone, fine, 0]}
    done = subprocess.run(
        ["node", str(JS / "decode_status_list.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=JS,
        timeout=60,
        check=True,
    )
    answer = json.loads(done.stdout)
    assert answer["length"] == 131_072
    assert answer["statuses"] == {str(gone): True, str(fine): False, "0": gone == 0}
    assert answer["typeMatches"] is True
    assert answer["entryIndex"] == str(gone)
