"""The provider's editor page for extra questions and the redirect URL (issue 4).

A static page: all data goes through the GraphQL API (`lisakysymykset`, `addLisakysymys`, …) with the bearer token
the admin pastes, so the page itself holds no data and needs no session; the API does the authorization.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from models.rules.kysely import KYSELYTYYPIT
from survey_ui import kyselyt
from survey_ui.i18n import choose_language
from survey_ui.respondent import render


async def editor_page(request: Request) -> Response:
    kieli = choose_language(request)
    surveys = [(tyyppi, kyselyt.latest(tyyppi).nimi.kielella(kieli)) for tyyppi in KYSELYTYYPIT]
    return render(request, kieli, "editori.html", kyselyt=surveys)
