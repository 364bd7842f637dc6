"""Kyselylinkit in the official views: links with their deliveries, resend, upcoming sends, työpaikkakysely.

DOMAIN.md §3–4. Reading a link needs a read right in its oppilaitos (or, for a workplace link, its
koulutustoimija); a resend is authorized like a HOKS update. Reasons for "no link" are shown in words.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from api import authorization
from api.context import Info
from jobs.tick import wake
from jobs.viestit import link_url
from models.herate import Opiskelijaherate, Tyopaikkajaksoherate
from models.kyselylinkki import Kyselylinkki as LinkRow
from models.kyselylinkki import Kyselytyyppi
from models.kyselylinkki import Toimitus as ToimitusRow
from models.organisation import Organisation
from models.rules import palaute as palaute_rules
from models.rules import tyoelama as tyoelama_rules
from models.services import audit
from models.services.errors import NotFound
from models.services.lahetysajo import run_day
from models.services.palaute import resend
from models.services.tyoelama import list_tyopaikkakyselyt
from models.user import RoleName


@strawberry.enum(description="Where a link stands today.")
class LinkinTila(Enum):
    ODOTTAA = "odottaa"
    AVOIN = "avoin"
    VASTATTU = "vastattu"
    UMPEUTUNUT = "umpeutunut"
    PERUTTU = "peruttu"


def linkin_tila(row: LinkRow, today: date) -> LinkinTila:
    if row.vastattu_at is not None:
        return LinkinTila.VASTATTU
    if row.peruttu_at is not None:
        return LinkinTila.PERUTTU
    if row.vastausaika_loppu is not None and palaute_rules.is_expired(row.vastausaika_loppu, today):
        return LinkinTila.UMPEUTUNUT
    if row.vastausaika_alku is None or row.vastausaika_alku > today:
        return LinkinTila.ODOTTAA
    return LinkinTila.AVOIN


@authorization.guarded(authorization.toimitus)
@strawberry.type(description="One message on one channel: queued → sent | failed | bounced | delivered.")
class Toimitus:
    kanava: str
    tarkoitus: str = strawberry.field(description="lahetys, muistutus1, muistutus2, uudelleen1, …")
    osoite: str
    tila: str
    virhe: str | None
    yritykset: int
    paivitetty: datetime
    linkki: strawberry.Private[LinkRow]

    @classmethod
    def from_row(cls, row: ToimitusRow, linkki: LinkRow) -> Toimitus:
        return cls(
            kanava=str(row.kanava),
            tarkoitus=row.tarkoitus,
            osoite=row.osoite,
            tila=str(row.tila),
            virhe=row.virhe,
            yritykset=row.yritykset,
            paivitetty=row.updated_at,
            linkki=linkki,
        )


@authorization.guarded(authorization.kyselylinkki)
@strawberry.type(description="A one-time survey answer link (DOMAIN.md §3–4).")
class Kyselylinkki:
    tunnus: str
    kyselytyyppi: str
    tutkinto_koodi: str | None
    tutkinto_nimi: str | None
    ytunnus: str | None
    heratepvm: date
    rahoituskausi: str
    lahetyspvm: date | None
    vastausaika_alku: date | None
    vastausaika_loppu: date | None
    vastattu: bool
    peruutuksen_syy: str | None
    muistutuksia: int
    tila: LinkinTila
    url: str
    row: strawberry.Private[LinkRow]

    @classmethod
    def from_row(cls, row: LinkRow, info: Info) -> Kyselylinkki:
        return cls(
            tunnus=row.tunnus,
            kyselytyyppi=str(row.kyselytyyppi),
            tutkinto_koodi=row.tutkinto_koodi,
            tutkinto_nimi=row.tutkinto_nimi,
            ytunnus=row.ytunnus,
            heratepvm=row.heratepvm,
            rahoituskausi=row.rahoituskausi,
            lahetyspvm=row.lahetyspvm,
            vastausaika_alku=row.vastausaika_alku,
            vastausaika_loppu=row.vastausaika_loppu,
            vastattu=row.vastattu_at is not None,
            peruutuksen_syy=row.peruutuksen_syy,
            muistutuksia=row.muistutuksia,
            tila=linkin_tila(row, info.context.today),
            url=link_url(info.context.settings.public_base_url, row.tunnus),
            row=row,
        )

    @strawberry.field
    async def koulutustoimija_oid(self, info: Info) -> str:
        org = await info.context.loaders.organisation.load(self.row.koulutustoimija_id)  # type: ignore[attr-defined]
        assert org is not None
        return org.oid

    @strawberry.field
    async def oppilaitos_oid(self, info: Info) -> str | None:
        if self.row.oppilaitos_id is None:  # type: ignore[attr-defined]
            return None
        org = await info.context.loaders.organisation.load(self.row.oppilaitos_id)  # type: ignore[attr-defined]
        return org.oid if org else None

    @strawberry.field(description="Deliveries per channel, oldest first.")
    async def toimitukset(self, info: Info) -> list[Toimitus]:
        return [Toimitus.from_row(r, self.row) for r in await info.context.loaders.toimitukset.load(self.row.id)]

    @strawberry.field(description="The hankkimistapa ids of a bundle's member jaksot (empty for student links).")
    async def nippu(self, info: Info) -> list[int]:
        return [m.hankkimistapa_id for m in await info.context.loaders.nippujasenet.load(self.row.id)]  # type: ignore[attr-defined]


@strawberry.type(description="A feedback decision of a HOKS: the link made, or why none was.")
class Palautepaatos:
    kyselytyyppi: str
    hankkimistapa_id: int | None
    heratepvm: date | None
    syy: str | None
    selitys: str | None


def student_decision(row: Opiskelijaherate) -> Palautepaatos:
    return Palautepaatos(
        kyselytyyppi=row.kyselytyyppi,
        hankkimistapa_id=None,
        heratepvm=row.heratepvm,
        syy=row.syy,
        selitys=palaute_rules.REASONS.get(row.syy) if row.syy else None,
    )


def jakso_decision(row: Tyopaikkajaksoherate) -> Palautepaatos:
    return Palautepaatos(
        kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value,
        hankkimistapa_id=row.hankkimistapa_id,  # type: ignore[attr-defined]
        heratepvm=row.heratepvm,
        syy=row.syy,
        selitys=tyoelama_rules.REASONS.get(row.syy) if row.syy else None,
    )


async def hoks_kyselylinkit(hoks_id: int, info: Info) -> list[Kyselylinkki]:
    return [Kyselylinkki.from_row(r, info) for r in await info.context.loaders.kyselylinkit_by_hoks.load(hoks_id)]


async def hoks_palautepaatokset(hoks_id: int, info: Info) -> list[Palautepaatos]:
    students = await info.context.loaders.opiskelijaherateet.load(hoks_id)
    jaksot = await info.context.loaders.tyopaikkajaksoherateet.load(hoks_id)
    return [*(student_decision(r) for r in students), *(jakso_decision(r) for r in jaksot)]


@authorization.guarded(authorization.tuleva_lahetys)
@strawberry.type(description="A message that would go out on the day, and why it qualifies.")
class TulevaLahetys:
    tunnus: str | None = strawberry.field(description="Null for an instructor bundle not yet made.")
    kyselytyyppi: str
    kanava: str
    tarkoitus: str
    osoite: str
    syy: str
    koulutustoimija_path: strawberry.Private[str]


@authorization.guarded(authorization.tyopaikkakysely)
@strawberry.type(description="A työpaikkakysely link to hand to the workplace (never sent by the system).")
class Tyopaikkakysely:
    linkki: Kyselylinkki
    tyopaikan_nimi: str | None
    jaksoja: int


async def _org(oid: str, field: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid)
    if org is None:
        raise NotFound("organisation", oid, field)
    return org


@strawberry.type
class KyselylinkkiQuery:
    @strawberry.field(description="One link by its tunnus.")
    async def kyselylinkki(self, info: Info, tunnus: str) -> Kyselylinkki:
        row = await LinkRow.get_or_none(tunnus=tunnus).prefetch_related(
            "koulutustoimija", "oppilaitos", "hoks__opiskeluoikeus"
        )
        if row is None or (row.hoks is not None and row.hoks.opiskeluoikeus.mitatoity):
            raise NotFound("kyselylinkki", tunnus, "tunnus")
        await audit.record(info.context.principal, "read", "kyselylinkki", row.id, None)
        return Kyselylinkki.from_row(row, info)

    @strawberry.field(description="What the run on `paiva` would send for the provider with today's data, and why.")
    async def upcoming_sends(self, info: Info, koulutustoimija: str, paiva: date) -> list[TulevaLahetys]:
        org = await _org(koulutustoimija, "koulutustoimija")
        info.context.principal.require(RoleName.READ, org.path, f"upcoming sends of {koulutustoimija}")
        report = await run_day(paiva, dry_run=True)
        mine = [x for x in report.lahetykset if x.koulutustoimija_oid == koulutustoimija]
        existing = set(
            await LinkRow.filter(tunnus__in=[x.tunnus for x in mine]).values_list("tunnus", flat=True)  # type: ignore[arg-type]
        )
        await audit.record(info.context.principal, "read", "upcoming_sends", koulutustoimija, None)
        return [
            TulevaLahetys(
                tunnus=x.tunnus if x.tunnus in existing else None,
                kyselytyyppi=x.kyselytyyppi,
                kanava=x.kanava,
                tarkoitus=x.tarkoitus,
                osoite=x.osoite,
                syy=x.syy,
                koulutustoimija_path=org.path,
            )
            for x in mine
        ]

    @strawberry.field(description="The provider's työpaikkakysely links (§4.2), also as /tyopaikkakysely.csv.")
    async def tyopaikkakyselyt(self, info: Info, koulutustoimija: str) -> list[Tyopaikkakysely]:
        rows = await list_tyopaikkakyselyt(koulutustoimija, info.context.principal)
        return [
            Tyopaikkakysely(
                linkki=Kyselylinkki.from_row(r.linkki, info), tyopaikan_nimi=r.tyopaikan_nimi, jaksoja=r.jaksoja
            )
            for r in rows
        ]


@strawberry.type
class KyselylinkkiMutation:
    @strawberry.mutation(description="Send the same link again by e-mail; the deadline does not move.")
    async def resend_kyselylinkki(self, info: Info, tunnus: str, sahkoposti: str | None = None) -> Kyselylinkki:
        lahetys = await resend(tunnus, sahkoposti, info.context.principal, info.context.today)
        await wake(info.context.settings, [lahetys.toimitus_id])
        return Kyselylinkki.from_row(await LinkRow.get(tunnus=tunnus), info)
