"""Kyselylinkit in the official views: links with their deliveries, resend, upcoming sends, työpaikkakysely.

DOMAIN.md §3–4. Reading a link needs a read right in its oppilaitos (or, for a workplace link, its
koulutustoimija); a resend is authorized like a HOKS update. Reasons for "no link" and for a send are shown in
words, in the client's language (`api.i18n`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from api import authorization
from api.context import Info
from api.i18n import teksti, viesti
from api.schema.enums import PaatoksenSyy
from jobs.tick import wake
from jobs.viestit import link_url
from models.herate import Opiskelijaherate, Tyopaikkajaksoherate
from models.kyselylinkki import Kanava, Kyselytyyppi, ToimitusTila
from models.kyselylinkki import Kyselylinkki as LinkRow
from models.kyselylinkki import Toimitus as ToimitusRow
from models.organisation import Organisation
from models.rules import palaute as palaute_rules
from models.rules import tyoelama as tyoelama_rules
from models.rules.viesti import Viesti
from models.services.errors import NotFound
from models.services.esikatselu import upcoming_sends
from models.services.tyopaikkakysely import list_tyopaikkakyselyt
from models.services.uudelleenlahetys import resend
from models.user import RoleName


@strawberry.enum(description="Where a link stands today.")
class LinkinTila(Enum):
    ODOTTAA = strawberry.enum_value("odottaa", description="The answer period has not started.")
    AVOIN = strawberry.enum_value("avoin", description="Open for answering.")
    VASTATTU = strawberry.enum_value("vastattu", description="Answered.")
    UMPEUTUNUT = strawberry.enum_value("umpeutunut", description="The answer period is over without an answer.")
    PERUTTU = strawberry.enum_value("peruttu", description="Cancelled.")


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
    kanava: Kanava = strawberry.field(description="The channel.")
    tarkoitus: str = strawberry.field(description="lahetys, muistutus1, muistutus2, uudelleen1, …")
    osoite: str = strawberry.field(description="The e-mail address or phone number.")
    tila: ToimitusTila = strawberry.field(description="Where the delivery stands.")
    virhe: str | None = strawberry.field(description="The last failure, if any.")
    yritykset: int = strawberry.field(description="How many attempts were made.")
    paivitetty: datetime = strawberry.field(description="When the state last changed.")
    linkki: strawberry.Private[LinkRow]

    @classmethod
    def from_row(cls, row: ToimitusRow, linkki: LinkRow) -> Toimitus:
        return cls(
            kanava=Kanava(row.kanava),
            tarkoitus=row.tarkoitus,
            osoite=row.osoite,
            tila=ToimitusTila(row.tila),
            virhe=row.virhe,
            yritykset=row.yritykset,
            paivitetty=row.updated_at,
            linkki=linkki,
        )


@authorization.guarded(authorization.kyselylinkki, audit=authorization.seen_kyselylinkki)
@strawberry.type(description="A one-time survey answer link (DOMAIN.md §3–4).")
class Kyselylinkki:
    tunnus: str = strawberry.field(description="The link's tunnus (the last part of its URL).")
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey.")
    tutkinto_koodi: str | None = strawberry.field(description="The tutkinto's koulutus code.")
    tutkinto_nimi: str | None = strawberry.field(description="The tutkinto's name.")
    ytunnus: str | None = strawberry.field(description="The workplace's y-tunnus (workplace links).")
    heratepvm: date = strawberry.field(description="The trigger day (herätepäivä) the link was made for.")
    rahoituskausi: str = strawberry.field(description="The funding period (rahoituskausi), e.g. 2024-2025.")
    lahetyspvm: date | None = strawberry.field(description="Day the link was first sent; null before that.")
    vastausaika_alku: date | None = strawberry.field(description="First day the link can be answered.")
    vastausaika_loppu: date | None = strawberry.field(description="Last day the link can be answered.")
    vastattu: bool = strawberry.field(description="Whether it has been answered.")
    peruutuksen_syy: str | None = strawberry.field(description="Why it was cancelled (a code), if it was.")
    muistutuksia: int = strawberry.field(description="How many reminders were sent.")
    tila: LinkinTila = strawberry.field(description="Where the link stands today.")
    url: str = strawberry.field(description="The respondent's address.")
    row: strawberry.Private[LinkRow]

    @classmethod
    def from_row(cls, row: LinkRow, info: Info) -> Kyselylinkki:
        return cls(
            tunnus=row.tunnus,
            kyselytyyppi=Kyselytyyppi(row.kyselytyyppi),
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

    @strawberry.field(description="The provider's OID.")
    async def koulutustoimija_oid(self, info: Info) -> str:
        org = await info.context.loaders.organisation.load(self.row.koulutustoimija_id)  # type: ignore[attr-defined]
        assert org is not None
        return org.oid

    @strawberry.field(description="The oppilaitos' OID (null for workplace links).")
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
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey.")
    hankkimistapa_id: int | None = strawberry.field(description="The jakso decided on (instructor surveys).")
    heratepvm: date | None = strawberry.field(description="The trigger day.")
    syy: PaatoksenSyy | None = strawberry.field(description="Why no link was made; null when one was.")
    selitys_en: strawberry.Private[str | None]

    @strawberry.field(description="The reason in words, in the language of Accept-Language (fi, sv, en).")
    def selitys(self, info: Info) -> str | None:
        return teksti(self.selitys_en, info.context.kieli) if self.selitys_en else None


def student_decision(row: Opiskelijaherate) -> Palautepaatos:
    return Palautepaatos(
        kyselytyyppi=Kyselytyyppi(row.kyselytyyppi),
        hankkimistapa_id=None,
        heratepvm=row.heratepvm,
        syy=PaatoksenSyy(row.syy) if row.syy else None,
        selitys_en=palaute_rules.REASONS.get(row.syy) if row.syy else None,
    )


def jakso_decision(row: Tyopaikkajaksoherate) -> Palautepaatos:
    return Palautepaatos(
        kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
        hankkimistapa_id=row.hankkimistapa_id,  # type: ignore[attr-defined]
        heratepvm=row.heratepvm,
        syy=PaatoksenSyy(row.syy) if row.syy else None,
        selitys_en=tyoelama_rules.REASONS.get(row.syy) if row.syy else None,
    )


async def hoks_kyselylinkit(hoks_id: int, info: Info) -> list[Kyselylinkki]:
    return [Kyselylinkki.from_row(r, info) for r in await info.context.loaders.kyselylinkit_by_hoks.load(hoks_id)]


async def hoks_palautepaatokset(hoks_id: int, info: Info) -> list[Palautepaatos]:
    students = await info.context.loaders.opiskelijaherateet.load(hoks_id)
    jaksot = await info.context.loaders.tyopaikkajaksoherateet.load(hoks_id)
    return [*(student_decision(r) for r in students), *(jakso_decision(r) for r in jaksot)]


@authorization.guarded(authorization.tuleva_lahetys, audit=authorization.seen_tuleva_lahetys)
@strawberry.type(description="A message that would go out on the day, and why it qualifies.")
class TulevaLahetys:
    tunnus: str | None = strawberry.field(description="Null for an instructor bundle not yet made.")
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey.")
    kanava: Kanava = strawberry.field(description="The channel.")
    tarkoitus: str = strawberry.field(description="lahetys, muistutus1, muistutus2, …")
    osoite: str = strawberry.field(description="The e-mail address or phone number.")
    syy_en: strawberry.Private[Viesti]
    koulutustoimija_path: strawberry.Private[str]
    linkki_id: strawberry.Private[int | None]

    @strawberry.field(description="Why it would be sent, in words, in the language of Accept-Language (fi, sv, en).")
    def syy(self, info: Info) -> str:
        return viesti(self.syy_en, info.context.kieli)


@authorization.guarded(authorization.tyopaikkakysely, audit=authorization.seen_tyopaikkakysely)
@strawberry.type(description="A työpaikkakysely link to hand to the workplace (never sent by the system).")
class Tyopaikkakysely:
    linkki: Kyselylinkki = strawberry.field(description="The workplace survey link.")
    tyopaikan_nimi: str | None = strawberry.field(description="The workplace's name.")
    jaksoja: int = strawberry.field(description="How many jaksot the link covers.")


async def _org(oid: str, field: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid)
    if org is None:
        raise NotFound("organisation", oid, field)
    return org


@strawberry.type
class KyselylinkkiQuery:
    @strawberry.field(description="One link by its tunnus.")
    async def kyselylinkki(
        self,
        info: Info,
        tunnus: Annotated[str, strawberry.argument(description="The link's tunnus (the last part of its URL).")],
    ) -> Kyselylinkki:
        row = await LinkRow.get_or_none(tunnus=tunnus).prefetch_related(
            "koulutustoimija", "oppilaitos", "hoks__opiskeluoikeus"
        )
        if row is None or (row.hoks is not None and row.hoks.opiskeluoikeus.mitatoity):
            raise NotFound("kyselylinkki", tunnus, "tunnus")
        return Kyselylinkki.from_row(row, info)

    @strawberry.field(description="What the run on `paiva` would send for the provider with today's data, and why.")
    async def upcoming_sends(
        self,
        info: Info,
        koulutustoimija: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        paiva: Annotated[date, strawberry.argument(description="The day of the run to preview (Helsinki time).")],
    ) -> list[TulevaLahetys]:
        org = await _org(koulutustoimija, "koulutustoimija")
        info.context.principal.require(
            RoleName.READ, org.path, Viesti.of("upcoming sends of {oid}", oid=koulutustoimija)
        )
        mine = await upcoming_sends(koulutustoimija, paiva)
        existing: dict[str, int] = dict(
            await LinkRow.filter(tunnus__in=[x.tunnus for x in mine if x.tunnus]).values_list("tunnus", "id")  # type: ignore[arg-type]
        )
        return [
            TulevaLahetys(
                tunnus=x.tunnus,
                kyselytyyppi=Kyselytyyppi(x.kyselytyyppi),
                kanava=Kanava(x.kanava),
                tarkoitus=x.tarkoitus,
                osoite=x.osoite,
                syy_en=x.syy,
                koulutustoimija_path=org.path,
                linkki_id=existing.get(x.tunnus) if x.tunnus else None,
            )
            for x in mine
        ]

    @strawberry.field(description="The provider's työpaikkakysely links (§4.2), also as /tyopaikkakysely.csv.")
    async def tyopaikkakyselyt(
        self, info: Info, koulutustoimija: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")]
    ) -> list[Tyopaikkakysely]:
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
    async def resend_kyselylinkki(
        self,
        info: Info,
        tunnus: Annotated[str, strawberry.argument(description="The link's tunnus.")],
        sahkoposti: Annotated[
            str | None, strawberry.argument(description="Send to this address instead (it is stored on the HOKS).")
        ] = None,
    ) -> Kyselylinkki:
        lahetys = await resend(tunnus, sahkoposti, info.context.principal, info.context.today)
        await wake(info.context.settings, [lahetys.toimitus_id])
        return Kyselylinkki.from_row(await LinkRow.get(tunnus=tunnus), info)
