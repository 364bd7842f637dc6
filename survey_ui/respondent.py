"""The respondent's pages: the form of a kyselylinkki, its special states, thanks and the statements (DOMAIN.md §5).

Pages say nothing about a link they can't serve: an unknown, not-yet-open, expired or answered link gets a fixed
page with no survey name, provider or person on it. The tunnus is the respondent's only credential, so every
page goes out with `Referrer-Policy: no-referrer` (it must not reach the provider's redirect target in a Referer
header) and `Cache-Control: no-store`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from models.rules.kysely import KYSELYTYYPIT, Kysely, Kysymys, validate_answers
from models.rules.vastaaminen import LinkinTila, is_safe_uudelleenohjaus_url
from models.services.errors import NotFound
from models.services.vastaus import LinkkiEiAvoin, Lomakelinkki, lomakelinkki, tallenna_vastaus
from survey_ui import kyselyt
from survey_ui.i18n import choose_language, environment
from survey_ui.ratelimit import SlidingWindowLimiter

CSRF_FIELD = "csrftoken"
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # form-action allows https: because the answer POST is redirected to the provider's https address.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
}
# A special page per state; "tuntematon" (unknown link) and "rajoitus" (rate limit) have no LinkinTila.
STATUS = {
    "tuntematon": 404,
    LinkinTila.EI_VIELA_AUKI.value: 403,
    LinkinTila.VANHENTUNUT.value: 410,
    LinkinTila.VASTATTU.value: 409,
    "rajoitus": 429,
    "csrf": 403,
}


def render(request: Request, kieli: str, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment(kieli).get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def special_page(request: Request, kieli: str, tila: str, headers: Mapping[str, str] | None = None) -> Response:
    response = render(request, kieli, "tila.html", STATUS[tila], tila=tila)
    response.headers.update(headers or {})
    return response


@dataclass(frozen=True)
class Lomake:
    """What the form template needs: the survey, the provider's questions, and the answers so far."""

    kysely: Kysely
    lisakysymykset: Sequence[Kysymys]
    arvot: Mapping[str, list[str]]
    virheet: Mapping[str, str]

    @property
    def kaikki(self) -> tuple[Kysymys, ...]:
        """National questions first, then the provider's (DOMAIN.md §5); JS hides follow-ups not triggered."""
        return (*self.kysely.kysymykset, *self.lisakysymykset)


class RespondentPages:
    def __init__(self, limiter: SlidingWindowLimiter) -> None:
        self.limiter = limiter

    async def _open_link(self, request: Request, kieli: str) -> Lomakelinkki | Response:
        """The link of the URL if it may be answered now, else the page to show instead."""
        client = request.client.host if request.client else "unknown"
        if not self.limiter.allow(client):
            return special_page(request, kieli, "rajoitus", {"Retry-After": str(self.limiter.retry_after(client))})
        link = await lomakelinkki(request.path_params["tunnus"])
        if link is None or link.kyselytyyppi not in KYSELYTYYPIT:
            return special_page(request, kieli, "tuntematon")
        tila = link.aikataulu.tila(datetime.now(UTC))
        if tila is not LinkinTila.AVOIN:
            return special_page(request, kieli, tila.value)
        return link

    async def form(self, request: Request) -> Response:
        kieli = choose_language(request)
        link = await self._open_link(request, kieli)
        if isinstance(link, Response):
            return link
        kysely = kyselyt.latest(link.kyselytyyppi)
        return self._form_page(request, kieli, Lomake(kysely, link.lisakysymykset, {}, {}))

    async def submit(self, request: Request) -> Response:
        kieli = choose_language(request)
        link = await self._open_link(request, kieli)
        if isinstance(link, Response):
            return link
        kysely = _answered_version(link.kyselytyyppi, request.query_params.get("versio", ""))
        form = await request.form()
        arvot = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
        result = validate_answers(kysely, link.lisakysymykset, arvot, ignore={CSRF_FIELD} | link.poistetut)
        if not result.ok:
            arvot.pop(CSRF_FIELD, None)
            return self._form_page(
                request, kieli, Lomake(kysely, link.lisakysymykset, arvot, result.errors), status=422
            )
        try:
            await tallenna_vastaus(link, kysely, result.answers, kieli, datetime.now(UTC))
        except LinkkiEiAvoin as e:
            return special_page(request, kieli, e.tila.value)
        except NotFound:
            return special_page(request, kieli, "tuntematon")
        url = link.uudelleenohjaus_url
        target = url if url and is_safe_uudelleenohjaus_url(url) else f"/kiitos?lang={kieli}"
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)

    def _form_page(self, request: Request, kieli: str, lomake: Lomake, status: int = 200) -> Response:
        action = f"{request.url.path}?lang={kieli}&versio={lomake.kysely.versio}"
        csrftoken = request.scope[CSRF_FIELD]()
        if lomake.arvot or lomake.virheet:
            html = (
                environment(kieli)
                .get_template("lomake.html")
                .render(request=request, lomake=lomake, csrftoken=csrftoken, action=action)
            )
        else:
            html = _blank_form(kieli, lomake.kysely, tuple(lomake.lisakysymykset))
            html = html.replace(_CSRF_SLOT, str(escape(csrftoken))).replace(_ACTION_SLOT, str(escape(action)))
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


# A blank form is the same for every link of one survey version, language and set of extra questions; only the
# CSRF token and the form action differ. Rendering it once and filling those two slots halves a GET's cost.
_CSRF_SLOT = "polkuCsrfSlot0d1f"
_ACTION_SLOT = "polkuActionSlot0d1f"


@lru_cache(maxsize=256)
def _blank_form(kieli: str, kysely: Kysely, lisakysymykset: tuple[Kysymys, ...]) -> str:
    lomake = Lomake(kysely, lisakysymykset, {}, {})
    return (
        environment(kieli).get_template("lomake.html").render(lomake=lomake, csrftoken=_CSRF_SLOT, action=_ACTION_SLOT)
    )


def _answered_version(kyselytyyppi: str, versio: str) -> Kysely:
    """The version the form was served in (answers stay tied to it), or the newest for a stale or forged value."""
    if versio.isdigit():
        kysely = kyselyt.load_all().get((kyselytyyppi, int(versio)))
        if kysely is not None:
            return kysely
    return kyselyt.latest(kyselytyyppi)


async def thanks(request: Request) -> Response:
    return render(request, choose_language(request), "kiitos.html")


async def privacy_statement(request: Request) -> Response:
    return render(request, choose_language(request), "tietosuojaseloste.html")


async def accessibility_statement(request: Request) -> Response:
    return render(request, choose_language(request), "saavutettavuusseloste.html")
