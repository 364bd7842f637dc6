"""The Valpas data-quality list in GraphQL (DOMAIN.md §6.1): an organisation's own flagged study rights, for
its valvojat. Decisions come from `models.services.valpas.tietojen_laatu`; CSV: api/valpas_export.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from api import authorization
from api.context import Context, Info
from api.schema import valpas_cursor
from api.schema.hoks import PageInfo
from api.schema.valpas import MAX_PAGE, ValpasReason
from models.rules import tietojen_laatu as laatu
from models.services.errors import DomainError
from models.services.valpas import tietojen_laatu
from models.services.valpas.access import VALVOJA_ROLES


def laaturivi(value: Any, context: Context) -> bool:
    """A row of the data-quality list: the valvojat of the oppilaitos that recorded the study right."""
    return context.principal.can_any(VALVOJA_ROLES, value.oppilaitos_path)


@authorization.guarded(laaturivi)
@strawberry.type(description="A study right with data problems, for the organisation that recorded it to fix.")
class TietojenLaatuRivi:
    oppija_oid: str = strawberry.field(description="The person's oppija OID.")
    sukunimi: str = strawberry.field(description="Surname.")
    etunimet: str = strawberry.field(description="First names.")
    syntymaaika: date | None = strawberry.field(description="Date of birth; null when Polku does not know it.")
    opiskeluoikeus_oid: str = strawberry.field(description="The study right to correct in Koski.")
    opiskeluoikeus_tyyppi: str = strawberry.field(description="Its tyyppi code (perusopetus, …).")
    oppilaitos_oid: str = strawberry.field(description="The oppilaitos that recorded it.")
    ongelmat: list[ValpasReason] = strawberry.field(
        description="The problems found: perusopetus_valmistunut_ennen_15v, syntymaaika_puuttuu, tilat_puuttuvat."
    )
    oppilaitos_path: strawberry.Private[str]

    @classmethod
    def of(cls, r: tietojen_laatu.LaatuRivi) -> TietojenLaatuRivi:
        return cls(
            oppija_oid=r.oppija_oid,
            sukunimi=r.key[0],
            etunimet=r.key[1],
            syntymaaika=r.syntymaaika,
            opiskeluoikeus_oid=r.opiskeluoikeus_oid,
            opiskeluoikeus_tyyppi=r.opiskeluoikeus_tyyppi,
            oppilaitos_oid=r.oppilaitos_oid,
            ongelmat=[ValpasReason(code=f, english=laatu.TEXTS[f]) for f in r.flags],
            oppilaitos_path=r.oppilaitos_path,
        )


@strawberry.type(description="One row with its cursor.")
class TietojenLaatuEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: TietojenLaatuRivi = strawberry.field(description="The row.")


@strawberry.type(description="One page of the data-quality list.")
class TietojenLaatuConnection:
    edges: list[TietojenLaatuEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page and its cursor.")


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise DomainError("OUT_OF_RANGE", "first must be between 1 and {max}", "first", max=MAX_PAGE)


@strawberry.type
class ValpasLaatuQuery:
    @strawberry.field(
        description="Study rights of the organisation (and those below it) with a data problem Polku detects "
        "(DOMAIN.md §6.1), in name order, at most 100 a page; for its valvojat. "
        "CSV: GET /valpas/tietojen-laatu.csv?organisaatio=…"
    )
    async def tietojen_laatu(
        self,
        info: Info,
        organisaatio: Annotated[
            str, strawberry.argument(description="OID of the koulutustoimija or oppilaitos that recorded the rights.")
        ],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = MAX_PAGE,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
    ) -> TietojenLaatuConnection:
        check_first(first)
        key = valpas_cursor.decode(after, 4)
        rows, more = await tietojen_laatu.tietojen_laatu_page(
            info.context.principal, organisaatio, first, None if key is None else (key[0], key[1], key[2], key[3])
        )
        return TietojenLaatuConnection(
            edges=[TietojenLaatuEdge(cursor=valpas_cursor.encode(r.key), node=TietojenLaatuRivi.of(r)) for r in rows],
            page_info=PageInfo(has_next_page=more, end_cursor=valpas_cursor.encode(rows[-1].key) if rows else None),
        )
