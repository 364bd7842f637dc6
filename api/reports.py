"""Report routes: the answer CSV, the public statistics CSV and the providers' report page (DOMAIN.md §5).

Authentication: API clients send `Authorization: Bearer <token>`. A browser can't add that header to a page
load, so the report page takes the token once through a small login form (POST) and opens a server-side
session (models.services.istunnot): the cookie holds the session's random id, never the token, and is HttpOnly
(scripts can't read it), SameSite=Strict (never sent on cross-site requests, so no CSRF on the GET pages), and
Secure on https. A token is never accepted in the URL, where it would end up in logs and browser history. The
login POST checks Origin, so another site can't log a browser in; signing out deletes the session.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from api.errors import HTTP_STATUS
from api.i18n import kieli_of, otsikot, viesti
from models.rules.calendar import helsinki_day
from models.services import istunnot, raportointi
from models.services.access import Principal
from models.services.errors import DomainError
from models.services.raportointi import TAUSTA, TILASTO_OTSIKOT, Ulottuvuus
from models.services.users import principal_for_token
from models.user import RoleName
from survey_ui import raportti
from survey_ui.kyselyt import load_all

COOKIE = "polku_raportti"
COOKIE_MAX_AGE = int(istunnot.KESTO.total_seconds())
PAGE_PARAMS = ("koulutustoimija", "alku", "loppu", "ryhmittely")
CSV_TYPE = "text/csv; charset=utf-8"


def _error(e: DomainError, request: Request) -> JSONResponse:
    body: dict[str, object] = {"code": e.code, "message": viesti(e.viesti, kieli_of(request.headers))}
    if e.field:
        body["field"] = e.field
    return JSONResponse({"error": body}, status_code=HTTP_STATUS.get(e.code, 400))


def _date(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "INVALID_DATE", "{name} must be a date YYYY-MM-DD, got {raw}", name, name=name, raw=repr(raw)
        ) from None


def _period(request: Request) -> tuple[date, date]:
    """`alku`/`loppu` from the query; by default the current rahoituskausi 1.7.–30.6. (DOMAIN.md §1)."""
    today = helsinki_day_now()
    start = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    alku = _date(request, "alku", start)
    loppu = _date(request, "loppu", date(start.year + 1, 6, 30))
    if loppu < alku:
        raise DomainError("INVALID_PERIOD", "loppu must not be before alku", "loppu")
    return alku, loppu


def helsinki_day_now() -> date:
    return helsinki_day(datetime.now(UTC))


async def principal_of(request: Request) -> Principal:
    """The caller from the Authorization header, else from the report cookie; UNAUTHENTICATED otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return await principal_for_token(token.strip())
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return await istunnot.principal_for_istunto(cookie, datetime.now(UTC))
    raise DomainError("UNAUTHENTICATED", "an Authorization: Bearer token (or the report sign-in) is required")


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise DomainError("REQUIRED", "query parameter {name} is required", name, name=name)
    return value


async def vastaukset_csv(request: Request) -> Response:
    """GET /raportit/vastaukset.csv?koulutustoimija=…[&kyselytyyppi=…&alku=…&loppu=…] for the main user."""
    try:
        principal = await principal_of(request)
        vienti = await raportointi.vastausvienti(
            principal,
            _required(request, "koulutustoimija"),
            load_all().values(),
            request.query_params.get("kyselytyyppi") or None,
            _date(request, "alku", date.min) if request.query_params.get("alku") else None,
            _date(request, "loppu", date.max) if request.query_params.get("loppu") else None,
        )
    except DomainError as e:
        return _error(e, request)
    return StreamingResponse(
        _encoded(vienti.rivit([*otsikot(TAUSTA, kieli_of(request.headers)), *vienti.otsikot[len(TAUSTA) :]])),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": 'attachment; filename="vastaukset.csv"', "Cache-Control": "no-store"},
    )


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


def _ryhmittely(request: Request) -> list[Ulottuvuus]:
    raw = request.query_params.get("ryhmittely", "")
    try:
        return [Ulottuvuus(v.strip()) for v in raw.split(",") if v.strip()]
    except ValueError:
        allowed = ", ".join(u.value for u in Ulottuvuus)
        raise DomainError(
            "INVALID_VALUE", "ryhmittely takes a comma-separated list of {allowed}", "ryhmittely", allowed=allowed
        ) from None


async def tilastot_csv(request: Request) -> Response:
    """GET /raportit/tilastot.csv: public anonymous statistics; groups of fewer than five respondents hidden."""
    try:
        alku, loppu = _period(request)
        groups = await raportointi.anonyymit_tilastot(
            load_all().values(),
            alku,
            loppu,
            request.query_params.get("kyselytyyppi") or None,
            _ryhmittely(request),
            request.query_params.get("koulutustoimija") or None,
        )
    except DomainError as e:
        return _error(e, request)
    return StreamingResponse(
        (
            line.encode("utf-8")
            for line in raportointi.tilastot_csv(groups, otsikot(TILASTO_OTSIKOT, kieli_of(request.headers)))
        ),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": 'attachment; filename="tilastot.csv"'},
    )


