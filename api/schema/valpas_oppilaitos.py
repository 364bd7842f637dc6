"""An oppilaitos' Valpas lists in GraphQL (DOMAIN.md §6.3, issue 16.3–4), each for its own valvojat: the
suorittamisvalvonta list (its students after perusopetus; a kuntailmoitus from it is `createKuntailmoitus`) and
the maksuttomuus list (its students with free education in force, with the end date and reason; one person by
hetu or OID is `valpasHaku`). Decisions come from `models.services.valpas.suorittamisvalvonta` and
`.maksuttomuus`; CSV: api/valpas_export_oppilaitos.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from api import authorization
from api.context import Context, Info
from api.schema import valpas_cursor
from api.schema.hoks import PageInfo
from api.schema.valpas import MAX_PAGE, ValpasReason, parse_list_cursor
from api.schema.valpas_laatu import check_first
from models.rules import maksuttomuus as mk
from models.rules import suorittamisvalvonta as sv
from models.rules.oppivelvollisuus import HenkiloFacts
from models.services.valpas import access as valpas_access
from models.services.valpas import maksuttomuus, suorittamisvalvonta
from models.services.valpas.opiskelijat import Lista, R
from models.services.valpas.paging import ListKey
from models.user import RoleName

N = TypeVar("N")


@strawberry.type(description="A student on an oppilaitos' list.")
class Opiskelija:
    oppija_oid: str = strawberry.field(description="The student's oppija OID.")
    sukunimi: str = strawberry.field(description="Surname.")
    etunimet: str = strawberry.field(description="First names.")
    syntymaaika: date = strawberry.field(description="Date of birth.")
    oppilaitos_path: strawberry.Private[str]


def _opiskelija(facts: HenkiloFacts, key: ListKey, oppilaitos_path: str) -> dict[str, Any]:
    """The fields every row shares."""
    return {
        "oppija_oid": facts.oppija_oid,
        "sukunimi": key[0],
        "etunimet": key[1],
        "syntymaaika": facts.syntymaaika,
        "oppilaitos_path": oppilaitos_path,
    }


def suorittamisrivi(value: Any, context: Context) -> bool:
    """A row of an oppilaitos' suorittamisvalvonta: its suorittamisen valvojat."""
    return context.principal.can(RoleName.VALVOJA_SUORITTAMINEN, value.oppilaitos_path)


@authorization.guarded(suorittamisrivi)
@strawberry.type(description="A student the oppilaitos follows in suorittamisvalvonta, with the study right why.")
class SuorittamisRivi(Opiskelija):
    opiskeluoikeus_oid: str = strawberry.field(description="The study right here that puts the student on the list.")
    opiskeluoikeus_tyyppi: str = strawberry.field(description="Its tyyppi code (lukiokoulutus, …).")
    tila: str = strawberry.field(description="Its tila code today (lasna, eronnut, valmistunut, …).")
    paattynyt: date | None = strawberry.field(description="The day it ended; null while it is in force.")
    reason: ValpasReason = strawberry.field(description="Why the student is on the list.")
    oppivelvollinen_until: date = strawberry.field(description="Last day of compulsory education.")
    keskeytetty: bool = strawberry.field(description="Whether a keskeytys of compulsory education is in force.")

    @classmethod
    def of(cls, r: suorittamisvalvonta.SuorittamisRivi, oppilaitos_path: str) -> SuorittamisRivi:
        return cls(
            **_opiskelija(r.facts, r.key, oppilaitos_path),
            opiskeluoikeus_oid=r.valvonta.opiskeluoikeus_oid or "",
            opiskeluoikeus_tyyppi=r.opiskeluoikeus_tyyppi,
            tila=r.tila,
            paattynyt=r.valvonta.paattynyt,
            reason=ValpasReason(code=r.valvonta.reason, english=sv.explain(r.valvonta.reason)),
            oppivelvollinen_until=r.oppivelvollinen_until.date,
            keskeytetty=r.keskeytetty,
        )


