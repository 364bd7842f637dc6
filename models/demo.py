"""Synthetic demo data (`polku demo`): organisations, kunnat, oppijat, Koski opiskeluoikeudet and HOKSes.

Deterministic: every oppija is drawn from its own random stream seeded by `(seed, index)`, with dates relative
to an explicit `today`, so the same seed, index and day always give the same learner.

Idempotent by OID: the oppija and opiskeluoikeus OIDs encode the seed and the index
(`9` + seed mod 1000 as three digits + index as six digits), so a rerun with the same seed finds its oppijat
already stored and skips them, a larger `--oppijat` adds only the missing ones, and another seed adds new
people beside them. Organisations have fixed OIDs and are created only when missing.

Rows are written straight through the ORM in bulk (pre-assigned ids, one transaction per batch); no feedback
decisions are run here — the data is facts only.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks, Keskeytymisajanjakso
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules.calendar import HELSINKI, helsinki_day, same_day_years_later
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    ERONNUT,
    LASNA,
    LOMA,
    VALIAIKAISESTI_KESKEYTYNYT,
    VALMISTUNUT,
)
from models.rules.tunnisteet import (
    OPISKELUOIKEUS_NODE,
    OPPIJA_NODE,
    ORGANISAATIO_NODE,
    make_oid,
    ytunnus_check_digit,
)
from models.services.organisations import ensure_organisation, oph
from models.services.valpas import laatuliput

BATCH = 1000
MAX_OPPIJAT = 400_000  # the index has six digits and each oppija may have two opiskeluoikeudet

KUNNAT = (
    ("091", "Helsinki"),
    ("049", "Espoo"),
    ("092", "Vantaa"),
    ("837", "Tampere"),
    ("564", "Oulu"),
    ("853", "Turku"),
    ("179", "Jyväskylä"),
    ("398", "Lahti"),
    ("297", "Kuopio"),
    ("405", "Lappeenranta"),
    ("167", "Joensuu"),
    ("609", "Pori"),
)

# (koulutustoimija, its oppilaitokset as (name, kind)); kind is ammatillinen | lukio | perusopetus.
PROVIDERS = (
    (
        "Helsingin kaupunki",
        (
            ("Stadin ammatti- ja aikuisopisto", "ammatillinen"),
            ("Helsingin kielilukio", "lukio"),
            ("Kallion peruskoulu", "perusopetus"),
        ),
    ),
    (
        "Espoon seudun koulutuskuntayhtymä Omnia",
        (("Omnian ammattiopisto", "ammatillinen"), ("Omnian lukio", "lukio")),
    ),
    (
        "Tampereen kaupunki",
        (
            ("Tampereen seudun ammattiopisto Tredu", "ammatillinen"),
            ("Tampereen klassillinen lukio", "lukio"),
            ("Hervannan koulu", "perusopetus"),
        ),
    ),
    (
        "Oulun seudun koulutuskuntayhtymä",
        (("Oulun seudun ammattiopisto", "ammatillinen"), ("Kastellin koulu", "perusopetus")),
    ),
)

TUTKINNOT = (
    ("351301", "Ajoneuvoalan perustutkinto", (("106727", "Ajoneuvon huoltotyöt"), ("106728", "Ajoneuvon korjaus"))),
    ("351603", "Hius- ja kauneudenhoitoalan perustutkinto", (("106990", "Hiusalan palvelut"),)),
    ("361902", "Kone- ja tuotantotekniikan perustutkinto", (("100432", "Koneistus"), ("100433", "Levytyö"))),
    ("371101", "Sosiaali- ja terveysalan perustutkinto", (("106705", "Kasvun tukeminen ja ohjaus"),)),
    ("381204", "Ravintola- ja catering-alan perustutkinto", (("106929", "Ruokapalveluissa toimiminen"),)),
    ("341101", "Liiketoiminnan perustutkinto", (("106885", "Asiakaspalvelu"), ("106886", "Myynti"))),
)
YHTEISET_OSAT = (("106727X", "Viestintä- ja vuorovaikutusosaaminen"), ("106728X", "Matemaattis-luonnontieteellinen"))

ETUNIMET = (
    "Aino", "Eino", "Emma", "Onni", "Helmi", "Leo", "Sofia", "Väinö", "Ella", "Elias", "Olivia", "Oliver", "Aada",
    "Eetu", "Lilja", "Niilo", "Venla", "Toivo", "Iida", "Veeti", "Enni", "Aleksi", "Siiri", "Juho", "Pihla", "Lauri",
)  # fmt: skip
TOISET_NIMET = ("Maria", "Johannes", "Sofia", "Mikael", "Kristiina", "Antero", "Emilia", "Juhani", "Annikki")
SUKUNIMET = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
    "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
)  # fmt: skip
TYOPAIKAT = (
    "Autokorjaamo Virtanen Oy", "Kampaamo Kiharat", "Konepaja Teräs Oy", "Päiväkoti Pikkupolku", "Ravintola Kaneli",
    "Rautakauppa Nikkari Oy", "Hoivakoti Kotikallio", "Lahden Levy ja Kone Oy", "Kahvila Pulla", "Huolto Nopea Oy",
)  # fmt: skip

_HETU_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def oppija_oid(seed: int, index: int) -> str:
    return make_oid(OPPIJA_NODE, f"9{seed % 1000:03d}{index:06d}")


def opiskeluoikeus_oid(seed: int, index: int) -> str:
    return make_oid(OPISKELUOIKEUS_NODE, f"9{seed % 1000:03d}{index:06d}")


def organisation_oid(n: int) -> str:
    return make_oid(ORGANISAATIO_NODE, f"{2000000000 + n}")


def _ytunnus(n: int) -> str:
    """The n-th valid y-tunnus from a fixed start: digits with no valid check digit (r = 1) are skipped."""
    number = 2000000 + 7919 * n
    while (check := ytunnus_check_digit(f"{number:07d}")) is None:
        number += 1
    return f"{number:07d}-{check}"


_ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})


def _address(local: str, domain: str) -> str:
    """A name-based address as people write them: lower case, ä → a (a non-ASCII local part cannot be sent)."""
    return f"{local.lower().translate(_ASCII)}@{domain}"


def _hetu(syntymaaika: date, rng: random.Random) -> str:
    """A well-formed hetu with an individual number 900–999, a range never given to real people."""
    yksilo = rng.randint(900, 999)
    body = f"{syntymaaika:%d%m%y}{yksilo}"
    century = "-" if syntymaaika.year < 2000 else "A"
    return f"{syntymaaika:%d%m%y}{century}{yksilo}{_HETU_CHARS[int(body) % 31]}"


@dataclass
class _Orgs:
    """The fixed organisation tree, by role: what a generated learner can attend or live in."""

    ammatilliset: list[Organisation] = field(default_factory=list)
    lukiot: list[Organisation] = field(default_factory=list)
    peruskoulut: list[Organisation] = field(default_factory=list)
    kunnat: list[Organisation] = field(default_factory=list)


@dataclass
class _Rows:
    """One batch of rows, ids pre-assigned so children can point at parents before anything is written."""

    next_id: dict[type[Model], int]
    rows: dict[type[Model], list[Model]] = field(default_factory=dict)

    def add(self, model: type[Model], **values: Any) -> int:
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        self.rows.setdefault(model, []).append(model(id=pk, **values))
        return pk


_WRITE_ORDER: tuple[type[Model], ...] = (
    Oppija,
    Kotikunta,
    Opiskeluoikeus,
    OpiskeluoikeudenTila,
    PaatasonSuoritus,
    Hoks,
    HankittavaTutkinnonOsa,
    Hankkimistapa,
    Keskeytymisajanjakso,
)


async def generate(
    n_oppijat: int,
    seed: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """Create `n_oppijat` learners (those of this seed already stored are skipped); returns row counts."""
    if not 0 <= n_oppijat <= MAX_OPPIJAT:
        raise ValueError(f"n_oppijat must be between 0 and {MAX_OPPIJAT}")
    today = today or helsinki_day(datetime.now(UTC))
    orgs = await _organisations()
    existing = await _existing_indexes(seed, n_oppijat)
    todo = [i for i in range(n_oppijat) if i not in existing]
    next_id = {m: await _max_id(m) + 1 for m in _WRITE_ORDER}
    counts = {m._meta.db_table: 0 for m in _WRITE_ORDER}
    for start in range(0, len(todo), BATCH):
        batch = _Rows(next_id)
        for index in todo[start : start + BATCH]:
            _oppija(batch, seed, index, today, orgs)
        async with in_transaction() as conn:
            for model in _WRITE_ORDER:
                rows = batch.rows.get(model, [])
                if rows:
                    await model.bulk_create(rows, batch_size=BATCH, using_db=conn)
                    counts[model._meta.db_table] += len(rows)
        if on_progress:
            on_progress(min(start + BATCH, len(todo)), len(todo))
    if todo:
        await _advance_sequences()
        await laatuliput.merkitse_kaikki()  # rows written here in bulk, around the Koski save
    elif on_progress:
        on_progress(0, 0)
    return {"seed": seed, "skipped_existing": len(existing), **counts}


async def _organisations() -> _Orgs:
    root = await oph()
    orgs = _Orgs()
    n = 0
    for nimi, oppilaitokset in PROVIDERS:
        n += 1
        kt = await ensure_organisation(organisation_oid(n), OrganisationTyyppi.KOULUTUSTOIMIJA, nimi, parent=root)
        for ol_nimi, kind in oppilaitokset:
            n += 1
            ol = await ensure_organisation(organisation_oid(n), OrganisationTyyppi.OPPILAITOS, ol_nimi, parent=kt)
            {"ammatillinen": orgs.ammatilliset, "lukio": orgs.lukiot, "perusopetus": orgs.peruskoulut}[kind].append(ol)
    for koodi, nimi in KUNNAT:
        orgs.kunnat.append(
            await ensure_organisation(
                organisation_oid(100 + int(koodi)), OrganisationTyyppi.KUNTA, nimi, parent=root, kuntakoodi=koodi
            )
        )
    return orgs


async def _existing_indexes(seed: int, n: int) -> set[int]:
    by_oid = {oppija_oid(seed, i): i for i in range(n)}
    found: set[int] = set()
    oids = list(by_oid)
    for start in range(0, len(oids), 5000):
        stored = await Oppija.filter(oid__in=oids[start : start + 5000]).values_list("oid", flat=True)
        found.update(by_oid[str(o)] for o in stored)
    return found


async def _max_id(model: type[Model]) -> int:
    ids: list[Any] = await model.all().order_by("-id").limit(1).values_list("id", flat=True)
    return int(ids[0]) if ids else 0


async def _advance_sequences() -> None:
    """Explicit ids leave PostgreSQL's serial sequences behind; move them past the rows written here."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return
    for model in _WRITE_ORDER:
        table = model._meta.db_table
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def _day_between(rng: random.Random, alku: date, loppu: date) -> date:
    return alku + timedelta(days=rng.randint(0, max((loppu - alku).days, 0)))


