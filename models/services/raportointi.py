"""Reports for providers and OPH: response rates, the answer export and anonymous statistics (DOMAIN.md §4.1, §5).

Who may see what (the one check is `Principal.require`):
- response rates of a koulutustoimija: READ (or stronger) on it;
- the OPH view of providers whose links or answers stay at zero: READ on OPH;
- the answer export: the provider's **main user** (pääkäyttäjä), which in Polku is the ADMIN role on the
  koulutustoimija (§5 "The provider's main user exports all answers");
- anonymous statistics: anyone (§5 "aggregated statistics for others are anonymous"), groups < 5 hidden.

Counting is done in the database (GROUP BY); answers are read in keyset-paginated chunks so an export of any
size runs in constant memory. A provider's rows are selected by its own koulutustoimija id, and only its own
lisäkysymykset become columns, so another provider's answers or extra questions can never appear (§5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from models.hoks import Hankkimistapa
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, NippuJasen, ToimitusTila
from models.organisation import Organisation, OrganisationTyyppi
from models.rules.calendar import rahoituskausi
from models.rules.csv_writer import CsvRivit
from models.rules.kysely import EN_OSAA_SANOA, LIKERT, Kysely, Kysymys, lisa_tunnus, parse_kysymys
from models.rules.raportointi import Jakauma, Kooste, merged_questions, vastausosuus
from models.rules.tyoelama import (
    TyopaikkajaksoFacts,
    kesto,
    valiaikaisesti_keskeytynyt_periods,
)
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import NotFound
from models.services.facts import load_jaksot
from models.services.organisations import oph
from models.user import RoleName
from models.vastaus import Lisakysymys, Vastaus

CHUNK = 1000
LAHETETYT_TILAT = (ToimitusTila.SENT, ToimitusTila.DELIVERED)
EOS = "eos"  # how the export writes likert 0 ("en osaa sanoa"), so a spreadsheet mean can't count it as 0


class Ulottuvuus(StrEnum):
    """What response rates and statistics can be grouped by (the koulutustoimija is always one key of rates)."""

    KYSELYTYYPPI = "kyselytyyppi"
    KOULUTUSTOIMIJA = "koulutustoimija"
    OPPILAITOS = "oppilaitos"
    TUTKINTO = "tutkinto"
    KAUSI = "kausi"


_RATE_COLUMNS = {
    Ulottuvuus.KYSELYTYYPPI: "kyselytyyppi",
    Ulottuvuus.KOULUTUSTOIMIJA: "koulutustoimija_id",
    Ulottuvuus.OPPILAITOS: "oppilaitos_id",
    Ulottuvuus.TUTKINTO: "tutkinto_koodi",
}


@dataclass(frozen=True)
class Vastausosuus:
    """One group's link counts over the period; None in a key means "not grouped by this"."""

    kyselytyyppi: str | None
    koulutustoimija_oid: str
    oppilaitos_oid: str | None
    tutkinto_koodi: str | None
    linkkeja: int
    lahetetty: int
    vastattu: int
    vanhentunut: int

    @property
    def osuus(self) -> float | None:
        return vastausosuus(self.vastattu, self.linkkeja)


@dataclass(frozen=True)
class Kuukausi:
    kuukausi: str  # YYYY-MM of the links' heratepvm
    linkkeja: int
    vastattu: int

    @property
    def osuus(self) -> float | None:
        return vastausosuus(self.vastattu, self.linkkeja)


@dataclass(frozen=True)
class HiljainenJarjestaja:
    oid: str
    nimi: str
    linkkeja: int
    vastattu: int


async def nakyvat_koulutustoimijat(principal: Principal) -> list[Organisation]:
    """The providers whose reports `principal` may read, by name: the report page's picker."""
    return (
        await Organisation.filter(
            principal.path_filter(RoleName.READ, "path"), tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA
        )
        .order_by("nimi", "oid")
        .limit(2000)
    )


async def organisaatioiden_nimet(oids: Iterable[str | None]) -> dict[str, str]:
    """Names of organisations by OID, for labels."""
    wanted = [o for o in oids if o]
    return dict(await Organisation.filter(oid__in=wanted).values_list("oid", "nimi")) if wanted else {}


