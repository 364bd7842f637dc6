"""The respondent's pages: the form of a kyselylinkki, its special states, thanks and the statements (DOMAIN.md §5).

Pages say nothing about a link they can't serve: an unknown, not-yet-open, expired or answered link gets a fixed
page with no survey name, provider or person on it. The tunnus is the respondent's only credential, so every
page goes out with `Referrer-Policy: no-referrer` (it must not reach the provider's redirect target in a Referer
header) and `Cache-Control: no-store`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from models.kyselylinkki import Kyselytyyppi
from models.rules.kysely import KYSELYTYYPIT, Kysely, Kysymys
from models.rules.lomake import luonnoksen_arvot, puolikuukausi
from models.rules.vastaaminen import LinkinTila, is_safe_uudelleenohjaus_url
from models.rules.vastauslomake import validate_answers
from models.services.errors import NotFound
from models.services.luonnos import tallenna_luonnos
from models.services.vastaus import Kysyja, LinkkiEiAvoin, Lomakelinkki, lomakelinkki, tallenna_vastaus
from survey_ui import kyselyt
from survey_ui.i18n import KIELET, choose_language, environment
from survey_ui.ratelimit import Limiter

CSRF_FIELD = "csrftoken"
# The form's buttons say what a POST is for: send the answers (default), keep them for later, keep them and
# reopen the form in another language, or a save the page's script makes unasked (answered with 204).
TOIMINTO = "toiminto"
TALLENNA = "tallenna"
LUONNOS = "luonnos"
KIELI_PREFIX = "kieli:"
# CSP, frame and sniffing headers come from survey_ui.security_headers, for every page of the service.
SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
_TUNNUS_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
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
    tallennettu: bool = False

    @property
    def kaikki(self) -> tuple[Kysymys, ...]:
        """National questions first, then the provider's (DOMAIN.md §5); JS hides follow-ups not triggered."""
        return (*self.kysely.kysymykset, *self.lisakysymykset)


