"""HOKS: read by id or page by page, created, replaced and patched (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from api import authorization
from api.context import Info
from api.schema.ehoks_inputs import HankkimistapaTiedotInput, HoksTiedotInput, TutkinnonOsaTiedotInput, written
from api.schema.ehoks_tiedot import LISATIEDOT, HankkimistapaTiedot, HoksTiedot, TutkinnonOsaTiedot
from api.schema.enums import HankkimistavanTyyppi
from api.schema.id_cursor import after_id, id_cursor
from api.schema.kesto import JaksonKesto
from api.schema.kyselylinkki import Kyselylinkki, Palautepaatos, hoks_kyselylinkit, hoks_palautepaatokset
from api.schema.opiskeluoikeus import Opiskeluoikeus
from api.schema.oppija import Oppija
from models.hoks import Hoks as HoksRow
from models.organisation import Organisation as OrganisationRow
from models.rules import ehoks_tiedot as tiedot
from models.rules.hoks import (
    HankkimistapaPlan,
    HoksPlan,
    TutkinnonOsaPlan,
    clean,
)
from models.rules.hoks import (
    Keskeytymisajanjakso as KeskeytymisajanjaksoPlan,
)
from models.rules.viesti import Viesti
from models.services import hoks as hoks_service
from models.services.errors import DomainError, Forbidden, NotFound
from models.services.hoks import StoredJakso, StoredOsa, stored_osat
from models.user import RoleName

MAX_PAGE = 100


@strawberry.enum(description="Which kind of hankittava tutkinnon osa a row is (eHOKS keeps the three apart).")
class TutkinnonOsanTyyppi(Enum):
    AMMATILLINEN = strawberry.enum_value("ammatillinen", description="An ammatillinen tutkinnon osa.")
    PAIKALLINEN = strawberry.enum_value("paikallinen", description="A paikallinen osa: a name, no national code.")
    YHTEINEN = strawberry.enum_value(
        "yhteinen", description="One osa-alue of a yhteinen tutkinnon osa (`osaAlueKoodi`); its osa-alueet are rows."
    )


@strawberry.type(description="An interruption of a period.")
class Keskeytymisajanjakso:
    alku: date = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(description="Last day (null: still interrupted).")


@authorization.guarded(authorization.tyopaikkaohjaaja)
@strawberry.type(description="A workplace instructor's contact data: read with the HOKS's own right.")
class Tyopaikkaohjaaja:
    nimi: str | None = strawberry.field(description="The instructor's name.")
    sahkoposti: str | None = strawberry.field(description="The instructor's e-mail address.")
    puhelinnumero: str | None = strawberry.field(description="The instructor's phone number.")
    opiskeluoikeus_id: strawberry.Private[int]


@strawberry.type(description="How a unit is acquired; oppisopimus and koulutussopimus are työpaikkajaksot.")
class Hankkimistapa(HankkimistapaTiedot):
    id: int = strawberry.field(description="Polku's id of the period (the hankkimistapaId of decisions).")
    yksiloiva_tunniste: str = strawberry.field(
        description="The client's identifier of the period, kept across updateHoks."
    )
    tyyppi: HankkimistavanTyyppi = strawberry.field(description="How competence is acquired in the period.")
    alku: date = strawberry.field(description="First day.")
    loppu: date = strawberry.field(description="Last day.")
    tyopaikan_nimi: str | None = strawberry.field(description="The workplace's name.")
    ytunnus: str | None = strawberry.field(description="The workplace's y-tunnus.")
    ohjaaja: Tyopaikkaohjaaja | None = strawberry.field(description="The workplace instructor (työpaikkaohjaaja).")
    osa_aikaisuus: int | None = strawberry.field(
        description="Part-time percentage (1–100); shortens the counted kesto."
    )
    oppisopimuksen_perusta: str | None = strawberry.field(
        description="eHOKS's oppisopimuksen perusta code (for oppisopimus)."
    )
    keskeytymisajanjaksot: list[Keskeytymisajanjakso] = strawberry.field(
        description="Interruptions of the period; they shorten the counted kesto."
    )
    opiskeluoikeus_id: strawberry.Private[int]

    @strawberry.field(
        description="A työpaikkajakso's kesto (§4.1) with the breaks and shared days it was computed from; "
        "null for other hankkimistavat."
    )
    async def kesto(self, info: Info) -> JaksonKesto | None:
        erittely = await info.context.loaders.kestot.load(self.id)
        return JaksonKesto.from_rule(erittely, self.opiskeluoikeus_id) if erittely else None

    @classmethod
    def from_stored(cls, jakso: StoredJakso, opiskeluoikeus_id: int) -> Hankkimistapa:
        t = jakso.plan
        has_ohjaaja = t.ohjaaja_nimi or t.ohjaaja_sahkoposti or t.ohjaaja_puhelinnumero
        return cls(
            id=jakso.id,
            yksiloiva_tunniste=t.yksiloiva_tunniste or "",  # never empty on a stored jakso
            tyyppi=HankkimistavanTyyppi(t.tyyppi),
            alku=t.alku,
            loppu=t.loppu,
            tyopaikan_nimi=t.tyopaikan_nimi,
            ytunnus=t.ytunnus,
            ohjaaja=Tyopaikkaohjaaja(
                nimi=t.ohjaaja_nimi,
                sahkoposti=t.ohjaaja_sahkoposti,
                puhelinnumero=t.ohjaaja_puhelinnumero,
                opiskeluoikeus_id=opiskeluoikeus_id,
            )
            if has_ohjaaja
            else None,
            osa_aikaisuus=t.osa_aikaisuus,
            oppisopimuksen_perusta=t.oppisopimuksen_perusta,
            keskeytymisajanjaksot=[Keskeytymisajanjakso(alku=k.alku, loppu=k.loppu) for k in t.keskeytymisajanjaksot],
            lisatiedot=dict(t.lisatiedot) or None,
            opiskeluoikeus_id=opiskeluoikeus_id,
        )


@strawberry.type(description="A tutkinnon osa (or osa-alue) the learner acquires, with how.")
class HankittavaTutkinnonOsa(TutkinnonOsaTiedot):
    id: int = strawberry.field(description="Polku's id of the row.")
    tutkinnon_osa_koodi: str = strawberry.field(description="The national code; empty for a paikallinen osa.")
    nimi: str | None = strawberry.field(description="A paikallinen osa's name.")
    hankkimistavat: list[Hankkimistapa] = strawberry.field(description="How the osa is acquired, by period.")
    tyyppi: TutkinnonOsanTyyppi = strawberry.field(description="Which kind of osa the row is.")
    osa_alue_koodi: str | None = strawberry.field(description="The osa-alue of a yhteinen tutkinnon osa.")
    yhteinen_osa: dict[str, Any] | None = strawberry.field(
        description="The yhteinen tutkinnon osa's own fields beyond its code (the same on each of its osa-alueet).",
        graphql_type=JSON | None,
    )

    @classmethod
    def from_stored(cls, osa: StoredOsa, opiskeluoikeus_id: int) -> HankittavaTutkinnonOsa:
        return cls(
            id=osa.id,
            tutkinnon_osa_koodi=osa.tutkinnon_osa_koodi,
            nimi=osa.nimi,
            hankkimistavat=[Hankkimistapa.from_stored(j, opiskeluoikeus_id) for j in osa.jaksot],
            tyyppi=TutkinnonOsanTyyppi(osa.osa.tyyppi),
            osa_alue_koodi=osa.osa.osa_alue_koodi,
            lisatiedot=dict(osa.osa.lisatiedot) or None,
            yhteinen_osa=dict(osa.osa.yhteinen_osa) or None,
        )


@authorization.guarded(authorization.hoks, audit=authorization.seen_hoks)
@strawberry.type(
    description="A learner's personal competence plan (henkilökohtainen osaamisen kehittämissuunnitelma), "
    "one per opiskeluoikeus."
)
class Hoks(HoksTiedot):
    id: int = strawberry.field(description="Polku's id of the plan.")
    ensikertainen_hyvaksyminen: date = strawberry.field(
        description="Day the plan was first approved; starts the aloituskysely (DOMAIN.md §3)."
    )
    osaamisen_hankkimisen_tarve: bool | None = strawberry.field(
        description="Whether the learner needs to acquire competence (null when not stated)."
    )
    osaamisen_saavuttamisen_pvm: date | None = strawberry.field(
        description="Day the competence was reached; triggers the päättökysely."
    )
    sahkoposti: str | None = strawberry.field(description="The learner's e-mail address for surveys.")
    puhelinnumero: str | None = strawberry.field(description="The learner's phone number for surveys (SMS).")
    paivitetty: datetime = strawberry.field(description="When the plan was last saved.")
    oppija: Oppija = strawberry.field(description="The learner.")
    tutkinnon_osat: list[HankittavaTutkinnonOsa] = strawberry.field(
        description="The hankittavat tutkinnon osat with their hankkimistavat."
    )
    tyopaikkajaksot: list[Hankkimistapa] = strawberry.field(
        description="The plan's oppisopimus and koulutussopimus periods, by start date."
    )
    row: strawberry.Private[HoksRow]

    @classmethod
    def from_row(cls, row: HoksRow, osat: list[StoredOsa]) -> Hoks:
        """`row` comes with its oppija (select_related) and `osat` are its stored units (`stored_osat`).

        The oppija and the plan are plain fields built here rather than async resolvers, so a page of HOKSes
        completes without a future or task per HOKS, which was most of a page's cost (bench/graphql_hoks.py).
        """
        oo_id: int = row.opiskeluoikeus_id  # type: ignore[attr-defined]
        jaksot = [j for o in osat for j in o.jaksot if j.plan.is_tyopaikkajakso]
        jaksot.sort(key=lambda j: (j.plan.alku, j.id))
        return cls(
            id=row.id,
            ensikertainen_hyvaksyminen=row.ensikertainen_hyvaksyminen,
            osaamisen_hankkimisen_tarve=row.osaamisen_hankkimisen_tarve,
            osaamisen_saavuttamisen_pvm=row.osaamisen_saavuttamisen_pvm,
            sahkoposti=row.sahkoposti,
            puhelinnumero=row.puhelinnumero,
            paivitetty=row.updated_at,
            oppija=Oppija.from_row(row.oppija),
            tutkinnon_osat=[HankittavaTutkinnonOsa.from_stored(o, oo_id) for o in osat],
            tyopaikkajaksot=[Hankkimistapa.from_stored(j, oo_id) for j in jaksot],
            lisatiedot=row.lisatiedot or None,
            row=row,
        )

    @strawberry.field(description="The study right the plan belongs to.")
    async def opiskeluoikeus(self, info: Info) -> Opiskeluoikeus:
        row = await info.context.loaders.opiskeluoikeus.load(self.row.opiskeluoikeus_id)  # type: ignore[attr-defined]
        assert row is not None
        return Opiskeluoikeus.from_row(row)

    @strawberry.field(description="Survey links of this HOKS: student links and its jaksot's instructor bundles.")
    async def kyselylinkit(self, info: Info) -> list[Kyselylinkki]:
        return await hoks_kyselylinkit(self.id, info)

    @strawberry.field(description="Feedback decisions, with the reason when no link was made.")
    async def palautepaatokset(self, info: Info) -> list[Palautepaatos]:
        return await hoks_palautepaatokset(self.id, info)


@strawberry.type(description="Paging state.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type(description="One HOKS with its cursor.")
class HoksEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Hoks = strawberry.field(description="The HOKS.")


@strawberry.type(description="One page of HOKSes.")
class HoksConnection:
    edges: list[HoksEdge] = strawberry.field(description="The HOKSes of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page and its cursor.")


@strawberry.input(description="An interruption of a period.")
class KeskeytymisajanjaksoInput:
    alku: date = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(default=None, description="Last day; null: still interrupted.")


@strawberry.input(description="A workplace instructor.")
class TyopaikkaohjaajaInput:
    nimi: str | None = strawberry.field(default=None, description="Name.")
    sahkoposti: str | None = strawberry.field(default=None, description="E-mail address.")
    puhelinnumero: str | None = strawberry.field(default=None, description="Phone number.")


@strawberry.input(description="One period of acquiring competence.")
class HankkimistapaInput(HankkimistapaTiedotInput):
    tyyppi: HankkimistavanTyyppi = strawberry.field(description="How competence is acquired in the period.")
    alku: date = strawberry.field(description="First day.")
    loppu: date = strawberry.field(description="Last day.")
    yksiloiva_tunniste: str | None = strawberry.field(
        default=None, description="Keep it to update the same jakso; generated when absent."
    )
    tyopaikan_nimi: str | None = strawberry.field(default=None, description="The workplace's name (työpaikkajaksot).")
    ytunnus: str | None = strawberry.field(default=None, description="The workplace's y-tunnus (työpaikkajaksot).")
    ohjaaja: TyopaikkaohjaajaInput | None = strawberry.field(
        default=None, description="The workplace instructor (työpaikkajaksot)."
    )
    osa_aikaisuus: int | None = strawberry.field(default=None, description="1–100; absent means 100.")
    oppisopimuksen_perusta: str | None = strawberry.field(default=None, description="tyosuhde or yrittaja")
    keskeytymisajanjaksot: list[KeskeytymisajanjaksoInput] = strawberry.field(
        description="Interruptions of the period.", default_factory=list
    )
    lisatiedot: JSON | None = strawberry.field(default=None, description=LISATIEDOT)


@strawberry.input(description="One hankittava tutkinnon osa (or osa-alue).")
class TutkinnonOsaInput(TutkinnonOsaTiedotInput):
    tutkinnon_osa_koodi: str = strawberry.field(description="The national code; empty for a paikallinen osa.")
    nimi: str | None = strawberry.field(default=None, description="A paikallinen osa's name.")
    hankkimistavat: list[HankkimistapaInput] = strawberry.field(description="How it is acquired.", default_factory=list)
    tyyppi: TutkinnonOsanTyyppi = strawberry.field(
        default=TutkinnonOsanTyyppi.AMMATILLINEN, description="Which kind of osa."
    )
    osa_alue_koodi: str | None = strawberry.field(default=None, description="For a yhteinen osa: the osa-alue.")
    lisatiedot: JSON | None = strawberry.field(default=None, description=LISATIEDOT)
    yhteinen_osa: JSON | None = strawberry.field(
        default=None, description="For a yhteinen osa: its own fields beyond its code, the same on each osa-alue."
    )


@strawberry.input(description="A whole HOKS, as createHoks and updateHoks take it.")
class HoksInput(HoksTiedotInput):
    oppija_oid: str = strawberry.field(description="The learner's oppija OID.")
    opiskeluoikeus_oid: str = strawberry.field(
        description="The study right's OID (must be the learner's, mirrored from Koski)."
    )
    ensikertainen_hyvaksyminen: date = strawberry.field(description="Day the plan was first approved.")
    osaamisen_hankkimisen_tarve: bool | None = strawberry.field(
        default=None, description="Whether the learner needs to acquire competence."
    )
    osaamisen_saavuttamisen_pvm: date | None = strawberry.field(
        default=None, description="Day the competence was reached."
    )
    sahkoposti: str | None = strawberry.field(default=None, description="The learner's e-mail address.")
    puhelinnumero: str | None = strawberry.field(default=None, description="The learner's phone number.")
    tutkinnon_osat: list[TutkinnonOsaInput] = strawberry.field(
        description="The hankittavat tutkinnon osat.", default_factory=list
    )
    lisatiedot: JSON | None = strawberry.field(default=None, description=LISATIEDOT)


@strawberry.input(description="Top-level fields only; a field left out is unchanged, null clears it.")
class HoksPatchInput:
    ensikertainen_hyvaksyminen: date | None = strawberry.field(
        default=strawberry.UNSET, description="Day the plan was first approved."
    )
    osaamisen_hankkimisen_tarve: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether the learner needs to acquire competence."
    )
    osaamisen_saavuttamisen_pvm: date | None = strawberry.field(
        default=strawberry.UNSET, description="Day the competence was reached."
    )
    sahkoposti: str | None = strawberry.field(default=strawberry.UNSET, description="The learner's e-mail address.")
    puhelinnumero: str | None = strawberry.field(default=strawberry.UNSET, description="The learner's phone number.")


def to_plan(i: HoksInput) -> HoksPlan:
    """GraphQL input → the rules' plan, trimming every string on the way (DOMAIN.md §2)."""
    return HoksPlan(
        oppija_oid=(i.oppija_oid or "").strip(),
        opiskeluoikeus_oid=(i.opiskeluoikeus_oid or "").strip(),
        ensikertainen_hyvaksyminen=i.ensikertainen_hyvaksyminen,
        osaamisen_hankkimisen_tarve=i.osaamisen_hankkimisen_tarve,
        osaamisen_saavuttamisen_pvm=i.osaamisen_saavuttamisen_pvm,
        sahkoposti=clean(i.sahkoposti),
        puhelinnumero=clean(i.puhelinnumero),
        tutkinnon_osat=tuple(
            TutkinnonOsaPlan(
                tutkinnon_osa_koodi=clean(o.tutkinnon_osa_koodi) or "",
                nimi=clean(o.nimi),
                hankkimistavat=tuple(_tapa(t) for t in o.hankkimistavat),
                tyyppi=cast(str, o.tyyppi.value),
                osa_alue_koodi=clean(o.osa_alue_koodi),
                lisatiedot=written(tiedot.TUTKINNON_OSA, o, _object(o.lisatiedot)),
                yhteinen_osa=_object(o.yhteinen_osa),
            )
            for o in i.tutkinnon_osat
        ),
        lisatiedot=written(tiedot.HOKS, i, _object(i.lisatiedot)),
    )