def maksuttomuusrivi(value: Any, context: Context) -> bool:
    """A row of an oppilaitos' maksuttomuus list: its maksuttomuuden valvojat."""
    return context.principal.can(RoleName.VALVOJA_MAKSUTTOMUUS, value.oppilaitos_path)


@authorization.guarded(maksuttomuusrivi)
@strawberry.type(description="A student of the oppilaitos whose free education (maksuttomuus) is in force.")
class MaksuttomuusRivi(Opiskelija):
    opiskeluoikeus_oid: str = strawberry.field(description="The study right in force here.")
    maksuttomuus_until: date = strawberry.field(description="Last day of free education.")
    maksuttomuus_until_reason: ValpasReason = strawberry.field(description="Which rule set maksuttomuusUntil.")

    @classmethod
    def of(cls, r: maksuttomuus.MaksuttomuusRivi, oppilaitos_path: str) -> MaksuttomuusRivi:
        until = r.maksuttomuus.until
        return cls(
            **_opiskelija(r.facts, r.key, oppilaitos_path),
            opiskeluoikeus_oid=r.maksuttomuus.opiskeluoikeus_oid or "",
            maksuttomuus_until=until.date,
            maksuttomuus_until_reason=ValpasReason(code=until.reason, english=mk.explain(until.reason)),
        )


@strawberry.type(description="One row with its cursor.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: N = strawberry.field(description="The row.")


@strawberry.type(description="One page of an oppilaitos' Valpas list.")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page and its cursor.")


async def lista_page(
    info: Info, lista: Lista[R], oppilaitos: str, first: int, after: str | None
) -> tuple[list[R], bool, str]:
    """One page of the list, whether more follow, and the oppilaitos' path for the rows' authorization."""
    check_first(first)
    rows, more = await lista.page(
        info.context.principal, oppilaitos, info.context.today, first, parse_list_cursor(after)
    )
    return rows, more, (await valpas_access.organisation(oppilaitos, "oppilaitos")).path


def lista_connection(rows: list[Any], more: bool, nodes: list[N]) -> Connection[N]:
    return Connection(
        edges=[Edge(cursor=valpas_cursor.encode(r.key), node=n) for r, n in zip(rows, nodes, strict=True)],
        page_info=PageInfo(has_next_page=more, end_cursor=valpas_cursor.encode(rows[-1].key) if rows else None),
    )


@strawberry.type
class ValpasOppilaitosQuery:
    @strawberry.field(
        description="The oppilaitos' own students under compulsory education after perusopetus (DOMAIN.md §6.3): "
        "in a study right in force, or one that ended without a qualification, a lukio completed before the "
        "ylioppilastutkinto or a partial vocational qualification; never EB. In name order, at most 100 a page; "
        "for its suorittamisen valvojat. CSV: GET /valpas/suorittamisvalvonta.csv?oppilaitos=…"
    )
    async def suorittamisvalvonta(
        self,
        info: Info,
        oppilaitos: Annotated[str, strawberry.argument(description="The oppilaitos (OID).")],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = MAX_PAGE,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
    ) -> Connection[SuorittamisRivi]:
        rows, more, path = await lista_page(info, suorittamisvalvonta.LISTA, oppilaitos, first, after)
        return lista_connection(rows, more, [SuorittamisRivi.of(r, path) for r in rows])

    @strawberry.field(
        description="The oppilaitos' students whose free education is in force today (DOMAIN.md §6.2–6.3): in a "
        "study right after perusopetus in force here, covered, before the end date; with the end date and its "
        "reason. In name order, at most 100 a page; for its maksuttomuuden valvojat. "
        "CSV: GET /valpas/maksuttomuus.csv?oppilaitos=…"
    )
    async def maksuttomuusvalvonta(
        self,
        info: Info,
        oppilaitos: Annotated[str, strawberry.argument(description="The oppilaitos (OID).")],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = MAX_PAGE,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
    ) -> Connection[MaksuttomuusRivi]:
        rows, more, path = await lista_page(info, maksuttomuus.LISTA, oppilaitos, first, after)
        return lista_connection(rows, more, [MaksuttomuusRivi.of(r, path) for r in rows])