def _oppija(rows: _Rows, seed: int, index: int, today: date, orgs: _Orgs) -> None:
    rng = random.Random(seed * 1_000_003 + index)
    age_days = int(365.25 * (15 + rng.random() ** 2 * 20)) if rng.random() > 0.1 else rng.randint(5480, 5800)
    syntymaaika = today - timedelta(days=age_days)
    etunimi = rng.choice(ETUNIMET)
    sukunimi = rng.choice(SUKUNIMET)
    oid = oppija_oid(seed, index)
    has_email = rng.random() < 0.85
    oppija_id = rows.add(
        Oppija,
        oid=oid,
        hetu=_hetu(syntymaaika, rng),
        etunimet=f"{etunimi} {rng.choice(TOISET_NIMET)}",
        sukunimi=sukunimi,
        syntymaaika=syntymaaika,
        turvakielto=rng.random() < 0.03,
        sahkoposti=_address(f"{etunimi}.{sukunimi}.{index}", "example.fi") if has_email else None,
        puhelinnumero=f"04{rng.randint(0, 9)}{rng.randint(1000000, 9999999)}" if rng.random() < 0.8 else None,
    )
    _kotikunnat(rows, rng, oppija_id, syntymaaika, today, orgs)
    oo_index = 2 * index
    peruskoulu_loppu = same_day_years_later(syntymaaika, 16).replace(month=6, day=1)
    if rng.random() < 0.6 or peruskoulu_loppu > today:
        _perusopetus(rows, rng, seed, oo_index, oppija_id, syntymaaika, peruskoulu_loppu, today, orgs)
    if peruskoulu_loppu < today - timedelta(days=60):
        alku = max(peruskoulu_loppu + timedelta(days=rng.randint(60, 400)), today - timedelta(days=4 * 365))
        alku = min(alku, today - timedelta(days=rng.randint(20, 200)))
        if rng.random() < 0.8:
            _ammatillinen(rows, rng, seed, oo_index + 1, oppija_id, alku, today, orgs)
        else:
            _lukio(rows, rng, seed, oo_index + 1, oppija_id, alku, today, orgs)


