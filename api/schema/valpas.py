"""Valpas in GraphQL: oppivelvollisuus of a person, the kunta and provider lists, kuntailmoitus, rights.

All decisions come from `models.services.valpas` (which asks the pure rules); this module only shapes answers.
There is deliberately no mutation that changes or removes a kuntailmoitus (DOMAIN.md §6.3).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from api import authorization
from api.context import Info
from api.i18n import teksti
from api.schema import valpas_cursor, valpas_kirjaukset
from api.schema.hoks import PageInfo
from api.schema.organisation import Organisation
from api.schema.valpas_kirjaukset import Keskeytys, Vapautus
from models.oppija import Oppija as OppijaRow
from models.rules import kuntailmoitus as ki
from models.rules import oppivelvollisuus as ov
from models.rules.calendar import helsinki_day
from models.services.errors import DomainError
from models.services.valpas import access as valpas_access
from models.services.valpas import (
    automaattinen_tarkistus,
    kuntailmoitus,
    paging,
    records,
    role_grants,
)
from models.services.valpas import facts as valpas_facts
from models.user import RoleName
from models.valpas import Kuntailmoitus as KuntailmoitusRow

MAX_PAGE = 100


@strawberry.type(description="Why a rule decided as it did: a stable code and a plain-language explanation.")
class ValpasReason:
    code: str = strawberry.field(description="Machine-readable reason code (stable).")
    english: strawberry.Private[str]

    @strawberry.field(description="The reason in words, in the language of Accept-Language (fi, sv, en).")
    def text(self, info: Info) -> str:
        return teksti(self.english, info.context.kieli)

    @classmethod
    def of(cls, code: str) -> ValpasReason:
        return cls(code=code, english=ov.explain(code))


@authorization.guarded(authorization.oppivelvollisuus)
@strawberry.type(description="DOMAIN.md §6.1–6.2 for one person today. Dates are null when not covered.")
class Oppivelvollisuus:
    covered: bool = strawberry.field(description="Whether the person falls under extended compulsory education at all.")
    reason: ValpasReason = strawberry.field(description="Why covered is what it is.")
    oppivelvollinen_until: date | None = strawberry.field(description="Last day of compulsory education.")
    oppivelvollinen_until_reason: ValpasReason | None = strawberry.field(
        description="Which rule set oppivelvollinenUntil."
    )
    maksuttomuus_until: date | None = strawberry.field(description="Last day of free education (maksuttomuus).")
    maksuttomuus_until_reason: ValpasReason | None = strawberry.field(description="Which rule set maksuttomuusUntil.")
    suorittaa: bool = strawberry.field(description="Whether the person fulfils compulsory education today.")
    suorittaa_reason: ValpasReason = strawberry.field(description="Why suorittaa is what it is.")
    keskeytetty: bool = strawberry.field(description="Whether a keskeytys is in force today.")
    data_quality_flags: list[ValpasReason] = strawberry.field(
        description="Doubts about the source data worth checking by hand."
    )
    oppija_id: strawberry.Private[int]

    @strawberry.field(description="Every keskeytys recorded for the person, ended and cancelled ones included.")
    async def keskeytykset(self, info: Info) -> list[Keskeytys]:
        return await valpas_kirjaukset.keskeytykset(info, self.oppija_id)

    @strawberry.field(description="Every vapautus recorded for the person, cancelled ones included.")
    async def vapautukset(self, info: Info) -> list[Vapautus]:
        return await valpas_kirjaukset.vapautukset(info, self.oppija_id)

    @classmethod
    def of(cls, tila: valpas_facts.OppivelvollisuusTila, oppija_id: int) -> Oppivelvollisuus:
        covered = tila.coverage.covered
        return cls(
            covered=covered,
            reason=ValpasReason.of(tila.coverage.reason),
            oppivelvollinen_until=tila.oppivelvollinen_until.date if covered else None,
            oppivelvollinen_until_reason=ValpasReason.of(tila.oppivelvollinen_until.reason) if covered else None,
            maksuttomuus_until=tila.maksuttomuus_until.date if covered else None,
            maksuttomuus_until_reason=ValpasReason.of(tila.maksuttomuus_until.reason) if covered else None,
            suorittaa=tila.suorittaminen.suorittaa,
            suorittaa_reason=ValpasReason.of(tila.suorittaminen.reason),
            keskeytetty=tila.keskeytetty,
            data_quality_flags=[ValpasReason.of(f) for f in tila.coverage.data_quality_flags],
            oppija_id=oppija_id,
        )


async def resolve_oppivelvollisuus(row: OppijaRow, info: Info) -> Oppivelvollisuus | None:
    """For `Oppija.oppivelvollisuus`; null when the syntymäaika is unknown (no rule can place the person)."""
    facts = await info.context.loaders.henkilo_facts.load(row.id)
    return Oppivelvollisuus.of(valpas_facts.oppivelvollisuus_tila(facts, info.context.today), row.id) if facts else None


# --- Automaattinen tarkistus ----------------------------------------------------------------------


@authorization.guarded(authorization.tarkistusrivi)
@strawberry.type(description="A person the kunta must check: oppivelvollinen, living there, no active study place.")
class TarkistusRivi:
    oppija_oid: str = strawberry.field(description="The person's oppija OID.")
    etunimet: str = strawberry.field(description="First names.")
    sukunimi: str = strawberry.field(description="Surname.")
    syntymaaika: date = strawberry.field(description="Date of birth.")
    oppivelvollinen_until: date = strawberry.field(description="Last day of compulsory education.")
    maksuttomuus_until: date = strawberry.field(description="Last day of free education.")
    reason: ValpasReason = strawberry.field(description="Why the person is on the list.")
    keskeytetty: bool = strawberry.field(description="Whether a keskeytys is in force.")
    kunta_path: strawberry.Private[str]

    @classmethod
    def of(cls, r: automaattinen_tarkistus.TarkistusRivi, kunta_path: str) -> TarkistusRivi:
        return cls(
            oppija_oid=r.facts.oppija_oid,
            etunimet=r.key[1],
            sukunimi=r.key[0],
            syntymaaika=r.facts.syntymaaika,
            oppivelvollinen_until=r.tila.oppivelvollinen_until.date,
            maksuttomuus_until=r.tila.maksuttomuus_until.date,
            reason=ValpasReason.of(r.tila.suorittaminen.reason),
            keskeytetty=r.tila.keskeytetty,
            kunta_path=kunta_path,
        )


@strawberry.type(description="One row with its cursor.")
class TarkistusEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: TarkistusRivi = strawberry.field(description="The row.")


@strawberry.type(description="One page of the automatic check list.")
class TarkistusConnection:
    edges: list[TarkistusEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page and its cursor.")


def parse_list_cursor(cursor: str | None) -> paging.ListKey | None:
    key = valpas_cursor.decode(cursor, 3)
    return None if key is None else (key[0], key[1], key[2])


# --- Kuntailmoitus --------------------------------------------------------------------------------


@strawberry.type(description="Contact details.")
class Yhteystiedot:
    lahiosoite: str | None = strawberry.field(description="Street address.")
    postinumero: str | None = strawberry.field(description="Postal code.")
    postitoimipaikka: str | None = strawberry.field(description="Post office.")
    maa: str | None = strawberry.field(description="Country.")
    puhelinnumero: str | None = strawberry.field(description="Phone number.")
    sahkoposti: str | None = strawberry.field(description="E-mail address.")


@authorization.guarded(authorization.kuntailmoitus)
@strawberry.type(description="Ilmoitus asuinkunnalle. Immutable: no mutation changes or withdraws one.")
class Kuntailmoitus:
    id: int = strawberry.field(description="Polku's id of the notice.")
    oppija_oid: str = strawberry.field(description="The person's oppija OID.")
    etunimet: str = strawberry.field(description="First names.")
    sukunimi: str = strawberry.field(description="Surname.")
    kunta: str = strawberry.field(description="The receiving kunta's kuntakoodi.")
    tekija_organisaatio: Organisation = strawberry.field(description="The organisation that made the notice.")
    tekija: str = strawberry.field(description="The user who made it.")
    yhteystiedot: Yhteystiedot | None = strawberry.field(
        description="The learner's contact details; null under turvakielto unless the caller is a user of the "
        "receiving kunta or of the learner's kotikunta."
    )
    yhteydenottokieli: str = strawberry.field(description="Contact language: fi or sv.")
    hakenut_muualle: bool = strawberry.field(description="Whether the person has applied elsewhere.")
    muu_haku: bool = strawberry.field(description='The sender\'s "Muu haku" note at the time.')
    created_at: datetime = strawberry.field(description="When it was made.")
    row: strawberry.Private[KuntailmoitusRow]

    @strawberry.field(
        description="Whether the notice is still active today: the person is oppivelvollinen (no vapautus, not "
        "18) and has had no study right in force since. The notice itself never changes; null when the person's "
        "date of birth is unknown."
    )
    async def aktiivinen(self, info: Info) -> bool | None:
        verdict = await self._aktiivisuus(info)
        return None if verdict is None else verdict.value

    @strawberry.field(description="Why the notice is active or passive.")
    async def aktiivisuus_reason(self, info: Info) -> ValpasReason | None:
        verdict = await self._aktiivisuus(info)
        return None if verdict is None else ValpasReason(code=verdict.reason, english=ki.explain(verdict.reason))

    async def _aktiivisuus(self, info: Info) -> ov.Verdict | None:
        facts = await info.context.loaders.henkilo_facts.load(self.row.oppija.id)
        return ki.aktiivinen(facts, helsinki_day(self.row.created_at), info.context.today) if facts else None

    @classmethod
    def of(cls, row: KuntailmoitusRow, hidden: bool) -> Kuntailmoitus:
        return cls(
            id=row.id,
            oppija_oid=row.oppija.oid,
            etunimet=row.oppija.etunimet,
            sukunimi=row.oppija.sukunimi,
            kunta=row.kunta.kuntakoodi or "",
            tekija_organisaatio=Organisation.from_row(row.tekija_organisaatio),
            tekija=row.tekija.name,
            yhteystiedot=None
            if hidden
            else Yhteystiedot(
                lahiosoite=row.lahiosoite,
                postinumero=row.postinumero,
                postitoimipaikka=row.postitoimipaikka,
                maa=row.maa,
                puhelinnumero=row.puhelinnumero,
                sahkoposti=row.sahkoposti,
            ),
            yhteydenottokieli=row.yhteydenottokieli.value,
            hakenut_muualle=row.hakenut_muualle,
            muu_haku=row.muu_haku,
            created_at=row.created_at,
            row=row,
        )


async def _shown(rows: list[KuntailmoitusRow], info: Info) -> list[Kuntailmoitus]:
    """Turvakielto: contact data only for users of the receiving kunta or of the learner's kotikunta today."""
    own = await valpas_access.own_kuntakoodit(info.context.principal)
    today = info.context.today
    out = []
    for row in rows:
        hidden = False
        if row.oppija.turvakielto:
            kotikunnat = await info.context.loaders.kotikunnat.load(row.oppija.id)
            current = valpas_facts.current_kuntakoodi(kotikunnat, today)
            hidden = valpas_access.turvakielto_hides(row.oppija, own, (row.kunta.kuntakoodi, current))
        out.append(Kuntailmoitus.of(row, hidden))
    return out