async def koulutustoimija(oid: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid, tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA)
    if org is None:
        raise NotFound("koulutustoimija", oid, "koulutustoimija")
    return org


# --- Response rates -----------------------------------------------------------------------------------------


def _links_in(alku: date, loppu: date) -> Q:
    """Links belong to the period of their trigger date (heratepvm), so a rate never moves links between periods."""
    return Q(heratepvm__gte=alku, heratepvm__lte=loppu)


async def _counts(where: Q, columns: Sequence[str], today: date) -> list[dict[str, Any]]:
    """links made / answered / expired / sent per group, in three GROUP BY queries.

    Sent = a message of the link went out (a delivery in tila sent or delivered): a link whose e-mail failed
    or still waits is not sent, whatever its lahetyspvm says. Links from before Polku, which have no delivery
    rows at all, count as sent by their lahetyspvm. The sent counts are separate queries so the join to
    toimitus can't multiply the first query's counts.
    """
    expired = Q(vastattu_at__isnull=True) & (Q(peruttu_at__not_isnull=True) | Q(vastausaika_loppu__lt=today))
    rows = (
        await Kyselylinkki.filter(where)
        .annotate(
            linkkeja=Count("id"),
            vastattu=Count("id", _filter=Q(vastattu_at__not_isnull=True)),
            vanhentunut=Count("id", _filter=expired),
        )
        .group_by(*columns)
        .values(*columns, "linkkeja", "vastattu", "vanhentunut")
    )
    delivered = (
        await Kyselylinkki.filter(where, toimitukset__tila__in=LAHETETYT_TILAT)
        .annotate(n=Count("id", distinct=True))
        .group_by(*columns)
        .values(*columns, "n")
    )
    historic = (
        await Kyselylinkki.filter(where, lahetyspvm__not_isnull=True, toimitukset__id__isnull=True)
        .annotate(n=Count("id", distinct=True))
        .group_by(*columns)
        .values(*columns, "n")
    )
    sent: dict[tuple[Any, ...], int] = {}
    for r in (*delivered, *historic):
        key = tuple(r[c] for c in columns)
        sent[key] = sent.get(key, 0) + r["n"]
    for row in rows:
        row["lahetetty"] = sent.get(tuple(row[c] for c in columns), 0)
    return list(rows)


