"""The verification report as a page an HR employee can read and print: the verdict at
the top, what the document claims in words, then every check with its plain reason.
Self-contained and offline like the skills passport (inline styles, no script, nothing
fetched); every text from the document is escaped. Pure."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Any

from ..result import Status, VerificationResult
from .report import claimed_lines

_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "FAILED",
    Status.INCONCLUSIVE: "could not be decided",
    Status.SKIPPED: "not checked",
}

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:50rem;
margin:1.5rem auto;padding:0 1rem}
.verdict{font-size:1.6rem;font-weight:700;padding:.6rem .9rem;border-radius:6px;border:3px solid;
margin:0 0 .6rem}
.ok{border-color:#0b6e4f;color:#0b6e4f} .bad{border-color:#a31515;color:#a31515}
.verdict.ok::before{content:"\\2713  "} .verdict.bad::before{content:"\\2717  "}
.verdict .why{display:block;font-size:1rem;font-weight:400;color:#1b1b1b}
.tally{font-weight:600}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.6rem;border-radius:4px}
pre .l{display:block}
h3{margin:1rem 0 .2rem;font-size:1.05rem}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.3rem .5rem;
border-bottom:1px solid #ddd;vertical-align:top}
td:last-child{overflow-wrap:anywhere} th:first-child{width:9rem}
td.s{white-space:nowrap;font-weight:600;width:8rem}
.failed,.inconclusive{color:#a31515} .passed{color:#0b6e4f} .skipped{color:#666}
@media (max-width:36rem){th:first-child{width:auto} td.s{width:auto} th,td{padding:.3rem .25rem}}
@media print{body{margin:0;max-width:none;font-size:11pt} pre{background:none;border:1px solid #bbb}
h2,h3{break-after:avoid} tr{break-inside:avoid}
.verdict,.failed,.inconclusive,.passed{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def report_html(result: VerificationResult, document: Any, *, checked_at: datetime) -> str:
    """The page for ``result``, the verification of ``document``."""
    verified = result.verified
    first_problem = next(
        (c for c in result.checks if c.status in (Status.FAILED, Status.INCONCLUSIVE)), None
    )
    verdict = "Verified" if verified else "Not verified"
    why = ""
    if first_problem is not None:
        why = f": <span class=why>{escape(first_problem.reason)}</span>"
    tables: dict[str, list[str]] = {}
    for check in result.checks:
        name = check.id.value.replace("_", " ")
        tables.setdefault(check.target, []).append(
            f"<tr><td>{escape(name)}</td>"
            f"<td class='s {check.status.value}'>{_WORDS[check.status]}</td>"
            f"<td>{escape(check.reason)}</td></tr>"
        )
    sections = [
        f"<h3>{escape(target)}</h3>\n<table><thead><tr><th>check</th><th>result</th>"
        f"<th>why</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
        for target, rows in tables.items()
    ]
    claimed = "\n".join(claimed_lines(document))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            "<html lang=en><head><meta charset=utf-8>",
            '<meta name=viewport content="width=device-width, initial-scale=1">',
            "<meta http-equiv=Content-Security-Policy "
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>{verdict}: verification report</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<p class='verdict {'ok' if verified else 'bad'}'>{verdict}{why}</p>",
            f"<p class=tally>{escape(_tally(result))}</p>",
            f"<p>Checked {escape(checked_at.strftime('%Y-%m-%d %H:%M UTC'))} by skillswallet, "
            "offline unless a network source was allowed.</p>",
            "<h2>What it claims</h2>"
            if verified
            else "<h2>What it claims <small>(not verified: do not rely on it)</small></h2>",
            f"<pre>{_claims(claimed) or 'Not a credential or presentation.'}</pre>",
            "<h2>Checks</h2>",
            *sections,
            "</body></html>",
            "",
        ]
    )


# "  issued by:   " (indentation, a label, the spaces to its value): where a value starts
_LABEL = re.compile(r" *(?:[A-Za-z][A-Za-z ]*: +)?")


def _claims(text: str) -> str:
    """What the document claims, one line a block whose wrapped rest starts under the
    line's value (a hanging indent in the monospace font's ``ch``), not at the left edge
    under the labels: long DIDs and skill URIs wrap on a phone or in print."""
    lines = []
    for line in text.splitlines():
        label = _LABEL.match(line)  # (always matches, if only "")
        hang = label.end() if label else 0
        style = f" style='padding-left:{hang}ch;text-indent:-{hang}ch'" if hang else ""
        lines.append(f"<span class=l{style}>{escape(line)}</span>")
    return "".join(lines)


def _tally(result: VerificationResult) -> str:
    """ "14 checks: 11 passed, 1 FAILED, 2 not checked", in the order of _WORDS."""
    counts = {status: 0 for status in _WORDS}
    for check in result.checks:
        counts[check.status] += 1
    parts = [f"{n} {_WORDS[status]}" for status, n in counts.items() if n]
    return f"{len(result.checks)} check(s): " + ", ".join(parts)
