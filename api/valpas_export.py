"""Valpas lists as CSV: `GET /valpas/automaattinen-tarkistus.csv?kunta=091` (a kunta's whole automatic check
list) and `GET /valpas/tietojen-laatu.csv?organisaatio=OID` (an organisation's data-quality list).

Excel-friendly for Finnish officials: UTF-8 with a BOM, `;` as the separator; the header, the `syy` text and the
yes/no cells in the language of Accept-Language (`api.i18n`). Streamed chunk by chunk so a
20 000-resident kunta never sits in memory at once (bench/valpas_lists.py). The same service call as the
GraphQL list, so both show the same people.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from api.errors import HTTP_STATUS
from api.i18n import kieli_of, kylla_ei, otsikot, teksti, viesti
from models.rules.calendar import helsinki_day
from models.rules.csv_writer import CsvRivit
from models.rules.oppivelvollisuus import explain, normalise_kuntakoodi
from models.services.access import Principal
from models.services.errors import DomainError
from models.services.valpas.automaattinen_tarkistus import TarkistusRivi, automaattinen_tarkistus_export
from models.services.valpas.tietojen_laatu import LaatuRivi, tietojen_laatu_export

HEADER = (
    "oppija_oid",
    "sukunimi",
    "etunimet",
    "syntymäaika",
    "kotikunta",
    "oppivelvollisuus_päättyy",
    "maksuttomuus_päättyy",
    "syy",
    "keskeytetty",
)
T = TypeVar("T")


def _line(kunta: str, r: TarkistusRivi, kieli: str) -> tuple[str, ...]:
    return (
        r.facts.oppija_oid,
        r.key[0],
        r.key[1],
        r.facts.syntymaaika.isoformat(),
        kunta,
        r.tila.oppivelvollinen_until.date.isoformat(),
        r.tila.maksuttomuus_until.date.isoformat(),
        teksti(explain(r.tila.suorittaminen.reason), kieli),
        kylla_ei(r.tila.keskeytetty, kieli),
    )


LAATU_HEADER = (
    "oppija_oid",
    "sukunimi",
    "etunimet",
    "syntymäaika",
    "opiskeluoikeus_oid",
    "opiskeluoikeus_tyyppi",
    "oppilaitos_oid",
    "ongelmat",
)


def _laatu_line(r: LaatuRivi) -> tuple[object, ...]:
    return (
        r.oppija_oid,
        r.key[0],
        r.key[1],
        r.syntymaaika,
        r.opiskeluoikeus_oid,
        r.opiskeluoikeus_tyyppi,
        r.oppilaitos_oid,
        list(r.flags),
    )


async def stream_csv(
    request: Request,
    open_chunks: Callable[[Principal, date], AsyncIterator[list[T]]],
    header: Sequence[str],
    line: Callable[[T], Sequence[object]],
    filename: str,
) -> Response:
    """A list as streamed CSV: refusals (authorization happens before the first chunk) as JSON with a status."""
    try:
        # BearerAuth lets a browser's HTML GET through without a token (for GraphiQL); this route never does.
        principal = getattr(request.state, "principal", None)
        if principal is None:
            raise DomainError("UNAUTHENTICATED", "an Authorization: Bearer token is required")
        chunks = open_chunks(principal, helsinki_day(datetime.now(UTC))).__aiter__()
        first = await anext(chunks, None)  # authorization and the first query happen here
    except DomainError as e:
        message = viesti(e.viesti, kieli_of(request.headers))
        error = {"errors": [{"message": message, "extensions": {"code": e.code, "field": e.field}}]}
        return JSONResponse(error, status_code=HTTP_STATUS.get(e.code, 400))

    async def body() -> AsyncIterator[str]:
        csv = CsvRivit()
        yield csv.alku + csv.rivi(otsikot(header, kieli_of(request.headers)))
        if first is not None:
            yield csv.rivit(line(r) for r in first)
        async for chunk in chunks:
            yield csv.rivit(line(r) for r in chunk)

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def automaattinen_tarkistus_csv(request: Request) -> Response:
    kunta = normalise_kuntakoodi(request.query_params.get("kunta", ""))
    return await stream_csv(
        request,
        lambda principal, today: automaattinen_tarkistus_export(principal, kunta, today),
        HEADER,
        lambda r: _line(kunta, r, kieli_of(request.headers)),
        f"automaattinen-tarkistus-{kunta}.csv",
    )


async def tietojen_laatu_csv(request: Request) -> Response:
    """`GET /valpas/tietojen-laatu.csv?organisaatio=OID`: the organisation's whole data-quality list."""
    organisaatio = request.query_params.get("organisaatio", "")
    return await stream_csv(
        request,
        lambda principal, _today: tietojen_laatu_export(principal, organisaatio),
        LAATU_HEADER,
        _laatu_line,
        "tietojen-laatu.csv",
    )
