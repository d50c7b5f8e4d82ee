"""Batch issuance (issue #12 item 2): a cohort from CSV, bad rows named by line and column,
--strict, resuming after an interruption (Ctrl-C, a crash between writing and recording,
kill -9 of the process, a killed worker) without a row issued twice or a status index
given twice, CSV edge cases, and a template that cannot make a valid credential."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillswallet import KeyPair, did_from_public_key, verification_method_id, verify
from skillswallet.did.keyfile import write_key_file
from skillswallet.did.keys import KeySigner
from skillswallet.errors import BatchInputError, BatchWorkerError
from skillswallet.issuer import MANIFEST, Batch, BatchInterrupted, CsvRows, issue_batch
from skillswallet.issuer import batch as batch_module
from skillswallet.issuer.manifest import Manifest
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import DirectorySource

from .conftest import invoke_main

TEMPLATE = Path(__file__).parents[1] / "examples" / "diploma-template.json"
LIST = "https://school.example/status/revocation/1"
SKILL = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"
HEADER = ["name", "subject", "skill", "skill_label", "grade"]


def cohort(count: int) -> list[list[str]]:
    return [
        [
            f"Student {i}",
            f"mailto:student{i}@example.org" if i % 2 else f"did:example:student{i}",
            SKILL,
            "give advice to others",
            "ABCDE"[i % 5],
        ]
        for i in range(1, count + 1)
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class School:
    def __init__(self, tmp: Path) -> None:
        self.key = KeyPair.generate()
        self.did = did_from_public_key(self.key.public)
        self.signer: KeySigner = self.key.signer(verification_method_id(self.key.public))
        self.registry = SqliteStatusRegistry(tmp / "status.sqlite")
        self.status = StatusIssuer(self.registry)
        self.status.create_list(LIST, "revocation", self.did)
        self.template: dict[str, Any] = json.loads(TEMPLATE.read_text())
        self.tmp = tmp

    def issue(self, csv_path: Path, out: Path, **options: Any) -> Any:
        return issue_batch(
            self.template,
            CsvRows(csv_path),
            out,
            self.signer,
            status=self.status,
            status_lists=[LIST],
            **options,
        )


@pytest.fixture
def school(tmp_path: Path) -> Iterator[School]:
    made = School(tmp_path)
    yield made
    made.registry.close()


def manifest_records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]


def issued_records(out: Path) -> list[dict[str, Any]]:
    return [r for r in manifest_records(out) if r["type"] == "issued"]


def assert_consistent(out: Path, registry: SqliteStatusRegistry, rows: int) -> None:
    """Every row once in the manifest, one file each, every index once."""
    issued = issued_records(out)
    assert sorted(r["row"] for r in issued) == list(range(1, rows + 1))
    files = sorted(p.name for p in out.glob("row-*.json"))
    assert files == sorted(r["file"] for r in issued)
    ids = [json.loads((out / r["file"]).read_text())["id"] for r in issued]
    assert len(set(ids)) == rows == len({r["id"] for r in issued})
    indices = [registry.allocations(i)[0].index for i in ids]
    assert len(set(indices)) == rows
    assert indices == [r["status"][0]["index"] for r in issued]
    assert not list(out.glob(".*.tmp"))


def test_cohort_with_a_bad_row_issues_the_rest_and_all_verify(
    school: School, tmp_path: Path
) -> None:
    rows = cohort(20)
    rows[6][1] = "not a url"  # line 8: the header is line 1
    out = tmp_path / "out"
    report = school.issue(write_csv(tmp_path / "cohort.csv", rows), out)
    assert len(report.issued) == 19 and report.rows == 20
    # one message for the one bad cell (the schema's regex is not printed as well)
    assert [(e.line, e.column) for e in report.errors] == [(8, "subject")]
    assert "line 8, column 'subject': credentialSubject.id must be a URL" in str(report.errors[0])
    assert (os.stat(out).st_mode & 0o777) == 0o700
    published = tmp_path / "published"
    school.status.publish(published, school.signer, now=batch_module.datetime.now(batch_module.UTC))
    lists = DirectorySource(published)
    for entry in report.issued:
        credential = json.loads((out / entry.file).read_text())
        assert verify(credential, status=lists).verified, entry
        assert credential["credentialSubject"]["name"].startswith("Student ")
        assert credential["description"].startswith("Final grade: ")
    records = manifest_records(out)
    assert records[0]["type"] == "batch" and records[0]["issuer"] == school.did
    assert len(issued_records(out)) == 19
    # a re-run issues nothing again and still names the bad row
    again = school.issue(tmp_path / "cohort.csv", out)
    assert (len(again.issued), again.skipped, len(again.errors)) == (0, 19, 1)
    assert len(issued_records(out)) == 19


def test_strict_signs_nothing(school: School, tmp_path: Path) -> None:
    rows = cohort(5)
    rows[2][2] = "no skill uri"
    out = tmp_path / "out"
    report = school.issue(write_csv(tmp_path / "c.csv", rows), out, strict=True)
    assert report.aborted and not report.issued
    assert report.errors[0].line == 4 and report.errors[0].column == "skill"
    assert not list(out.glob("row-*.json")) and len(manifest_records(out)) == 1
    assert school.registry.lists()[0].used == 0  # no status index given out


def test_interrupted_batch_resumes_without_duplicates(school: School, tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "c.csv", cohort(150))
    out = tmp_path / "out"
    with Batch(
        school.template, CsvRows(csv_path), out, school.signer,
        status=school.status, status_lists=[LIST], workers=1,
    ) as batch:  # fmt: skip
        batch.check()

        def stop(_: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(BatchInterrupted) as info:
            batch.sign(progress=stop)
    first = len(info.value.report.issued)
    assert first == 64 == len(issued_records(out))
    report = school.issue(csv_path, out, workers=1)
    assert report.skipped == 64 and len(report.issued) == 86
    assert_consistent(out, school.registry, 150)


def test_files_written_but_not_recorded_are_recovered_not_signed_again(
    school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_path = write_csv(tmp_path / "c.csv", cohort(10))
    out = tmp_path / "out"

    def crash(self: Manifest, entries: list[Any]) -> None:
        raise KeyboardInterrupt  # the process dies after the files, before the manifest

    monkeypatch.setattr(Manifest, "record", crash)
    with pytest.raises(BatchInterrupted):
        school.issue(csv_path, out)
    monkeypatch.undo()
    before = {p.name: p.read_bytes() for p in out.glob("row-*.json")}
    assert len(before) == 10 and not issued_records(out)
    report = school.issue(csv_path, out)
    assert len(report.recovered) == 10 and not report.issued
    assert {p.name: p.read_bytes() for p in out.glob("row-*.json")} == before
    assert_consistent(out, school.registry, 10)


def _children() -> list[int]:
    pid = os.getpid()
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork workers: Linux")
def test_a_killed_worker_stops_the_batch_and_a_rerun_completes(
    school: School, tmp_path: Path
) -> None:
    csv_path = write_csv(tmp_path / "c.csv", cohort(400))
    out = tmp_path / "out"
    with Batch(
        school.template, CsvRows(csv_path), out, school.signer,
        status=school.status, status_lists=[LIST], workers=2,
    ) as batch:  # fmt: skip
        batch.check()

        def kill_a_worker(_: int) -> None:
            os.kill(_children()[0], signal.SIGKILL)

        with pytest.raises(BatchWorkerError, match="run the same batch again"):
            batch.sign(progress=kill_a_worker)
    done = len(issued_records(out))
    assert 0 < done < 400
    report = school.issue(csv_path, out, workers=2)
    assert report.skipped == done
    assert_consistent(out, school.registry, 400)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork workers, /proc")
def test_kill_9_of_the_cli_mid_batch_then_resume(tmp_path: Path) -> None:
    key = KeyPair.generate()
    did = did_from_public_key(key.public)
    write_key_file(tmp_path / "school.key", key)
    registry = tmp_path / "status.sqlite"
    with SqliteStatusRegistry(registry) as reg:
        StatusIssuer(reg).create_list(LIST, "revocation", did)
    csv_path = write_csv(tmp_path / "c.csv", cohort(600))
    out = tmp_path / "out"
    command = [
        sys.executable, "-c", "from skillswallet_launcher import main; main()",
        "issue", "batch", "--key", str(tmp_path / "school.key"),
        "--template", str(TEMPLATE), "--csv", str(csv_path), "--out", str(out),
        "--status-list", LIST, "--registry", str(registry),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if (out / MANIFEST).exists() and '"issued"' in (out / MANIFEST).read_text():
            break
        time.sleep(0.005)
    process.kill()  # SIGKILL: no handler runs; the workers die with it (PDEATHSIG)
    process.wait()
    first = len(issued_records(out))
    assert 0 < first < 600  # stopped mid-batch
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["skipped"] == first and summary["failed"] == 0
    assert summary["issued"] + summary["recovered"] + first == 600
    with SqliteStatusRegistry(registry) as reg:
        assert_consistent(out, reg, 600)
        assert reg.lists()[0].used == 600  # no index allocated and left over


def test_csv_edge_cases(school: School, tmp_path: Path) -> None:
    rows = cohort(4)
    text = "\ufeff" + ",".join(HEADER) + "\n"  # a byte-order mark before the header
    text += ",".join(f'"{c}"' for c in rows[0]) + "\n"
    text += '"Student\nwith a newline",did:example:nl,' + f"{SKILL},label,B\n"  # lines 3-4
    text += "\n"  # a blank line: skipped
    text += "Short Row,did:example:short\n"  # line 6: fields missing
    text += ",".join(rows[3]) + ",extra\n"  # line 7: one field too many
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    report = school.issue(tmp_path / "c.csv", tmp_path / "out")
    assert len(report.issued) == 2
    errors = {(e.line, e.column) for e in report.errors}
    assert errors == {(6, "skill"), (7, None)}
    quoted = json.loads((tmp_path / "out" / "row-000002.json").read_text())
    assert quoted["credentialSubject"]["name"] == "Student\nwith a newline"

    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(BatchInputError, match="empty"):
        CsvRows(tmp_path / "empty.csv")
    header_only = write_csv(tmp_path / "h.csv", [])
    assert school.issue(header_only, tmp_path / "out2").rows == 0
    # a column the template does not use is named in a warning; one it needs is required
    extra = write_csv(tmp_path / "x.csv", [[*r, "x"] for r in cohort(2)], [*HEADER, "notes"])
    assert "notes" in school.issue(extra, tmp_path / "out3").warnings[0]
    missing = write_csv(tmp_path / "m.csv", [r[:4] for r in cohort(2)], HEADER[:4])
    with pytest.raises(BatchInputError, match="no column 'grade'"):
        school.issue(missing, tmp_path / "out4")


def test_dotted_path_columns_and_typed_placeholders(school: School, tmp_path: Path) -> None:
    template = dict(school.template)
    template["id"] = "https://school.example/diplomas/{{number}}"
    template["credentialSubject"] = {
        **template["credentialSubject"],
        "id": "did:example:placeholder",
        "achievement": {
            **template["credentialSubject"]["achievement"],
            "creditsAvailable": "{{credits:number}}",
        },
    }
    header = ["number", "name", "credentialSubject.id", "skill", "skill_label", "grade", "credits"]
    rows = [[str(i), f"S{i}", f"did:example:{i}", SKILL, "l", "A", "30"] for i in (1, 2)]
    rows.append(["2", "Twin", "did:example:x", SKILL, "l", "A", "thirty"])  # same id, bad number
    school.template = template
    report = school.issue(write_csv(tmp_path / "c.csv", rows, header), tmp_path / "out")
    assert len(report.issued) == 2
    assert [(e.line, e.column) for e in report.errors] == [(4, "credits")]
    one = json.loads((tmp_path / "out" / "row-000001.json").read_text())
    assert one["id"] == "https://school.example/diplomas/1"
    assert one["credentialSubject"]["id"] == "did:example:1"
    assert one["credentialSubject"]["achievement"]["creditsAvailable"] == 30
    # the ids have status entries now: issuing them again (elsewhere) is refused
    report = school.issue(tmp_path / "c.csv", tmp_path / "out2")
    assert not report.issued and "already has an entry" in report.errors[0].message
    rows[2][6] = "30"
    csv_path = write_csv(tmp_path / "c.csv", rows, header)
    report = issue_batch(template, CsvRows(csv_path), tmp_path / "out3", school.signer)
    assert [(e.line, e.column) for e in report.errors] == [(4, "number")]
    assert "the id of line 3 too" in report.errors[0].message


def test_a_template_that_violates_its_schema_signs_nothing(school: School, tmp_path: Path) -> None:
    del school.template["credentialSubject"]["achievement"]["criteria"]
    out = tmp_path / "out"
    with pytest.raises(BatchInputError, match="the template does not make a valid credential"):
        school.issue(write_csv(tmp_path / "c.csv", cohort(3)), out)
    assert not list(out.glob("row-*.json"))
    fixed_id = dict(json.loads(TEMPLATE.read_text()), id="urn:uuid:same-for-all")
    with pytest.raises(BatchInputError, match="same for every row"):
        issue_batch(fixed_id, CsvRows(tmp_path / "c.csv"), tmp_path / "o2", school.signer)


def test_output_folder_is_never_a_symlink_and_a_planted_file_is_not_overwritten(
    school: School, tmp_path: Path
) -> None:
    csv_path = write_csv(tmp_path / "c.csv", cohort(3))
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(BatchInputError, match="symbolic link"):
        school.issue(csv_path, tmp_path / "link")
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    (out / "row-000002.json").symlink_to(tmp_path / "victim")
    report = school.issue(csv_path, out)
    assert len(report.issued) == 2 and report.errors[0].line == 3
    assert not (tmp_path / "victim").exists()
    with pytest.raises(BatchInputError, match="another template"):
        issue_batch(dict(school.template, name="x {{name}}"), CsvRows(csv_path), out, school.signer)


def test_cli_issue_batch_with_a_vault_key(
    cli_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    code, out, _ = invoke_main(monkeypatch, capsys, "did", "create", "--json")
    did = json.loads(out)["did"]
    assert invoke_main(
        monkeypatch, capsys, "status", "init", "--url", LIST, "--issuer", did
    )[0] == 0  # fmt: skip
    rows = cohort(6)
    rows[3][2] = "bad skill"
    csv_path = write_csv(tmp_path / "cohort.csv", rows)
    args = [
        "issue", "batch", "--as", did, "--template", str(TEMPLATE), "--csv", str(csv_path),
        "--status-list", LIST,
    ]  # fmt: skip
    code, out, err = invoke_main(monkeypatch, capsys, *args, "--out", str(tmp_path / "d"))
    assert code == 1
    assert "line 5, column 'skill'" in err and "Issued 5 credential(s)" in out
    code, out, err = invoke_main(
        monkeypatch, capsys, *args, "--out", str(tmp_path / "s"), "--strict", "--json"
    )
    assert code == 1 and json.loads(out)["aborted"] is True
    assert not list((tmp_path / "s").glob("row-*.json"))
    code, _, err = invoke_main(monkeypatch, capsys, "issue", "batch", "--template", "x")
    assert code == 2
    code, _, err = invoke_main(
        monkeypatch, capsys, *args[:-2], "--out", str(tmp_path / "e"), "--key", "k"
    )
    assert code == 2 and "exactly one of --key" in err
    (tmp_path / "empty.csv").write_text("")
    code, _, err = invoke_main(
        monkeypatch, capsys, "issue", "batch", "--as", did, "--template", str(TEMPLATE),
        "--csv", str(tmp_path / "empty.csv"), "--out", str(tmp_path / "e"),
    )  # fmt: skip
    assert code == 3 and "is empty" in err