class RespondentPages:
    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter

    async def _open_link(self, request: Request, kieli: str) -> Lomakelinkki | Response:
        """The link of the URL if it may be answered now, else the page to show instead."""
        client = request.client.host if request.client else "unknown"
        retry_after = await self.limiter.hit(client)
        if retry_after is not None:
            return special_page(request, kieli, "rajoitus", {"Retry-After": str(retry_after)})
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
        return self._form_page(request, kieli, link, Lomake(kysely, link.lisakysymykset, link.luonnos, {}))

    async def submit(self, request: Request) -> Response:
        kieli = choose_language(request)
        link = await self._open_link(request, kieli)
        if isinstance(link, Response):
            return link
        kysely = _answered_version(link.kyselytyyppi, request.query_params.get("versio", ""))
        form = await request.form()
        arvot = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
        toiminto = str(form.get(TOIMINTO) or "")
        if toiminto in (TALLENNA, LUONNOS) or toiminto.startswith(KIELI_PREFIX):
            return await self._save_draft(request, kieli, link, kysely, arvot, toiminto)
        result = validate_answers(kysely, link.lisakysymykset, arvot, ignore={CSRF_FIELD, TOIMINTO} | link.poistetut)
        if not result.ok:
            arvot.pop(CSRF_FIELD, None)
            return self._form_page(
                request, kieli, link, Lomake(kysely, link.lisakysymykset, arvot, result.errors), status=422
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

    async def _save_draft(
        self,
        request: Request,
        kieli: str,
        link: Lomakelinkki,
        kysely: Kysely,
        arvot: Mapping[str, list[str]],
        toiminto: str,
    ) -> Response:
        """Keep the answers so far; then reopen the form (in the chosen language) or, for the script, say 204."""
        kept = luonnoksen_arvot((*kysely.kysymykset, *link.lisakysymykset), arvot)
        if not await tallenna_luonnos(link.id, kept, datetime.now(UTC)):
            return special_page(request, kieli, LinkinTila.VASTATTU.value)
        if toiminto == LUONNOS:
            return Response(status_code=204, headers=SECURITY_HEADERS)
        if toiminto.startswith(KIELI_PREFIX):
            uusi = toiminto.removeprefix(KIELI_PREFIX)
            target = f"{request.url.path}?lang={uusi if uusi in KIELET else kieli}"
            return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
        lomake = Lomake(kysely, link.lisakysymykset, kept, {}, tallennettu=True)
        return self._form_page(request, kieli, link, lomake)

    def _form_page(
        self, request: Request, kieli: str, link: Lomakelinkki, lomake: Lomake, status: int = 200
    ) -> Response:
        tunnus = request.path_params["tunnus"]
        action = f"{request.url.path}?lang={kieli}&versio={lomake.kysely.versio}"
        csrftoken = request.scope[CSRF_FIELD]()
        kysyja = _kysyja_html(kieli, link.kyselytyyppi, link.kysyja)
        if lomake.arvot or lomake.virheet or lomake.tallennettu:
            html = (
                environment(kieli)
                .get_template("lomake.html")
                .render(
                    request=request, lomake=lomake, csrftoken=csrftoken, action=action, kysyja=kysyja, tunnus=tunnus
                )
            )
        else:
            html = _blank_form(kieli, lomake.kysely, tuple(lomake.lisakysymykset))
            for slot, value in ((_CSRF_SLOT, csrftoken), (_ACTION_SLOT, action), (_TUNNUS_SLOT, tunnus)):
                html = html.replace(slot, str(escape(value)))
            html = html.replace(_KYSYJA_SLOT, kysyja)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


# A blank form is the same for every link of one survey version, language and set of extra questions; only the
# CSRF token and the form action differ. Rendering it once and filling those two slots halves a GET's cost.
_CSRF_SLOT = "polkuCsrfSlot0d1f"
_ACTION_SLOT = "polkuActionSlot0d1f"
_TUNNUS_SLOT = "polkuTunnusSlot0d1f"
_KYSYJA_SLOT = "polkuKysyjaSlot0d1f"


@lru_cache(maxsize=256)
def _blank_form(kieli: str, kysely: Kysely, lisakysymykset: tuple[Kysymys, ...]) -> str:
    lomake = Lomake(kysely, lisakysymykset, {}, {})
    return (
        environment(kieli)
        .get_template("lomake.html")
        .render(
            lomake=lomake, csrftoken=_CSRF_SLOT, action=_ACTION_SLOT, tunnus=_TUNNUS_SLOT, kysyja=Markup(_KYSYJA_SLOT)
        )
    )


@lru_cache(maxsize=4096)
def _kysyja_html(kieli: str, kyselytyyppi: str, kysyja: Kysyja) -> str:
    """Who asks: the provider and oppilaitos, the sender, and for an instructor the qualification and the
    half-month the feedback is about (never the learners' names: the link does not know them)."""
    ohjaaja = kyselytyyppi == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value
    return (
        environment(kieli)
        .get_template("kysyja.html")
        .render(
            koulutustoimija=Kysyja.nimi(kysyja.koulutustoimija, kieli),
            oppilaitos=Kysyja.nimi(kysyja.oppilaitos, kieli) if kysyja.oppilaitos else None,
            tutkinto=kysyja.tutkinto_nimi,
            jaksot=puolikuukausi(kysyja.heratepvm) if ohjaaja else None,
            ohjaaja=ohjaaja,
        )
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
    """`?v=<tunnus>` (set by the form's link) gives the statement a way back to that form."""
    paluu = request.query_params.get("v", "")
    return render(
        request, choose_language(request), "tietosuojaseloste.html", paluu=paluu if _TUNNUS_RE.match(paluu) else None
    )


async def accessibility_statement(request: Request) -> Response:
    return render(request, choose_language(request), "saavutettavuusseloste.html")