@strawberry.input(description="Contact details.")
class YhteystiedotInput:
    lahiosoite: str | None = strawberry.field(default=None, description="Street address.")
    postinumero: str | None = strawberry.field(default=None, description="Postal code.")
    postitoimipaikka: str | None = strawberry.field(default=None, description="Post office.")
    maa: str | None = strawberry.field(default=None, description="Country.")
    puhelinnumero: str | None = strawberry.field(default=None, description="Phone number.")
    sahkoposti: str | None = strawberry.field(default=None, description="E-mail address.")


@strawberry.input(description="An ilmoitus asuinkunnalle (notice to the home municipality).")
class KuntailmoitusInput:
    oppija_oid: str = strawberry.field(description="The person's oppija OID.")
    kunta: str = strawberry.field(description="Kuntakoodi of the receiving kunta, e.g. 091.")
    tekija_organisaatio: str = strawberry.field(description="OID of the maker's oppilaitos or kunta.")
    yhteystiedot: YhteystiedotInput = strawberry.field(description="The person's contact details.")
    yhteydenottokieli: str = strawberry.field(description="fi or sv")
    hakenut_muualle: bool = strawberry.field(description="Whether the person has applied elsewhere.")


# --- Kunta records and rights ---------------------------------------------------------------------


@strawberry.type(description="A role granted.")
class RoleGrant:
    user: str = strawberry.field(description="The user's name.")
    organisation: str = strawberry.field(description="The organisation's OID.")
    role: RoleName = strawberry.field(description="The role.")