def _kotikunnat(rows: _Rows, rng: random.Random, oppija_id: int, syntymaaika: date, today: date, orgs: _Orgs) -> None:
    first = rng.choice(orgs.kunnat).kuntakoodi
    if rng.random() < 0.25:
        muutto = _day_between(rng, syntymaaika + timedelta(days=365), today)
        rows.add(Kotikunta, oppija_id=oppija_id, kuntakoodi=first, alku=syntymaaika, loppu=muutto - timedelta(1))
        rows.add(Kotikunta, oppija_id=oppija_id, kuntakoodi=rng.choice(orgs.kunnat).kuntakoodi, alku=muutto)
    else:
        rows.add(Kotikunta, oppija_id=oppija_id, kuntakoodi=first, alku=syntymaaika)


def _opiskeluoikeus(
    rows: _Rows,
    rng: random.Random,
    oid: str,
    oppija_id: int,
    oppilaitos: Organisation,
    tyyppi: str,
    alku: date,
    arvioitu_loppu: date,
    tilat: list[tuple[date, str]],
) -> int:
    oo_id = rows.add(
        Opiskeluoikeus,
        oid=oid,
        oppija_id=oppija_id,
        koulutustoimija_id=oppilaitos.parent_id,  # type: ignore[attr-defined]
        oppilaitos_id=oppilaitos.id,
        tyyppi=tyyppi,
        alku=alku,
        arvioitu_loppu=arvioitu_loppu,
        versio=rng.randint(1, 6),
    )
    for tila_alku, tila in tilat:
        rows.add(OpiskeluoikeudenTila, opiskeluoikeus_id=oo_id, alku=tila_alku, tila=tila)
    return oo_id