async def raportti_sivu(request: Request) -> Response:
    """GET /raportti[?koulutustoimija=…&alku=…&loppu=…&ryhmittely=…&lang=fi|sv|en]: the report page with its
    pickers (the providers the user may read, the period, the grouping), or the sign-in form without a session.
    A bad choice is shown on the page in the page's language, never as a bare error."""
    lang = raportti.kieli(request.query_params.get("lang"))
    params = _page_params(request.query_params)
    try:
        principal = await principal_of(request)
    except DomainError:
        return HTMLResponse(raportti.render_kirjaudu(lang=lang, params=params, virhe=False), status_code=401)
    valinnat = await raportointi.nakyvat_koulutustoimijat(principal)
    valittu = request.query_params.get("koulutustoimija", "").strip()
    if not valittu and len(valinnat) == 1:
        valittu = valinnat[0].oid
    ryhmittely = request.query_params.get("ryhmittely") or raportti.RYHMITTELYT[0]
    page = functools.partial(
        raportti.render_sivu, lang=lang, params=params, valinnat=valinnat, valittu=valittu, ryhmittely=ryhmittely
    )
    alku = loppu = None
    try:
        if ryhmittely not in raportti.RYHMITTELYT:
            raise DomainError("INVALID_VALUE", "unknown ryhmittely", "ryhmittely")
        alku, loppu = _period(request)
        if not valittu:
            return HTMLResponse(page(alku=alku, loppu=loppu), headers={"Cache-Control": "no-store"})
        data = await _raporttidata(principal, valittu, alku, loppu, ryhmittely)
    except DomainError as e:
        html = page(alku=alku, loppu=loppu, virhe=(e.code, e.field))
        return HTMLResponse(html, HTTP_STATUS.get(e.code, 400), headers={"Cache-Control": "no-store"})
    return HTMLResponse(page(alku=alku, loppu=loppu, data=data), headers={"Cache-Control": "no-store"})


async def _raporttidata(principal: Principal, oid: str, alku: date, loppu: date, ryhmittely: str) -> Any:
    kt = await raportointi.koulutustoimija(oid)
    keys = [Ulottuvuus.KYSELYTYYPPI] + ([Ulottuvuus(ryhmittely)] if ryhmittely != "kyselytyyppi" else [])
    osuudet = await raportointi.vastausosuudet(principal, kt.oid, alku, loppu, helsinki_day_now(), keys)
    return raportti.Raporttidata(
        koulutustoimija=kt,
        kuukaudet=await raportointi.kuukausittain(principal, kt.oid, alku, loppu),
        osuudet=osuudet,
        ryhmat=await raportointi.anonyymit_tilastot(load_all().values(), alku, loppu, koulutustoimija_oid=kt.oid),
        oppilaitokset=await raportointi.organisaatioiden_nimet({o.oppilaitos_oid for o in osuudet} - {None}),
        saa_vieda=principal.can(RoleName.ADMIN, kt.path),
    )


def _page_params(source: Mapping[str, Any]) -> dict[str, str]:
    """The report page's own query parameters (never a token), kept across sign-in and language switches."""
    return {name: str(source[name]) for name in PAGE_PARAMS if source.get(name)}


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


async def kirjaudu(request: Request) -> Response:
    """POST /raportti/kirjaudu: check the token once and open a session whose id goes in the cookie."""
    if not _same_origin(request):
        return Response("cross-origin sign-in refused", status_code=403)
    form = await request.form()
    lang = raportti.kieli(str(form.get("lang", "")))
    params = _page_params(form)
    token = str(form.get("token", "")).strip()
    try:
        istunto = await istunnot.aloita_istunto(token, datetime.now(UTC))
    except DomainError:
        return HTMLResponse(raportti.render_kirjaudu(lang=lang, params=params, virhe=True), status_code=401)
    response = RedirectResponse("/raportti?" + urlencode({**params, "lang": lang}), status_code=303)
    response.set_cookie(
        COOKIE,
        istunto,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def ulos(request: Request) -> Response:
    """POST /raportti/ulos: end the session and forget the report cookie."""
    if not _same_origin(request):
        return Response("cross-origin sign-out refused", status_code=403)
    form = await request.form()
    if request.cookies.get(COOKIE):
        await istunnot.lopeta_istunto(request.cookies[COOKIE])
    response = RedirectResponse("/raportti?" + urlencode({"lang": raportti.kieli(str(form.get("lang", "")))}), 303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


routes: list[BaseRoute] = [
    Route("/raportit/vastaukset.csv", vastaukset_csv, methods=["GET"]),
    Route("/raportit/tilastot.csv", tilastot_csv, methods=["GET"]),
    Route("/raportti", raportti_sivu, methods=["GET"]),
    Route("/raportti/kirjaudu", kirjaudu, methods=["POST"]),
    Route("/raportti/ulos", ulos, methods=["POST"]),
]