@strawberry.type
class ValpasQuery:
    @strawberry.field(
        description="The kunta's automatic check list (DOMAIN.md §6.3), computed from current data, in name "
        "order, at most 100 a page. CSV: GET /valpas/automaattinen-tarkistus.csv?kunta=…"
    )
    async def automaattinen_tarkistus(
        self,
        info: Info,
        kunta: Annotated[str, strawberry.argument(description="The kunta's kuntakoodi (three digits, e.g. 091).")],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = MAX_PAGE,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
    ) -> TarkistusConnection:
        if not 1 <= first <= MAX_PAGE:
            raise DomainError("OUT_OF_RANGE", "first must be between 1 and {max}", "first", max=MAX_PAGE)
        rows, more = await automaattinen_tarkistus.automaattinen_tarkistus_page(
            info.context.principal, kunta, info.context.today, first, parse_list_cursor(after)
        )
        kunta_path = (await valpas_access.kunta_organisation(kunta)).path
        return TarkistusConnection(
            edges=[
                TarkistusEdge(cursor=valpas_cursor.encode(r.key), node=TarkistusRivi.of(r, kunta_path)) for r in rows
            ],
            page_info=PageInfo(has_next_page=more, end_cursor=valpas_cursor.encode(rows[-1].key) if rows else None),
        )

    @strawberry.field(description="Kuntailmoitukset received by the kunta (kuntakoodi), newest first.")
    async def kuntailmoitukset_vastaanotetut(
        self, info: Info, kunta: Annotated[str, strawberry.argument(description="The receiving kunta's kuntakoodi.")]
    ) -> list[Kuntailmoitus]:
        return await _shown(await kuntailmoitus.received_kuntailmoitukset(info.context.principal, kunta), info)

    @strawberry.field(description="Kuntailmoitukset made by the organisation (OID) and those below it.")
    async def kuntailmoitukset_lahetetyt(
        self,
        info: Info,
        organisaatio: Annotated[str, strawberry.argument(description="The sending organisation (OID).")],
    ) -> list[Kuntailmoitus]:
        return await _shown(await kuntailmoitus.sent_kuntailmoitukset(info.context.principal, organisaatio), info)