async def vastausosuudet(
    principal: Principal,
    koulutustoimija_oid: str,
    alku: date,
    loppu: date,
    today: date,
    ryhmittely: Iterable[Ulottuvuus] = (Ulottuvuus.KYSELYTYYPPI,),
) -> list[Vastausosuus]:
    """Response rates of one provider, grouped by survey, oppilaitos and/or tutkinto (§5 "Response rate")."""
    kt = await koulutustoimija(koulutustoimija_oid)
    principal.require(RoleName.READ, kt.path, Viesti.of("the response rates of {oid}", oid=kt.oid))
    keys = [u for u in _RATE_COLUMNS if u in set(ryhmittely) and u != Ulottuvuus.KOULUTUSTOIMIJA]
    columns = [_RATE_COLUMNS[u] for u in keys]
    rows = await _counts(Q(koulutustoimija_id=kt.id) & _links_in(alku, loppu), columns, today)
    oppilaitos_ids = {r["oppilaitos_id"] for r in rows if r.get("oppilaitos_id")}
    oids = dict(await Organisation.filter(id__in=oppilaitos_ids).values_list("id", "oid")) if oppilaitos_ids else {}
    result = [
        Vastausosuus(
            kyselytyyppi=r.get("kyselytyyppi"),
            koulutustoimija_oid=kt.oid,
            oppilaitos_oid=oids.get(r.get("oppilaitos_id")),
            tutkinto_koodi=r.get("tutkinto_koodi"),
            linkkeja=r["linkkeja"],
            lahetetty=r["lahetetty"],
            vastattu=r["vastattu"],
            vanhentunut=r["vanhentunut"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda v: (v.kyselytyyppi or "", v.oppilaitos_oid or "", v.tutkinto_koodi or ""))


async def kuukausittain(principal: Principal, koulutustoimija_oid: str, alku: date, loppu: date) -> list[Kuukausi]:
    """The provider's response rate per month of heratepvm: the trend on the report page.

    Grouped per day in the database (at most one row per day), folded into months here: portable across
    PostgreSQL and SQLite, still set-based.
    """
    kt = await koulutustoimija(koulutustoimija_oid)
    principal.require(RoleName.READ, kt.path, Viesti.of("the response rates of {oid}", oid=kt.oid))
    rows = (
        await Kyselylinkki.filter(_links_in(alku, loppu), koulutustoimija_id=kt.id)
        .annotate(linkkeja=Count("id"), vastattu=Count("id", _filter=Q(vastattu_at__not_isnull=True)))
        .group_by("heratepvm")
        .values("heratepvm", "linkkeja", "vastattu")
    )
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        month = months[r["heratepvm"].strftime("%Y-%m")]
        month[0] += r["linkkeja"]
        month[1] += r["vastattu"]
    return [Kuukausi(k, n, v) for k, (n, v) in sorted(months.items())]


async def hiljaiset_jarjestajat(principal: Principal, alku: date, loppu: date) -> list[HiljainenJarjestaja]:
    """OPH view (§5): koulutustoimijat whose links, or answers, stay at zero over the period."""
    root = await oph()
    principal.require(RoleName.READ, root.path, "the providers' response rates")
    counts = {
        r["koulutustoimija_id"]: r for r in await _counts(_links_in(alku, loppu), ["koulutustoimija_id"], today=loppu)
    }
    providers = await Organisation.filter(tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA).order_by("nimi", "oid")
    result = []
    for kt in providers:
        row = counts.get(kt.id, {"linkkeja": 0, "vastattu": 0})
        if row["linkkeja"] == 0 or row["vastattu"] == 0:
            result.append(HiljainenJarjestaja(kt.oid, kt.nimi, row["linkkeja"], row["vastattu"]))
    return result


# --- Answer export ------------------------------------------------------------------------------------------

TAUSTA = (
    "vastaus_id",
    "kyselytyyppi",
    "kysely",
    "kysely_versio",
    "kieli",
    "vastattu",
    "heratepvm",
    "oppilaitos_oid",
    "oppilaitos",
    "tutkinto_koodi",
    "tutkinto",
    "tutkinnon_osa_koodi",
    "tutkinnon_osa",
    "tyopaikka",
    "ytunnus",
    "jakso_alku",
    "jakso_loppu",
    "kesto",
)

_VASTAUS_FIELDS = (
    "id",
    "kysely_tunnus",
    "kysely_versio",
    "kieli",
    "vastaukset",
    "vastattu_at",
    "kyselylinkki_id",
    "kyselylinkki__kyselytyyppi",
    "kyselylinkki__heratepvm",
    "kyselylinkki__tutkinto_koodi",
    "kyselylinkki__tutkinto_nimi",
    "kyselylinkki__ytunnus",
    "kyselylinkki__oppilaitos__oid",
    "kyselylinkki__oppilaitos__nimi",
)


def _by_tyyppi(definitions: Iterable[Kysely]) -> dict[str, list[Kysely]]:
    kyselyt: dict[str, list[Kysely]] = defaultdict(list)
    for kysely in definitions:
        kyselyt[kysely.kyselytyyppi].append(kysely)
    return kyselyt


def _all_questions(versions: Iterable[Kysely]) -> list[Kysymys]:
    """Every national question (free text included) over all versions, newest order first."""
    seen: dict[str, Kysymys] = {}
    for kysely in sorted(versions, key=lambda k: k.versio, reverse=True):
        for kysymys in kysely.kysymykset:
            seen.setdefault(kysymys.tunnus, kysymys)
    return list(seen.values())


@dataclass(frozen=True)
class Jakso:
    """A bundle member's background for its export row."""

    tutkinnon_osa_koodi: str | None
    tutkinnon_osa: str | None
    tyopaikka: str | None
    ytunnus: str | None
    alku: date
    loppu: date
    kesto: int


async def _jaksot_of_links(link_ids: Sequence[int]) -> dict[int, list[Jakso]]:
    """Bundle members of the given instructor links with kesto (§4.1 "Reports unbundle", "Kesto").

    Kesto needs every työpaikkajakso of the member's learner and the OO's tila history, so those are loaded for
    the whole chunk at once (a handful of queries per chunk, never per row).
    """
    members = await NippuJasen.filter(kyselylinkki_id__in=link_ids).values("kyselylinkki_id", "hankkimistapa_id")
    if not members:
        return {}
    member_ids = {m["hankkimistapa_id"] for m in members}
    oppija_ids = set(
        await Hankkimistapa.filter(id__in=member_ids).values_list("hoks__oppija_id", flat=True)  # type: ignore[arg-type]
    )
    loaded = {
        j.facts.hankkimistapa_id: j.facts
        for j in await load_jaksot(Q(id__in=member_ids) | Q(hoks__oppija_id__in=oppija_ids))
    }
    by_oppija: dict[str, list[TyopaikkajaksoFacts]] = defaultdict(list)
    for facts in loaded.values():
        by_oppija[facts.oppija_oid].append(facts)
    osat = {
        r["id"]: r
        for r in await Hankkimistapa.filter(id__in=member_ids).values(
            "id", "tutkinnon_osa__tutkinnon_osa_koodi", "tutkinnon_osa__nimi"
        )
    }
    result: dict[int, list[Jakso]] = defaultdict(list)
    for m in sorted(members, key=lambda m: m["hankkimistapa_id"]):
        jakso = loaded[m["hankkimistapa_id"]]
        osa = osat[m["hankkimistapa_id"]]
        result[m["kyselylinkki_id"]].append(
            Jakso(
                tutkinnon_osa_koodi=osa["tutkinnon_osa__tutkinnon_osa_koodi"],
                tutkinnon_osa=osa["tutkinnon_osa__nimi"],
                tyopaikka=jakso.tyopaikan_nimi,
                ytunnus=jakso.ytunnus,
                alku=jakso.alku,
                loppu=jakso.loppu,
                kesto=kesto(
                    jakso, by_oppija[jakso.oppija_oid], valiaikaisesti_keskeytynyt_periods(jakso.opiskeluoikeus)
                ),
            )
        )
    return result


@dataclass(frozen=True)
class Vienti:
    """A checked, ready-to-stream answer export of one provider: columns fixed before the first row."""

    koulutustoimija_id: int
    kyselytyypit: tuple[str, ...]
    alku: date | None
    loppu: date | None
    kansalliset: tuple[Kysymys, ...]
    lisakysymykset: tuple[Kysymys, ...]

    @property
    def otsikot(self) -> list[str]:
        return [*TAUSTA, *(k.tunnus for k in self.kansalliset), *(k.tunnus for k in self.lisakysymykset)]

    def _where(self, after: int) -> Q:
        where = Q(id__gt=after, kyselylinkki__koulutustoimija_id=self.koulutustoimija_id)
        where &= Q(kyselylinkki__kyselytyyppi__in=self.kyselytyypit)
        if self.alku is not None:
            where &= Q(kyselylinkki__heratepvm__gte=self.alku)
        if self.loppu is not None:
            where &= Q(kyselylinkki__heratepvm__lte=self.loppu)
        return where

    async def rivit(self, otsikot: Sequence[str] | None = None) -> AsyncIterator[str]:
        """The CSV text chunk by chunk: BOM, header (`otsikot`, the API's in the client's language, else the
        column names), then one line per respondent (per member jakso of a bundle).

        Keyset pagination on vastaus.id: each chunk is one query (plus the bundle lookups), and at most CHUNK
        answers are held at a time.
        """
        csv = CsvRivit()
        yield csv.alku + csv.rivi(otsikot or self.otsikot)
        questions = (*self.kansalliset, *self.lisakysymykset)
        tunnukset = [k.tunnus for k in questions]
        likert = [i for i, k in enumerate(questions) if k.tyyppi == LIKERT]  # 0 → "eos" (see EOS)
        after = 0
        while True:
            chunk = await Vastaus.filter(self._where(after)).order_by("id").limit(CHUNK).values(*_VASTAUS_FIELDS)
            if not chunk:
                return
            after = chunk[-1]["id"]
            instructor_links = [
                r["kyselylinkki_id"]
                for r in chunk
                if r["kyselylinkki__kyselytyyppi"] == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY
            ]
            jaksot = await _jaksot_of_links(instructor_links) if instructor_links else {}
            rows: list[list[object]] = []
            for r in chunk:
                answers = r["vastaukset"] or {}
                values = [answers.get(t) for t in tunnukset]
                for i in likert:
                    if values[i] in (EN_OSAA_SANOA, str(EN_OSAA_SANOA)):
                        values[i] = EOS
                members: list[Jakso | None] = list(jaksot.get(r["kyselylinkki_id"], [])) or [None]
                rows.extend([*_tausta(r, jakso), *values] for jakso in members)
            yield csv.rivit(rows)


def _tausta(r: dict[str, Any], jakso: Jakso | None) -> list[object]:
    return [
        r["id"],
        r["kyselylinkki__kyselytyyppi"],
        r["kysely_tunnus"],
        r["kysely_versio"],
        r["kieli"],
        r["vastattu_at"].date() if r["vastattu_at"] else None,
        r["kyselylinkki__heratepvm"],
        r["kyselylinkki__oppilaitos__oid"],
        r["kyselylinkki__oppilaitos__nimi"],
        r["kyselylinkki__tutkinto_koodi"],
        r["kyselylinkki__tutkinto_nimi"],
        jakso.tutkinnon_osa_koodi if jakso else None,
        jakso.tutkinnon_osa if jakso else None,
        jakso.tyopaikka if jakso else None,
        jakso.ytunnus if jakso else r["kyselylinkki__ytunnus"],
        jakso.alku if jakso else None,
        jakso.loppu if jakso else None,
        jakso.kesto if jakso else None,
    ]


async def vastausvienti(
    principal: Principal,
    koulutustoimija_oid: str,
    definitions: Iterable[Kysely],
    kyselytyyppi: str | None = None,
    alku: date | None = None,
    loppu: date | None = None,
) -> Vienti:
    """Check the main-user right and fix the columns; stream with `Vienti.rivit()` (§5 "exports all answers").

    `definitions` are the national survey versions (`survey_ui.kyselyt.load_all()`; models don't import
    survey_ui). The export is audited as one event on the koulutustoimija: it holds answers, not a learner's
    record.
    """
    kt = await koulutustoimija(koulutustoimija_oid)
    principal.require(RoleName.ADMIN, kt.path, Viesti.of("export the answers of {oid}", oid=kt.oid))
    if kyselytyyppi is not None and kyselytyyppi not in set(Kyselytyyppi):
        raise NotFound("kyselytyyppi", kyselytyyppi, "kyselytyyppi")
    tyypit = tuple(t.value for t in Kyselytyyppi if kyselytyyppi in (None, t.value))
    kyselyt = _by_tyyppi(definitions)
    kansalliset: dict[str, Kysymys] = {}
    for tyyppi in tyypit:
        for kysymys in _all_questions(kyselyt.get(tyyppi, [])):
            kansalliset.setdefault(kysymys.tunnus, kysymys)
    lisa_rows = await Lisakysymys.filter(koulutustoimija_id=kt.id, kyselytyyppi__in=tyypit).order_by(
        "kyselytyyppi", "jarjestys", "id"
    )
    lisakysymykset = tuple(_lisakysymys(row) for row in lisa_rows)
    await audit.record(principal, "export", "vastaukset", kt.oid, changes={"kyselytyyppi": kyselytyyppi})
    return Vienti(kt.id, tyypit, alku, loppu, tuple(kansalliset.values()), lisakysymykset)


def _lisakysymys(row: Lisakysymys) -> Kysymys:
    """The stored definition, keyed by `lisa:<id>` whatever tunnus it was saved with (answers use that key)."""
    return parse_kysymys({**row.maaritys, "tunnus": lisa_tunnus(row.id)})


# --- Anonymous statistics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TilastoRyhma:
    """One group's aggregated national answers; a hidden group (§5, n < 5) carries no numbers at all."""

    kyselytyyppi: str
    kausi: str | None
    koulutustoimija_oid: str | None
    tutkinto_koodi: str | None
    piilotettu: bool
    vastaajia: int | None
    jakaumat: tuple[Jakauma, ...]


_STAT_FIELDS = (
    "id",
    "vastaukset",
    "kyselylinkki__kyselytyyppi",
    "kyselylinkki__heratepvm",
    "kyselylinkki__koulutustoimija__oid",
    "kyselylinkki__tutkinto_koodi",
)


async def anonyymit_tilastot(
    definitions: Iterable[Kysely],
    alku: date,
    loppu: date,
    kyselytyyppi: str | None = None,
    ryhmittely: Iterable[Ulottuvuus] = (),
    koulutustoimija_oid: str | None = None,
) -> list[TilastoRyhma]:
    """Aggregated national answers by survey and the chosen keys (kausi = rahoituskausi, provider, tutkinto).

    Public (§5): only national, non-free-text questions are aggregated, never extra questions, and any group
    with fewer than five respondents is hidden. A bundled instructor answer is one respondent here.
    """
    keys = set(ryhmittely)
    where = Q(kyselylinkki__heratepvm__gte=alku, kyselylinkki__heratepvm__lte=loppu)
    if kyselytyyppi is not None:
        where &= Q(kyselylinkki__kyselytyyppi=kyselytyyppi)
    if koulutustoimija_oid is not None:
        where &= Q(kyselylinkki__koulutustoimija_id=(await koulutustoimija(koulutustoimija_oid)).id)
    kyselyt = _by_tyyppi(definitions)
    groups: dict[tuple[str, str | None, str | None, str | None], Kooste] = {}
    after = 0
    while True:
        chunk = await Vastaus.filter(where, id__gt=after).order_by("id").limit(CHUNK).values(*_STAT_FIELDS)
        if not chunk:
            break
        after = chunk[-1]["id"]
        for r in chunk:
            tyyppi = r["kyselylinkki__kyselytyyppi"]
            key = (
                tyyppi,
                rahoituskausi(r["kyselylinkki__heratepvm"]) if Ulottuvuus.KAUSI in keys else None,
                r["kyselylinkki__koulutustoimija__oid"] if Ulottuvuus.KOULUTUSTOIMIJA in keys else None,
                r["kyselylinkki__tutkinto_koodi"] if Ulottuvuus.TUTKINTO in keys else None,
            )
            if key not in groups:
                groups[key] = Kooste(merged_questions(kyselyt.get(tyyppi, [])))
            groups[key].add(r["vastaukset"] or {})
    return [
        TilastoRyhma(
            kyselytyyppi=key[0],
            kausi=key[1],
            koulutustoimija_oid=key[2],
            tutkinto_koodi=key[3],
            piilotettu=kooste.piilotettu,
            vastaajia=None if kooste.piilotettu else kooste.vastaajia,
            jakaumat=() if kooste.piilotettu else tuple(kooste.jakaumat.values()),
        )
        for key, kooste in sorted(groups.items(), key=lambda item: tuple(k or "" for k in item[0]))
    ]


TILASTO_OTSIKOT = (
    "kyselytyyppi",
    "kausi",
    "koulutustoimija",
    "tutkinto",
    "piilotettu",
    "vastaajia",
    "kysymys",
    "vastauksia",
    "keskiarvo",
    "arvo",
    "maara",
)


def tilastot_csv(ryhmat: Sequence[TilastoRyhma], otsikot: Sequence[str] = TILASTO_OTSIKOT) -> Iterable[str]:
    """The public statistics CSV: one line per group, question and value; a hidden group is one bare line.
    `otsikot` is the header row (the API's in the client's language)."""
    csv = CsvRivit()
    yield csv.alku + csv.rivi(otsikot)
    for g in ryhmat:
        head = [g.kyselytyyppi, g.kausi, g.koulutustoimija_oid, g.tutkinto_koodi, g.piilotettu, g.vastaajia]
        if g.piilotettu:
            yield csv.rivi(head)
            continue
        for j in g.jakaumat:
            for arvo, maara in j.maarat.items():
                yield csv.rivi([*head, j.kysymys.tunnus, j.vastauksia, j.keskiarvo, arvo, maara])
