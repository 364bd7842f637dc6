"""The provider's editor page for extra questions and the redirect URL (issue 4, issue 15).

The page holds no data: everything goes through the GraphQL API (`lisakysymykset`, `addLisakysymys`, …) with the
access token the admin pastes, and the API does the authorization. Two small helpers serve the page:
`/editori/organisaatiot` lists the providers that token may read (the picker), and `/editori/esikatselu`
renders a question exactly as respondents will see it, with the form's own template (the live preview).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from api.reports import principal_of
from models.rules.kysely import KYSELYTYYPIT, DefinitionError, lisa_tunnus, parse_kysymys
from models.rules.lomake import nykyinen_nimi
from models.services.errors import DomainError
from models.services.raportointi import nakyvat_koulutustoimijat
from survey_ui import kyselyt
from survey_ui.i18n import choose_language, environment
from survey_ui.respondent import SECURITY_HEADERS, Lomake, render

MAX_PREVIEW = 20_000


async def editor_page(request: Request) -> Response:
    kieli = choose_language(request)
    surveys = []
    for tyyppi in KYSELYTYYPIT:
        kysely = kyselyt.latest(tyyppi)
        kysymykset = [(k.tunnus, k.teksti.kielella(kieli)) for k in kysely.kysymykset]
        surveys.append((tyyppi, nykyinen_nimi(kysely.nimi.kielella(kieli)), json.dumps(kysymykset, ensure_ascii=False)))
    return render(request, kieli, "editori.html", kyselyt=surveys)


async def organisations(request: Request) -> Response:
    """GET /editori/organisaatiot with `Authorization: Bearer …`: the providers the token may read."""
    try:
        principal = await principal_of(request)
    except DomainError as e:
        return JSONResponse({"error": {"code": e.code}}, status_code=401)
    orgs = await nakyvat_koulutustoimijat(principal)
    return JSONResponse([{"oid": o.oid, "nimi": o.nimi} for o in orgs], headers={"Cache-Control": "no-store"})


async def preview(request: Request) -> Response:
    """GET /editori/esikatselu?lang=…&m=<the question's stored JSON form>: the question as the form shows it.

    Side-effect free, so a GET; an incomplete question answers 422 with the offending field's path."""
    kieli = choose_language(request)
    raw = request.query_params.get("m", "")
    try:
        if len(raw) > MAX_PREVIEW:
            raise DefinitionError("", "too long")
        data: Any = json.loads(raw)
        if not isinstance(data, dict):
            raise DefinitionError("", "not an object")
        kysymys = parse_kysymys({**data, "tunnus": lisa_tunnus(0)})
    except (ValueError, DefinitionError) as e:
        path = e.path if isinstance(e, DefinitionError) else ""
        return JSONResponse({"error": {"field": path}}, status_code=422, headers=SECURITY_HEADERS)
    html = (
        environment(kieli)
        .get_template("kysymys.html")
        .render(k=kysymys, lomake=Lomake(kyselyt.latest(KYSELYTYYPIT[0]), (), {}, {}))
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)
