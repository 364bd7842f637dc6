"""An oppilaitos' Valpas lists as CSV, streamed like the kunta's (api/valpas_export.py):
`GET /valpas/suorittamisvalvonta.csv?oppilaitos=OID` for its suorittamisen valvojat,
`GET /valpas/maksuttomuus.csv?oppilaitos=OID` for its maksuttomuuden valvojat and
`GET /valpas/hakeutumisvalvonta.csv?oppilaitos=OID` for its hakeutumisen valvojat. The same service call as the
GraphQL list, so both show the same students. Header, reasons and yes/no cells in the language of
Accept-Language."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, request_response

from api.auth import BearerAuth
from api.i18n import kieli_of, kylla_ei, teksti
from api.valpas_export import stream_csv
from models.rules import hakeutumisvalvonta as hv
from models.rules import maksuttomuus as mk
from models.rules import suorittamisvalvonta as sv
from models.rules.oppivelvollisuus import explain
from models.services.valpas import hakeutumisvalvonta, maksuttomuus, suorittamisvalvonta
from models.services.valpas.opiskelijat import Lista, R

SUORITTAMINEN_HEADER = (
    "oppija_oid",
    "sukunimi",
    "etunimet",
    "syntymäaika",
    "opiskeluoikeus_oid",
    "opiskeluoikeus_tyyppi",
    "tila",
    "päättynyt",
    "syy",
    "oppivelvollisuus_päättyy",
    "keskeytetty",
)
HAKEUTUMINEN_HEADER = (
    "oppija_oid",
    "sukunimi",
    "etunimet",
    "syntymäaika",
    "opiskeluoikeus_oid",
    "listalla_asti",
    "syy",
    "sai_paikan",
    "varoitus",
    "muu_haku",
    "suorittaa",
)
MAKSUTTOMUUS_HEADER = (
    "oppija_oid",
    "sukunimi",
    "etunimet",
    "syntymäaika",
    "opiskeluoikeus_oid",
    "maksuttomuus_päättyy",
    "päättymisen_syy",
)


def _suorittaminen_line(r: suorittamisvalvonta.SuorittamisRivi, kieli: str) -> tuple[object, ...]:
    return (
        r.facts.oppija_oid,
        r.key[0],
        r.key[1],
        r.facts.syntymaaika,
        r.valvonta.opiskeluoikeus_oid,
        r.opiskeluoikeus_tyyppi,
        r.tila,
        r.valvonta.paattynyt,
        teksti(sv.explain(r.valvonta.reason), kieli),
        r.oppivelvollinen_until.date,
        kylla_ei(r.keskeytetty, kieli),
    )


def _hakeutuminen_line(r: hakeutumisvalvonta.HakeutumisRivi, kieli: str) -> tuple[object, ...]:
    return (
        r.facts.oppija_oid,
        r.key[0],
        r.key[1],
        r.facts.syntymaaika,
        r.opiskeluoikeus_oid,
        r.valvonta.listed_until,
        teksti(hv.REASON_TEXTS[r.valvonta.reason], kieli),
        None if r.sai_paikan is None else kylla_ei(r.sai_paikan, kieli),
        teksti(explain(r.varoitus.reason), kieli) if r.varoitus.value else None,
        kylla_ei(r.muu_haku, kieli),
        kylla_ei(r.suorittaminen.suorittaa, kieli),
    )


def _maksuttomuus_line(r: maksuttomuus.MaksuttomuusRivi, kieli: str) -> tuple[object, ...]:
    until = r.maksuttomuus.until
    return (
        r.facts.oppija_oid,
        r.key[0],
        r.key[1],
        r.facts.syntymaaika,
        r.maksuttomuus.opiskeluoikeus_oid,
        until.date,
        teksti(mk.explain(until.reason), kieli),
    )


def _csv_route(
    path: str, lista: Lista[R], header: Sequence[str], line: Callable[[R, str], Sequence[object]]
) -> BaseRoute:
    """`GET path?oppilaitos=OID`: the list's whole CSV, named after the path."""

    async def endpoint(request: Request) -> Response:
        oppilaitos = request.query_params.get("oppilaitos", "")
        return await stream_csv(
            request,
            lambda principal, today: lista.export(principal, oppilaitos, today),
            header,
            lambda r: line(r, kieli_of(request.headers)),
            path.rsplit("/", 1)[-1],
        )

    return Route(path, BearerAuth(request_response(endpoint)), methods=["GET"])


routes: list[BaseRoute] = [
    _csv_route("/valpas/suorittamisvalvonta.csv", suorittamisvalvonta.LISTA, SUORITTAMINEN_HEADER, _suorittaminen_line),
    _csv_route("/valpas/maksuttomuus.csv", maksuttomuus.LISTA, MAKSUTTOMUUS_HEADER, _maksuttomuus_line),
    _csv_route("/valpas/hakeutumisvalvonta.csv", hakeutumisvalvonta.LISTA, HAKEUTUMINEN_HEADER, _hakeutuminen_line),
]