def _perusopetus(
    rows: _Rows,
    rng: random.Random,
    seed: int,
    oo_index: int,
    oppija_id: int,
    syntymaaika: date,
    loppu: date,
    today: date,
    orgs: _Orgs,
) -> None:
    alku = same_day_years_later(syntymaaika, 7).replace(month=8, day=15)
    valmis = loppu <= today
    tilat = [(alku, LASNA)] + ([(loppu, VALMISTUNUT)] if valmis else [])
    oo_id = _opiskeluoikeus(
        rows, rng, opiskeluoikeus_oid(seed, oo_index), oppija_id, rng.choice(orgs.peruskoulut), "perusopetus",
        alku, loppu, tilat,
    )  # fmt: skip
    rows.add(
        PaatasonSuoritus,
        opiskeluoikeus_id=oo_id,
        tyyppi="perusopetuksenoppimaara",
        tutkinto_koodi="201101",
        tutkinto_nimi="Perusopetus",
        vahvistus=loppu if valmis else None,
    )


def _lukio(
    rows: _Rows, rng: random.Random, seed: int, oo_index: int, oppija_id: int, alku: date, today: date, orgs: _Orgs
) -> None:
    arvioitu_loppu = alku + timedelta(days=3 * 365)
    tilat = _tila_history(rng, alku, arvioitu_loppu, today)
    oo_id = _opiskeluoikeus(
        rows, rng, opiskeluoikeus_oid(seed, oo_index), oppija_id, rng.choice(orgs.lukiot), "lukiokoulutus",
        alku, arvioitu_loppu, tilat,
    )  # fmt: skip
    loppu, tila = tilat[-1]
    rows.add(
        PaatasonSuoritus,
        opiskeluoikeus_id=oo_id,
        tyyppi="lukionoppimaara",
        tutkinto_koodi="309902",
        tutkinto_nimi="Lukion oppimäärä",
        vahvistus=loppu if tila == VALMISTUNUT else None,
    )


