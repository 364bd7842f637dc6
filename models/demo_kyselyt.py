"""Demo survey links in every state with answers, Valpas people on a kunta's list, and a demo user for every
role (issue 15 "the first hour").

`models.demo.generate` writes learners, plans and study rights; the save-time decisions then make today's
links. That alone gives a handful of open links and nothing else, so a newcomer saw empty charts. This adds,
for each provider with vocational learners: answered links (enough per survey for the anonymous statistics,
which hide groups under five), expired, cancelled, not-yet-open and open ones, instructor bundles for the
half-months behind today, and deliveries that went out, so every report figure has data. Deterministic by seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from models.hoks import Hoks
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, Toimitus, ToimitusTila
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import OPH_OID, Organisation, OrganisationTyyppi
from models.rules.calendar import rahoituskausi
from models.rules.kysely import KYLLA_EI, LIKERT, MONIVALINTA, TEKSTI, VALINTA, Kysely
from models.rules.opiskeluoikeus import LASNA, VALMISTUNUT
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, make_oid
from models.rules.tyoelama import ended_period_for_send_day, next_send_day
from models.rules.vastauslomake import validate_answers
from models.services.users import add_user, issue_token
from models.services.valpas import laatuliput
from models.user import RoleName, UserKind
from models.vastaus import Vastaus
from survey_ui import kyselyt

ANSWERED_PER_SURVEY = 8
TEKSTIT = ("Hyvä ohjaus ja mukava porukka.", "Työpaikalla oppi paljon.", "Enemmän käytännön harjoituksia.", "")
DEMO_TUTKINTO = ("351301", "Ajoneuvoalan perustutkinto")


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: RoleName
    organisation: str
    token: str


def _answers(kysely: Kysely, rng: random.Random) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for k in kysely.kysymykset:
        if k.tyyppi == LIKERT:
            form[k.tunnus] = [str(rng.choice((2, 3, 4, 4, 5, 5)))]
        elif k.tyyppi in (VALINTA, MONIVALINTA):
            form[k.tunnus] = [rng.choice(k.vaihtoehdot).koodi]
        elif k.tyyppi == KYLLA_EI:
            form[k.tunnus] = [rng.choice(("kylla", "kylla", "ei"))]
        elif k.tyyppi == TEKSTI:
            form[k.tunnus] = [rng.choice(TEKSTIT)]
    return form


async def survey_states(today: date, seed: int = 1) -> int:
    """Links in every state for each provider with vocational plans; returns how many were made (none when
    answers exist already: the demo is loaded once)."""
    if await Vastaus.exists():
        return 0
    rng = random.Random(seed)
    kausi_alku = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    made = 0
    for kt in await Organisation.filter(tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA).order_by("id"):
        plans = await Hoks.filter(opiskeluoikeus__koulutustoimija_id=kt.id).prefetch_related("opiskeluoikeus")
        plans = plans[: ANSWERED_PER_SURVEY * 2 + 8]
        if len(plans) < 4:
            continue
        for tyyppi in (Kyselytyyppi.ALOITTANEET, Kyselytyyppi.TUTKINNON_SUORITTANEET):
            made += await _student_links(kt, plans, tyyppi, today, kausi_alku, rng)
        made += await _instructor_links(kt, today, kausi_alku, rng)
    return made


async def _student_links(
    kt: Organisation, plans: list[Hoks], tyyppi: Kyselytyyppi, today: date, kausi_alku: date, rng: random.Random
) -> int:
    kysely = kyselyt.latest(tyyppi.value)
    states = ["vastattu"] * ANSWERED_PER_SURVEY + ["vanhentunut", "vanhentunut", "peruttu", "ei_auki", "avoin"]
    for i, tila in enumerate(states):
        hoks = plans[i % len(plans)]
        oo = hoks.opiskeluoikeus
        days_back = rng.randint(35, max(36, (today - kausi_alku).days)) if tila == "vanhentunut" else rng.randint(1, 25)
        herate = max(kausi_alku, today - timedelta(days=days_back))
        alku = today + timedelta(days=3) if tila == "ei_auki" else herate
        link = await Kyselylinkki.create(
            kyselytyyppi=tyyppi,
            koulutustoimija_id=kt.id,
            oppilaitos_id=oo.oppilaitos_id,  # type: ignore[attr-defined]
            tutkinto_koodi=DEMO_TUTKINTO[0],
            tutkinto_nimi=DEMO_TUTKINTO[1],
            hoks_id=hoks.id,
            oppija_id=oo.oppija_id,  # type: ignore[attr-defined]
            heratepvm=herate,
            rahoituskausi=rahoituskausi(herate),
            lahetyspvm=None if tila == "ei_auki" else alku,
            vastausaika_alku=alku,
            vastausaika_loppu=min(alku + timedelta(days=29), herate + timedelta(days=59))
            if tila != "vanhentunut"
            else today - timedelta(days=1),
            sahkoposti=f"demo.oppija{hoks.id}@example.fi",
            peruttu_at=datetime.combine(today, time(9), UTC) if tila == "peruttu" else None,
            peruutuksen_syy="mitatoity" if tila == "peruttu" else None,
        )
        await _delivered(link, tila)
        if tila == "vastattu":
            await _answer(link, kysely, today, rng)
    return len(states)


async def _instructor_links(kt: Organisation, today: date, kausi_alku: date, rng: random.Random) -> int:
    """Bundled instructor links of the last send days behind today, most answered."""
    kysely = kyselyt.latest(Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value)
    send_day = next_send_day(max(kausi_alku, today - timedelta(days=40)))
    made = 0
    while send_day <= today and made < ANSWERED_PER_SURVEY + 2:
        ended = ended_period_for_send_day(send_day)
        for n in range(4):
            link = await Kyselylinkki.create(
                kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
                koulutustoimija_id=kt.id,
                tutkinto_koodi=DEMO_TUTKINTO[0],
                tutkinto_nimi=DEMO_TUTKINTO[1],
                ytunnus=None,
                heratepvm=send_day,
                rahoituskausi=rahoituskausi(send_day),
                lahetyspvm=send_day,
                vastausaika_alku=send_day,
                vastausaika_loppu=send_day + timedelta(days=29),
                sahkoposti=f"ohjaaja{n}.{ended[0].isoformat()}@example.fi",
            )
            await _delivered(link, "avoin")
            if n < 3 and send_day + timedelta(days=1) <= today:
                await _answer(link, kysely, today, rng)
            made += 1
        send_day = next_send_day(send_day + timedelta(days=1))
    return made


async def _delivered(link: Kyselylinkki, tila: str) -> None:
    if tila == "ei_auki":
        return
    await Toimitus.create(
        kyselylinkki=link,
        kanava=Kanava.EMAIL,
        tarkoitus="laheta",
        osoite=link.sahkoposti or "demo@example.fi",
        tila=ToimitusTila.DELIVERED,
    )


async def _answer(link: Kyselylinkki, kysely: Kysely, today: date, rng: random.Random) -> None:
    result = validate_answers(kysely, (), _answers(kysely, rng))
    assert result.ok, result.errors
    alku: date = link.vastausaika_alku or today
    day = min(today, alku + timedelta(days=rng.randint(0, 4)))
    at = datetime.combine(day, time(12), UTC)
    await Kyselylinkki.filter(id=link.id).update(vastattu_at=at)
    await Vastaus.create(
        kyselylinkki=link,
        kysely_tunnus=kysely.tunnus,
        kysely_versio=kysely.versio,
        kieli="fi",
        vastaukset=result.answers,
    )


async def demo_users(kuntakoodi: str) -> list[DemoUser]:
    """One user for every role, in the organisation where that role means something, each with a new token."""
    kt = await Organisation.filter(tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA).order_by("id").first()
    oppilaitokset = await Organisation.filter(parent_id=kt.id).order_by("id") if kt else []
    kunta = await Organisation.get_or_none(tyyppi=OrganisationTyyppi.KUNTA, kuntakoodi=kuntakoodi)
    if kt is None or not oppilaitokset or kunta is None:
        return []
    school = oppilaitokset[-1]  # the provider's perusopetus school comes last in models.demo.PROVIDERS
    places = {
        RoleName.READ: kt,
        RoleName.WRITE: kt,
        RoleName.ADMIN: kt,
        RoleName.PAAKAYTTAJA: kt,
        RoleName.VALVOJA_HAKEUTUMINEN: school,
        RoleName.VALVOJA_SUORITTAMINEN: oppilaitokset[0],
        RoleName.VALVOJA_MAKSUTTOMUUS: oppilaitokset[0],
        RoleName.KUNTA_PAAKAYTTAJA: kunta,
        RoleName.KUNTA_VALVOJA: kunta,
    }
    oph = await Organisation.get(oid=OPH_OID)
    roles = [(f"demo-{role.value.replace('_', '-')}", role, places.get(role, oph)) for role in RoleName]
    users = []
    for name, role, org in [*roles, ("demo-oph-admin", RoleName.ADMIN, oph)]:  # the OPH views: audit log, all data
        await add_user(name, UserKind.OFFICIAL, org.oid, role)
        users.append(DemoUser(name, role, org.nimi, await issue_token(name)))
    return users


async def busiest_kunta(today: date) -> str:
    """The demo kunta with the most people on its automatic check list (the Valpas list worth opening first)."""
    from models.demo import KUNNAT
    from models.services.valpas.automaattinen_tarkistus import automaattinen_tarkistus

    counts = {}
    for koodi, _ in KUNNAT:
        counts[koodi] = len([r async for r in automaattinen_tarkistus(koodi, today)])
    return max(counts, key=lambda k: (counts[k], k))


DEMO_KUNTA = "091"
VALPAS_NIMET = (
    ("Eetu", "Laine"),
    ("Iida", "Heikkinen"),
    ("Onni", "Koskinen"),
    ("Aada", "Järvinen"),
    ("Leo", "Lehtonen"),
)


async def valpas_people(today: date, kuntakoodi: str) -> int:
    """Young people of kunta `kuntakoodi` who finished basic education last spring and have no study place yet:
    the people a kunta's automatic check list exists for (the generated learners mostly moved on to study)."""
    kunta = await Organisation.get_or_none(tyyppi=OrganisationTyyppi.KUNTA, kuntakoodi=kuntakoodi)
    schools = await _peruskoulut()
    school = schools[0] if schools else None
    if kunta is None or school is None or await Oppija.filter(oid=_valpas_oid(OPPIJA_NODE, 0)).exists():
        return 0
    kevat = date(today.year if today.month >= 6 else today.year - 1, 6, 1)
    ids = []
    for i, (etunimi, sukunimi) in enumerate(VALPAS_NIMET):
        syntymaaika = date(kevat.year - 16, 1 + 2 * i, 10)
        oppija = await Oppija.create(
            oid=_valpas_oid(OPPIJA_NODE, i), etunimet=etunimi, sukunimi=sukunimi, syntymaaika=syntymaaika
        )
        await Kotikunta.create(oppija=oppija, kuntakoodi=kuntakoodi, alku=syntymaaika)
        ids.append(oppija.id)
        alku = date(kevat.year - 9, 8, 15)
        oo = await Opiskeluoikeus.create(
            oid=_valpas_oid(OPISKELUOIKEUS_NODE, i),
            oppija=oppija,
            koulutustoimija_id=school.parent_id,  # type: ignore[attr-defined]
            oppilaitos=school,
            tyyppi="perusopetus",
            alku=alku,
            arvioitu_loppu=kevat,
            versio=1,
        )
        await OpiskeluoikeudenTila.create(opiskeluoikeus=oo, alku=alku, tila=LASNA)
        await OpiskeluoikeudenTila.create(opiskeluoikeus=oo, alku=kevat, tila=VALMISTUNUT)
        await PaatasonSuoritus.create(
            opiskeluoikeus=oo,
            tyyppi="perusopetuksenoppimaara",
            tutkinto_koodi="201101",
            tutkinto_nimi="Perusopetus",
            vahvistus=kevat,
        )
    await laatuliput.merkitse(ids)  # written here directly, around the Koski save
    return len(VALPAS_NIMET)


async def _peruskoulut() -> list[Organisation]:
    from models.demo import PROVIDERS

    names = [nimi for _, schools in PROVIDERS for nimi, kind in schools if kind == "perusopetus"]
    return await Organisation.filter(nimi__in=names, tyyppi=OrganisationTyyppi.OPPILAITOS).order_by("id")


def _valpas_oid(node: str, i: int) -> str:
    return make_oid(node, f"{8_800_000_000 + i:010d}")
