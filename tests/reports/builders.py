"""Report test data written straight through the ORM (links, answers, bundles), independent of the send flows."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks, Keskeytymisajanjakso
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, NippuJasen, Toimitus, ToimitusTila
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus
from models.oppija import Oppija
from models.organisation import Organisation
from models.rules.calendar import rahoituskausi
from models.vastaus import Lisakysymys, Vastaus
from survey_ui.kyselyt import latest
from tests.factories import oo_oid, oppija_oid

_n = itertools.count(1)


async def link(
    kt: Organisation,
    ol: Organisation | None,
    heratepvm: date,
    *,
    kyselytyyppi: Kyselytyyppi = Kyselytyyppi.ALOITTANEET,
    lahetyspvm: date | None = None,
    vastausaika_loppu: date | None = None,
    vastaukset: dict[str, Any] | None = None,
    peruttu: bool = False,
    tutkinto: str | None = "351301",
    toimitus: ToimitusTila | None = None,
    kieli: str = "fi",
) -> Kyselylinkki:
    """A link; with `vastaukset` also its answer (latest survey version), with `toimitus` one delivery."""
    row = await Kyselylinkki.create(
        kyselytyyppi=kyselytyyppi,
        koulutustoimija=kt,
        oppilaitos=ol,
        tutkinto_koodi=tutkinto,
        tutkinto_nimi=f"Tutkinto {tutkinto}" if tutkinto else None,
        heratepvm=heratepvm,
        rahoituskausi=rahoituskausi(heratepvm),
        lahetyspvm=lahetyspvm,
        vastausaika_alku=lahetyspvm,
        vastausaika_loppu=vastausaika_loppu,
        vastattu_at=datetime(heratepvm.year, heratepvm.month, heratepvm.day, 12, tzinfo=UTC) if vastaukset else None,
        peruttu_at=datetime(2021, 10, 1, tzinfo=UTC) if peruttu else None,
    )
    if toimitus is not None:
        await Toimitus.create(kyselylinkki=row, kanava=Kanava.EMAIL, tarkoitus="laheta", osoite="a@b.fi", tila=toimitus)
    if vastaukset is not None:
        kysely = latest(kyselytyyppi.value)
        await Vastaus.create(
            kyselylinkki=row,
            kysely_tunnus=kysely.tunnus,
            kysely_versio=kysely.versio,
            kieli=kieli,
            vastaukset=vastaukset,
        )
    return row


async def lisakysymys(kt: Organisation, kyselytyyppi: Kyselytyyppi, teksti: str) -> Lisakysymys:
    return await Lisakysymys.create(
        koulutustoimija=kt,
        kyselytyyppi=kyselytyyppi,
        jarjestys=next(_n),
        maaritys={
            "tunnus": "lisa:x",
            "tyyppi": "teksti",
            "teksti": {"fi": teksti, "sv": teksti + " (sv)", "en": teksti + " (en)"},
            "pakollinen": False,
            "max_pituus": 500,
        },
    )


async def learner(kt: Organisation, ol: Organisation, tilat: tuple[tuple[date, str], ...] = ()) -> Hoks:
    oppija = await Oppija.create(oid=oppija_oid(), etunimet="Aino", sukunimi="Virtanen")
    oo = await Opiskeluoikeus.create(
        oid=oo_oid(), oppija=oppija, koulutustoimija=kt, oppilaitos=ol, tyyppi="ammatillinenkoulutus", versio=1
    )
    for alku, tila in tilat or ((date(2021, 8, 1), "lasna"),):
        await OpiskeluoikeudenTila.create(opiskeluoikeus=oo, alku=alku, tila=tila)
    return await Hoks.create(opiskeluoikeus=oo, oppija=oppija, ensikertainen_hyvaksyminen=date(2021, 8, 15))


async def jakso(
    hoks: Hoks,
    alku: date,
    loppu: date,
    *,
    osa_aikaisuus: int | None = None,
    tauot: tuple[tuple[date, date | None], ...] = (),
    tyopaikka: str = "Autokorjaamo Oy",
) -> Hankkimistapa:
    osa = await HankittavaTutkinnonOsa.create(
        hoks=hoks, jarjestys=next(_n), tutkinnon_osa_koodi="106727", nimi="Huolto"
    )
    tapa = await Hankkimistapa.create(
        hoks=hoks,
        tutkinnon_osa=osa,
        jarjestys=1,
        yksiloiva_tunniste=f"jakso-{next(_n)}",
        tyyppi="koulutussopimus",
        alku=alku,
        loppu=loppu,
        tyopaikan_nimi=tyopaikka,
        ytunnus="1572860-0",
        ohjaaja_nimi="Matti Meikäläinen",
        ohjaaja_sahkoposti="matti@example.fi",
        osa_aikaisuus=osa_aikaisuus,
    )
    for t_alku, t_loppu in tauot:
        await Keskeytymisajanjakso.create(hankkimistapa=tapa, alku=t_alku, loppu=t_loppu)
    return tapa


async def bundle(
    kt: Organisation, heratepvm: date, jaksot: list[Hankkimistapa], vastaukset: dict[str, Any]
) -> Kyselylinkki:
    row = await link(
        kt,
        None,
        heratepvm,
        kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
        lahetyspvm=heratepvm,
        vastaukset=vastaukset,
    )
    for tapa in jaksot:
        await NippuJasen.create(kyselylinkki=row, hankkimistapa=tapa)
    return row