def _tila_history(rng: random.Random, alku: date, arvioitu_loppu: date, today: date) -> list[tuple[date, str]]:
    """lasna, perhaps a loma or a valiaikainen keskeytys, then valmistunut or eronnut, or still going on."""
    tilat = [(alku, LASNA)]
    span_end = min(arvioitu_loppu, today)
    if (span_end - alku).days > 120 and rng.random() < 0.25:
        tauko = rng.choice((LOMA, VALIAIKAISESTI_KESKEYTYNYT))
        tauko_alku = _day_between(rng, alku + timedelta(days=30), span_end - timedelta(days=80))
        tilat.append((tauko_alku, tauko))
        if rng.random() < 0.8:
            tilat.append((tauko_alku + timedelta(days=rng.randint(14, 60)), LASNA))
    if tilat[-1][1] == LASNA:
        last = tilat[-1][0]
        if arvioitu_loppu <= today and rng.random() < 0.75:
            tilat.append((max(arvioitu_loppu - timedelta(days=rng.randint(0, 60)), last + timedelta(1)), VALMISTUNUT))
        elif rng.random() < 0.1 and last + timedelta(days=10) < today:
            tilat.append((_day_between(rng, last + timedelta(days=10), today), ERONNUT))
    return tilat


def _ammatillinen(
    rows: _Rows, rng: random.Random, seed: int, oo_index: int, oppija_id: int, alku: date, today: date, orgs: _Orgs
) -> None:
    suoritukset = (AMMATILLINEN_TUTKINTO, AMMATILLINEN_TUTKINTO_OSITTAINEN, "valma", "telma")
    suoritus = rng.choices(suoritukset, (70, 18, 7, 5))[0]
    vuosia = 1 if suoritus in ("valma", "telma") else rng.choice((2, 3, 3))
    arvioitu_loppu = alku + timedelta(days=365 * vuosia)
    tilat = _tila_history(rng, alku, arvioitu_loppu, today)
    oo_id = _opiskeluoikeus(
        rows, rng, opiskeluoikeus_oid(seed, oo_index), oppija_id, rng.choice(orgs.ammatilliset),
        "ammatillinenkoulutus", alku, arvioitu_loppu, tilat,
    )  # fmt: skip
    koodi, nimi, osat = rng.choice(TUTKINNOT)
    loppu, tila = tilat[-1]
    valmistunut = loppu if tila == VALMISTUNUT else None
    rows.add(
        PaatasonSuoritus,
        opiskeluoikeus_id=oo_id,
        tyyppi=suoritus,
        tutkinto_koodi=koodi if suoritus.startswith("ammatillinen") else None,
        tutkinto_nimi=nimi if suoritus.startswith("ammatillinen") else suoritus.upper(),
        vahvistus=valmistunut if suoritus.startswith("ammatillinen") else None,
    )
    if rng.random() < 0.9:
        _hoks(rows, rng, oo_id, oppija_id, alku, valmistunut, today, osat)