@strawberry.type
class ValpasMutation:
    @strawberry.mutation(description="Make an ilmoitus asuinkunnalle. It cannot be changed or withdrawn later.")
    async def create_kuntailmoitus(
        self, info: Info, input: Annotated[KuntailmoitusInput, strawberry.argument(description="The notice.")]
    ) -> Kuntailmoitus:
        y = input.yhteystiedot
        row = await kuntailmoitus.create_kuntailmoitus(
            info.context.principal,
            kuntailmoitus.KuntailmoitusInput(
                oppija_oid=input.oppija_oid,
                kunta=input.kunta,
                tekija_organisaatio=input.tekija_organisaatio,
                yhteystiedot=kuntailmoitus.Yhteystiedot(
                    lahiosoite=y.lahiosoite,
                    postinumero=y.postinumero,
                    postitoimipaikka=y.postitoimipaikka,
                    maa=y.maa,
                    puhelinnumero=y.puhelinnumero,
                    sahkoposti=y.sahkoposti,
                ),
                yhteydenottokieli=input.yhteydenottokieli,
                hakenut_muualle=input.hakenut_muualle,
            ),
            info.context.today,
        )
        await row.fetch_related(*kuntailmoitus.KUNTAILMOITUS_RELATED)
        return (await _shown([row], info))[0]

    @strawberry.mutation(description='Set or clear this oppilaitos\' own "Muu haku" note on a pupil.')
    async def mark_muu_haku(
        self,
        info: Info,
        oppija_oid: Annotated[str, strawberry.argument(description="The pupil's oppija OID.")],
        oppilaitos: Annotated[str, strawberry.argument(description="The oppilaitos (OID) whose note it is.")],
        muu_haku: Annotated[bool, strawberry.argument(description="Set (true) or clear (false).")],
    ) -> bool:
        return await records.mark_muu_haku(info.context.principal, oppija_oid, oppilaitos, muu_haku)

    @strawberry.mutation(
        description="Grant a Valpas role: the vastuukäyttäjä grants pääkäyttäjä roles, pääkäyttäjät grant valvoja "
        "roles in their own organisation. Nobody can grant to themselves."
    )
    async def grant_role(
        self,
        info: Info,
        user: Annotated[str, strawberry.argument(description="The user's name.")],
        organisation: Annotated[str, strawberry.argument(description="The organisation (OID).")],
        role: Annotated[RoleName, strawberry.argument(description="The role to grant, e.g. kunta_valvoja.")],
    ) -> RoleGrant:
        await role_grants.grant_role(info.context.principal, user, organisation, role)
        return RoleGrant(user=user, organisation=organisation, role=role)

    @strawberry.mutation(
        description="Revoke a Valpas role: whoever may grant it there. The audit log keeps who held it, where, "
        "granted by whom and when."
    )
    async def revoke_role(
        self,
        info: Info,
        user: Annotated[str, strawberry.argument(description="The user's name.")],
        organisation: Annotated[str, strawberry.argument(description="The organisation (OID).")],
        role: Annotated[RoleName, strawberry.argument(description="The role to revoke, e.g. kunta_valvoja.")],
    ) -> RoleGrant:
        await role_grants.revoke_role(info.context.principal, user, organisation, role)
        return RoleGrant(user=user, organisation=organisation, role=role)