def _object(value: Any) -> dict[str, Any]:
    """A `lisatiedot` JSON value: an object, or absent."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DomainError("NOT_AN_OBJECT", "lisatiedot must be a JSON object", "lisatiedot")
    return value


def _tapa(t: HankkimistapaInput) -> HankkimistapaPlan:
    ohjaaja = t.ohjaaja or TyopaikkaohjaajaInput()
    return HankkimistapaPlan(
        tyyppi=t.tyyppi.value,
        alku=t.alku,
        loppu=t.loppu,
        yksiloiva_tunniste=clean(t.yksiloiva_tunniste),
        tyopaikan_nimi=clean(t.tyopaikan_nimi),
        ytunnus=clean(t.ytunnus),
        ohjaaja_nimi=clean(ohjaaja.nimi),
        ohjaaja_sahkoposti=clean(ohjaaja.sahkoposti),
        ohjaaja_puhelinnumero=clean(ohjaaja.puhelinnumero),
        osa_aikaisuus=t.osa_aikaisuus,
        oppisopimuksen_perusta=clean(t.oppisopimuksen_perusta),
        keskeytymisajanjaksot=tuple(KeskeytymisajanjaksoPlan(k.alku, k.loppu) for k in t.keskeytymisajanjaksot),
        lisatiedot=written(tiedot.HANKKIMISTAPA, t, _object(t.lisatiedot)),
    )


async def _org_path(oid: str, field: str) -> str:
    org = await OrganisationRow.get_or_none(oid=oid)
    if org is None:
        raise NotFound("organisation", oid, field)
    return org.path


@strawberry.type
class HoksQuery:
    @strawberry.field(description="One HOKS; a voided study right's HOKS is not found.")
    async def hoks(
        self, info: Info, id: Annotated[int, strawberry.argument(description="The HOKS id (Hoks.id).")]
    ) -> Hoks:
        row = await HoksRow.filter(id=id).select_related("opiskeluoikeus__oppilaitos", "oppija").first()
        if row is None or row.opiskeluoikeus.mitatoity:
            raise NotFound("HOKS", id, "id")
        info.context.loaders.opiskeluoikeus.prime(row.opiskeluoikeus.id, row.opiskeluoikeus)
        return (await _with_plans([row]))[0]

    @strawberry.field(description="HOKSes the caller may read, oldest first, at most 100 a page.")
    async def hoksit(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = 50,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
        oppilaitos: Annotated[
            str | None, strawberry.argument(description="Only HOKSes of this oppilaitos (OID).")
        ] = None,
        koulutustoimija: Annotated[
            str | None, strawberry.argument(description="Only HOKSes of this koulutustoimija (OID).")
        ] = None,
    ) -> HoksConnection:
        principal = info.context.principal
        if not 1 <= first <= MAX_PAGE:
            raise DomainError("OUT_OF_RANGE", "first must be between 1 and {max}", "first", max=MAX_PAGE)
        query = HoksRow.filter(id__gt=after_id("hoks", after), opiskeluoikeus__mitatoity=False).filter(
            principal.path_filter(RoleName.READ, "opiskeluoikeus__oppilaitos__path")
        )
        filters: dict[str, Any] = {}
        for oid, name in ((oppilaitos, "oppilaitos"), (koulutustoimija, "koulutustoimija")):
            if oid is not None:
                path = await _org_path(oid, name)
                if not principal.can(RoleName.READ, path) and not any(
                    p.startswith(path) for p in principal.scope(RoleName.READ)
                ):
                    raise Forbidden(
                        "{user} has no read right in {what} {oid}", user=principal.name, what=Viesti(name), oid=oid
                    )
                filters[f"opiskeluoikeus__{name}__oid"] = oid
        rows = (
            await query.filter(**filters)
            .order_by("id")
            .limit(first + 1)
            .select_related("oppija", "opiskeluoikeus__oppilaitos")
        )
        page = rows[:first]
        return HoksConnection(
            edges=[HoksEdge(cursor=id_cursor("hoks", h.id), node=h) for h in await _with_plans(page)],
            page_info=PageInfo(
                has_next_page=len(rows) > first, end_cursor=id_cursor("hoks", page[-1].id) if page else None
            ),
        )


async def _with_plans(rows: list[HoksRow]) -> list[Hoks]:
    """HOKS rows (with their oppija) as the API type, the plans of all of them read in one statement."""
    osat = await stored_osat([r.id for r in rows])
    return [Hoks.from_row(r, osat[r.id]) for r in rows]


async def _reloaded(hoks_id: int) -> Hoks:
    return (await _with_plans([await HoksRow.get(id=hoks_id).select_related("oppija")]))[0]


@strawberry.type
class HoksMutation:
    @strawberry.mutation(description="Create the HOKS of a study right (one per opiskeluoikeus).")
    async def create_hoks(
        self, info: Info, input: Annotated[HoksInput, strawberry.argument(description="The plan.")]
    ) -> Hoks:
        row = await hoks_service.create_hoks(to_plan(input), info.context.principal, info.context.today)
        return await _reloaded(row.id)

    @strawberry.mutation(description="Replace the whole plan; jaksot keep identity by yksiloivaTunniste.")
    async def update_hoks(
        self,
        info: Info,
        id: Annotated[int, strawberry.argument(description="The HOKS id.")],
        input: Annotated[HoksInput, strawberry.argument(description="The whole new plan.")],
    ) -> Hoks:
        row = await hoks_service.update_hoks(id, to_plan(input), info.context.principal, info.context.today)
        return await _reloaded(row.id)

    @strawberry.mutation(description="Change top-level fields only.")
    async def patch_hoks(
        self,
        info: Info,
        id: Annotated[int, strawberry.argument(description="The HOKS id.")],
        input: Annotated[HoksPatchInput, strawberry.argument(description="The fields to change; absent ones stay.")],
    ) -> Hoks:
        changes = {k: v for k, v in vars(input).items() if v is not strawberry.UNSET}
        for key in ("sahkoposti", "puhelinnumero"):
            if key in changes:
                changes[key] = clean(changes[key])
        row = await hoks_service.patch_hoks(id, changes, info.context.principal, info.context.today)
        return await _reloaded(row.id)
