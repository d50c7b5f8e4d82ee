"""The employer's page at ``/``: paste a credential or presentation (JSON, or a compact
JWT / SD-JWT) or upload one (a baked badge image too), and read the same report page as
``verify --html``. Plain HTML forms, no
script; nothing is kept (the document lives for the one request). Pure functions: the
routes in :mod:`.app` call them."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qs

from .. import jsonio
from ..errors import BakedImageError, InvalidJSONError, SkillsWalletError
from ..jose import JoseError, sniff
from ..skills.baking import badge_in, is_image

#: The one header every page sends: nothing may be fetched, nothing run, nothing framed.
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
)

_FORM = """<!DOCTYPE html>
<html lang=en><head><meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<title>Check a credential</title>
<style>
body{{font:15px/1.45 system-ui,sans-serif;max-width:50rem;margin:1.5rem auto;padding:0 1rem}}
textarea{{width:100%;min-height:16rem;font:13px monospace}}
label{{display:block;margin:.6rem 0 .2rem}}
input[type=text]{{width:100%}} button{{margin-top:.8rem;font-size:1rem;padding:.4rem 1rem}}
.error{{color:#a31515;font-weight:600}} .about{{color:#444}}
</style></head><body>
<h1>Check a credential or presentation</h1>
<p>Paste what the candidate sent you. It is checked here and then forgotten: this service
keeps nothing.</p>
{about}
{error}
<form method=post action=/check enctype=multipart/form-data>
<label for=document>Credential or presentation (JSON, a JWT or an SD-JWT)</label>
<textarea id=document name=document>{document}</textarea>
<label for=file>... or a file: a baked badge (PNG or SVG) or a JSON file</label>
<input type=file id=file name=file accept=".png,.svg,.json,.jwt">
<label for=request>For a presentation: the request you sent the candidate (request.json,
from 'skillswallet request new'): its challenge and domain are used, and the answer is
checked against what it asked</label>
<input type=file id=request name=request accept=".json">
<label for=challenge>... or the challenge you gave the candidate (the "challenge" of your
request)</label>
<input type=text id=challenge name=challenge value="{challenge}">
<label for=domain>Your domain, if you asked for one</label>
<input type=text id=domain name=domain value="{domain}">
<button type=submit>Check</button>
</form></body></html>
"""


def form_page(
    error: str | None = None, fields: dict[str, str] | None = None, *, about: str = ""
) -> str:
    """The form, with an error above it and the fields as they were sent; ``about`` is
    the paragraph of :func:`what_is_checked`."""
    values = fields or {}
    return _FORM.format(
        about=about,
        error=f"<p class=error>{escape(error)}</p>" if error else "",
        document=escape(values.get("document", "")),
        challenge=escape(values.get("challenge", ""), quote=True),
        domain=escape(values.get("domain", ""), quote=True),
    )


def what_is_checked(trust: Sequence[str], hosts: Sequence[str], local_lists: bool) -> str:
    """A paragraph telling the reader what this service can check beyond the signature:
    the trust lists (by name) issuers are checked against, and where status lists come
    from (hosts it fetches from; never a server path)."""
    if trust:
        names = ", ".join(f"“{name}”" for name in trust)
        who = f"Issuers are checked against the trust list{'s' if len(trust) > 1 else ''} {names}."
    else:
        who = "Issuers are not checked against a trust list here."
    places = ["this service's own"]
    if local_lists:
        places.append("copies kept here")
    if hosts:
        places.append("those published at " + ", ".join(hosts))
    where = "Revocation and suspension are read from status lists: " + "; ".join(places) + "."
    if not local_lists and not hosts:
        where += " Another issuer's status cannot be checked here and shows as undecided."
    return f"<p class=about>{escape(who)} {escape(where)}</p>"


def read_form(body: bytes) -> dict[str, str]:  # (the url-encoded form: no file)
    """The form's fields (``application/x-www-form-urlencoded``, one value each)."""
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        raise InvalidJSONError("the form could not be read") from None
    return {key: values[0] for key, values in parsed.items() if values}


def read_upload(data: bytes) -> Any:
    """An uploaded file: a badge baked into a PNG or SVG image (Open Badges 3.0 or 2.0),
    else what :func:`read_document` reads."""
    if is_image(data):
        try:
            return badge_in(data)
        except BakedImageError as exc:
            raise InvalidJSONError(f"the image: {exc}") from None
    try:
        return read_document(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidJSONError("the file is neither an image, JSON nor a JWT") from None


def read_request(data: bytes) -> Any:
    """An uploaded presentation request (JSON), as an
    :class:`~skillswallet.errors.InvalidJSONError` saying so when it is not JSON."""
    try:
        return jsonio.loads(data)
    except SkillsWalletError as exc:
        raise InvalidJSONError(f"the request file: {exc}") from None


def read_document(text: str) -> Any:
    """What was pasted: a compact JWT or SD-JWT (a string), else JSON; a typed error
    saying what is accepted otherwise."""
    data = text.strip().encode("utf-8")
    if not data:
        raise InvalidJSONError("paste a credential or presentation first")
    try:
        compact = sniff(data)
    except JoseError as exc:
        raise InvalidJSONError(str(exc)) from None
    if compact is not None:
        return compact
    try:
        return jsonio.loads(data)
    except SkillsWalletError as exc:
        raise InvalidJSONError(
            f"{exc} (paste JSON, a compact JWT or an SD-JWT; baked badge images are read by "
            "'skillswallet verify FILE')"
        ) from None