def _hoks(
    rows: _Rows,
    rng: random.Random,
    oo_id: int,
    oppija_id: int,
    alku: date,
    valmistunut: date | None,
    today: date,
    osat: tuple[tuple[str, str], ...],
) -> None:
    hyvaksyminen = min(alku + timedelta(days=rng.randint(0, 30)), today)
    hyvaksytty = datetime.combine(hyvaksyminen, time(10), HELSINKI)
    oppija = rows.rows[Oppija][-1]
    hoks_id = rows.add(
        Hoks,
        opiskeluoikeus_id=oo_id,
        oppija_id=oppija_id,
        ensikertainen_hyvaksyminen=hyvaksyminen,
        hyvaksytty=hyvaksytty,
        paivitetty=hyvaksytty,
        osaamisen_hankkimisen_tarve=rng.random() < 0.9,
        osaamisen_saavuttamisen_pvm=valmistunut if valmistunut and valmistunut >= date(2018, 1, 1) else None,
        sahkoposti=oppija.sahkoposti,  # type: ignore[attr-defined]
        puhelinnumero=oppija.puhelinnumero,  # type: ignore[attr-defined]
    )
    valitut = list(osat) + list(YHTEISET_OSAT)
    rng.shuffle(valitut)
    jakso_alku = alku + timedelta(days=rng.randint(14, 60))
    for jarjestys, (osa_koodi, osa_nimi) in enumerate(valitut[: rng.randint(1, 4)]):
        osa_id = rows.add(
            HankittavaTutkinnonOsa, hoks_id=hoks_id, jarjestys=jarjestys, tutkinnon_osa_koodi=osa_koodi, nimi=osa_nimi
        )
        for tapa_jarjestys in range(rng.randint(1, 2)):
            jakso_loppu = jakso_alku + timedelta(days=rng.randint(30, 180))
            _hankkimistapa(rows, rng, hoks_id, osa_id, tapa_jarjestys, jakso_alku, jakso_loppu)
            jakso_alku = jakso_loppu + timedelta(days=rng.randint(1, 30))


def _hankkimistapa(
    rows: _Rows, rng: random.Random, hoks_id: int, osa_id: int, jarjestys: int, alku: date, loppu: date
) -> None:
    tyyppi = rng.choices(("oppilaitosmuotoinen", "koulutussopimus", "oppisopimus", "muu"), (35, 40, 20, 5))[0]
    values: dict[str, Any] = {}
    if tyyppi in ("koulutussopimus", "oppisopimus"):
        tyopaikka = rng.randrange(len(TYOPAIKAT))
        ohjaaja_etunimi, ohjaaja_sukunimi = rng.choice(ETUNIMET), rng.choice(SUKUNIMET)
        yhteys = rng.random()
        values = {
            "tyopaikan_nimi": TYOPAIKAT[tyopaikka],
            "ytunnus": _ytunnus(tyopaikka),
            "ohjaaja_nimi": f"{ohjaaja_etunimi} {ohjaaja_sukunimi}",
            "ohjaaja_sahkoposti": _address(f"{ohjaaja_etunimi}.{ohjaaja_sukunimi}", f"tyopaikka{tyopaikka}.example.fi")
            if yhteys < 0.85
            else None,
            "ohjaaja_puhelinnumero": f"050{rng.randint(1000000, 9999999)}" if 0.15 < yhteys < 0.95 else None,
            "osa_aikaisuus": rng.choice((50, 60, 80, 90)) if rng.random() < 0.2 else None,
            "oppisopimuksen_perusta": (
                ("tyosuhde" if rng.random() < 0.9 else "yrittaja") if tyyppi == "oppisopimus" else None
            ),
        }
    tapa_id = rows.add(
        Hankkimistapa,
        hoks_id=hoks_id,
        tutkinnon_osa_id=osa_id,
        jarjestys=jarjestys,
        yksiloiva_tunniste=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        tyyppi=tyyppi,
        alku=alku,
        loppu=loppu,
        **values,
    )
    if values and (loppu - alku).days > 40 and rng.random() < 0.12:
        tauko_alku = _day_between(rng, alku + timedelta(days=5), loppu - timedelta(days=20))
        open_break = rng.random() < 0.2
        tauko_loppu = None if open_break else tauko_alku + timedelta(days=rng.randint(3, 14))
        rows.add(Keskeytymisajanjakso, hankkimistapa_id=tapa_id, alku=tauko_alku, loppu=tauko_loppu)
