"""The development page /kehitys/lahetetyt: the e-mails and text messages `polku dev` caught (api.dev_outbox).

Exists only when POLKU_DEV_OUTBOX names the outbox file (set by `polku dev`); elsewhere it answers 404. Links
in the messages are made clickable, so a newcomer can open the survey exactly as a learner would.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from api.dev_outbox import ENV_VAR, read
from survey_ui.i18n import choose_language
from survey_ui.respondent import render, special_page

_URL = re.compile(r"https?://[^\s<>\"']+")


def outbox_path() -> Path | None:
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def linkified(text: str) -> Markup:
    """The text escaped, with every http(s) address as a link."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(escape(text[last : match.start()]))
        url = escape(match.group(0))
        out.append(Markup(f'<a href="{url}">{url}</a>'))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


async def sent_messages(request: Request) -> Response:
    kieli = choose_language(request)
    path = outbox_path()
    if path is None:
        return special_page(request, kieli, "tuntematon")
    viestit = [{**m, "body": linkified(m.get("body", ""))} for m in read(path)]
    return render(request, kieli, "kehitys.html", viestit=viestit)
