"""Opiskelijapalaute in the database: decisions on save, the daily sends, reminders and expiries (DOMAIN.md §3).

The rules live in `models.rules.palaute`; this module only loads their facts and writes what they decide.
`record_opiskelijapalaute` runs inside the HOKS / Koski save transaction, so a heräte (or the reason there is
none) is stored with the data change. Nothing is sent here: a made link waits in the database until the daily
run activates it (`send_due_links`), which creates the queued `Toimitus` rows that the queue then delivers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
from tortoise.queryset import QuerySet

from models.herate import ALOITUS, PAATTO, Opiskelijaherate
from models.hoks import Hoks
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, NippuJasen, Toimitus
from models.oppija import Oppija
from models.rules import palaute as rules
from models.rules import tyoelama as tyoelama_rules
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, tutkinto_koodi
from models.rules.viesti import Viesti
from models.services.facts import load_oo_facts

OPISKELIJAKYSELYT = tuple(Kyselytyyppi(k) for k in rules.OPISKELIJAKYSELYT)

# Why a made link was later closed without being sent (recorded in Kyselylinkki.peruutuksen_syy).
EI_LAHETETTY_AJOISSA = rules.VASTAUSAIKA_UMPEUTUNUT


@dataclass(frozen=True)
class Lahetys:
    """One message a run queues (or, in a dry run, would queue), with the reason it is due that day."""

    toimitus_id: int
    tunnus: str
    kyselytyyppi: str
    koulutustoimija_oid: str
    kanava: str
    tarkoitus: str
    osoite: str
    syy: Viesti  # shown in the client's language by the API


def hoks_facts(hoks: Hoks, oppija_oid: str, oo_oid: str) -> rules.HoksFacts:
    return rules.HoksFacts(
        id=hoks.id,
        oppija_oid=oppija_oid,
        opiskeluoikeus_oid=oo_oid,
        ensikertainen_hyvaksyminen=hoks.ensikertainen_hyvaksyminen,
        osaamisen_hankkimisen_tarve=hoks.osaamisen_hankkimisen_tarve,
        osaamisen_saavuttamisen_pvm=hoks.osaamisen_saavuttamisen_pvm,
        sahkoposti=hoks.sahkoposti,
        puhelinnumero=hoks.puhelinnumero,
        osaamisen_saavuttamisen_pvm_tallennettu=hoks.osaamisen_saavuttamisen_pvm_tallennettu,
    )


def e164(number: str | None) -> str | None:
    """The number in E.164 when it is a valid Finnish mobile (the only ones that get SMS, §4.3), else None."""
    if not rules.is_finnish_mobile(number):
        return None
    assert number is not None
    return phonenumbers.format_number(phonenumbers.parse(number.strip(), "FI"), phonenumbers.PhoneNumberFormat.E164)


# --- Decision on save ---------------------------------------------------------------------------------------


async def record_opiskelijapalaute(
    hoks_id: int, today: date, loaded: dict[int, OpiskeluoikeusFacts] | None = None
) -> list[rules.Decision]:
    """Decide the student surveys of one HOKS and store the outcome; call inside the saving transaction.

    `loaded` holds the opiskeluoikeus facts already read in this save (filled here), so the jakso decisions
    that follow do not read them again.

    The oppija's row is locked before the earlier links are read: two HOKSes of one learner saved at the same
    moment then decide one after the other, so "once per rahoituskausi" and the shared päättökysely slot hold
    across processes (issue 12 item 2). FOR NO KEY UPDATE: the HOKS insert holds a key-share lock on the same
    row, which a plain FOR UPDATE would wait on (a deadlock between the two saves).
    """
    oppija_id = await Hoks.filter(id=hoks_id).values_list("oppija_id", flat=True)
    await Oppija.filter(id__in=oppija_id).select_for_update(no_key=True).only("id")  # values() drops FOR UPDATE
    hoks = await Hoks.get(id=hoks_id).prefetch_related("oppija", "opiskeluoikeus")
    oo = hoks.opiskeluoikeus
    loaded = {} if loaded is None else loaded
    if oo.id not in loaded:
        loaded.update(await load_oo_facts([oo.id]))
    oo_facts = loaded[oo.id]
    prior_rows = await Kyselylinkki.filter(oppija_id=hoks.oppija.id, kyselytyyppi__in=OPISKELIJAKYSELYT).values(
        "kyselytyyppi", "koulutustoimija__oid", "rahoituskausi", "hoks_id", "heratepvm"
    )
    prior = [
        rules.PriorHerate(
            kyselytyyppi=str(p["kyselytyyppi"]),
            koulutustoimija_oid=p["koulutustoimija__oid"],
            rahoituskausi=p["rahoituskausi"],
            hoks_id=p["hoks_id"],
            heratepvm=p["heratepvm"],
            oppija_oid=hoks.oppija.oid,
        )
        for p in prior_rows
    ]
    decisions = rules.decide_opiskelijapalaute(hoks_facts(hoks, hoks.oppija.oid, oo.oid), oo_facts, prior, today)
    suoritus = next(iter(rules.ammatilliset_suoritukset(oo_facts)), None)
    for d in decisions:
        vaihe = PAATTO if d.kyselytyyppi in rules.PAATTOKYSELYT else ALOITUS
        link = None
        if d.make_link:
            link = await Kyselylinkki.create(
                kyselytyyppi=Kyselytyyppi(d.kyselytyyppi),
                koulutustoimija_id=oo.koulutustoimija_id,  # type: ignore[attr-defined]
                oppilaitos_id=oo.oppilaitos_id,  # type: ignore[attr-defined]
                tutkinto_koodi=tutkinto_koodi(suoritus) if suoritus else None,
                tutkinto_nimi=suoritus.tutkinto_nimi if suoritus else None,
                hoks=hoks,
                oppija=hoks.oppija,
                heratepvm=d.heratepvm,
                rahoituskausi=d.rahoituskausi,
            )
        values = {
            "kyselytyyppi": d.kyselytyyppi,
            "heratepvm": d.heratepvm,
            "rahoituskausi": d.rahoituskausi,
            "syy": d.reason,
            "kyselylinkki": link,
        }
        await Opiskelijaherate.update_or_create(values, hoks=hoks, vaihe=vaihe)
    return decisions


# --- The daily run ------------------------------------------------------------------------------------------


def _is_open(link: Kyselylinkki, today: date) -> bool:
    return (
        link.vastattu_at is None
        and link.peruttu_at is None
        and link.vastausaika_loppu is not None
        and not rules.is_expired(link.vastausaika_loppu, today)
    )


async def queue_delivery(link: Kyselylinkki, kanava: Kanava, tarkoitus: str, osoite: str, syy: Viesti) -> Lahetys:
    toimitus = await Toimitus.create(kyselylinkki=link, kanava=kanava, tarkoitus=tarkoitus, osoite=osoite)
    return Lahetys(
        toimitus.id,
        link.tunnus,
        str(link.kyselytyyppi),
        link.koulutustoimija.oid,
        kanava.value,
        tarkoitus,
        osoite,
        syy,
    )


def due_links(today: date) -> QuerySet[Kyselylinkki]:
    """Made student links whose heratepvm has come: what the daily run activates (and the preview shows)."""
    return Kyselylinkki.filter(
        kyselytyyppi__in=OPISKELIJAKYSELYT, lahetyspvm=None, peruttu_at=None, vastattu_at=None, heratepvm__lte=today
    ).order_by("id")


@dataclass(frozen=True)
class Aktivointi:
    """What the run does with one due link: close it unsent (`suljettu` says why) or send to these addresses."""

    suljettu: str | None
    sahkoposti: str | None = None
    puhelin: str | None = None

    @staticmethod
    def of(link: Kyselylinkki, today: date) -> Aktivointi:
        if rules.send_day(link.heratepvm, today) is None:
            return Aktivointi(EI_LAHETETTY_AJOISSA)
        hoks = link.hoks
        assert hoks is not None
        sahkoposti = clean_email(hoks.sahkoposti)
        puhelin = e164(hoks.puhelinnumero) if link.kyselytyyppi != Kyselytyyppi.ALOITTANEET else None
        if sahkoposti is None and puhelin is None:
            return Aktivointi(rules.EI_YHTEYSTIETOJA)
        return Aktivointi(None, sahkoposti, puhelin)

    def kanavat(self) -> list[tuple[Kanava, str]]:
        return [(k, osoite) for k, osoite in ((Kanava.EMAIL, self.sahkoposti), (Kanava.SMS, self.puhelin)) if osoite]


def sending_reason(link: Kyselylinkki) -> Viesti:
    return Viesti.of(
        "heratepvm {heratepvm} has come: sent on the first daily run on or after it (§3)",
        heratepvm=link.heratepvm.isoformat(),
    )


async def send_due_links(today: date, now: datetime) -> list[Lahetys]:
    """Activate every made student link whose heratepvm has come (§3 "Sending"); call inside a transaction.

    The answer period starts today; a link whose last possible send day has passed is closed unsent with its
    reason. The päättökysely also goes by SMS to a Finnish mobile; with only a phone number, by SMS alone.
    """
    out: list[Lahetys] = []
    for link in await due_links(today).select_for_update().prefetch_related("koulutustoimija", "hoks"):
        aktivointi = Aktivointi.of(link, today)
        if aktivointi.suljettu:
            await _close_unsent(link, aktivointi.suljettu, now)
            continue
        link.lahetyspvm = today
        link.vastausaika_alku, link.vastausaika_loppu = rules.vastausaika(today, link.heratepvm)
        link.sahkoposti, link.puhelinnumero = aktivointi.sahkoposti, aktivointi.puhelin
        await link.save()
        for kanava, osoite in aktivointi.kanavat():
            out.append(await queue_delivery(link, kanava, "lahetys", osoite, sending_reason(link)))
    return out


async def _close_unsent(link: Kyselylinkki, syy: str, now: datetime) -> None:
    """Close a made link the run cannot send, and say so on the HOKS's decision too, so the plan never shows a
    link "made" that will not go (issue 13 item 4)."""
    link.peruttu_at, link.peruutuksen_syy = now, syy
    await link.save(update_fields=["peruttu_at", "peruutuksen_syy"])
    await Opiskelijaherate.filter(kyselylinkki_id=link.id).update(syy=syy)


def reminder_candidates(today: date) -> QuerySet[Kyselylinkki]:
    """Sent, unanswered links still open today: the ones a reminder may be due for."""
    return Kyselylinkki.filter(
        lahetyspvm__not_isnull=True, vastattu_at=None, peruttu_at=None, vastausaika_loppu__gte=today
    ).order_by("id")


def reminders_due(candidates: Sequence[Kyselylinkki], today: date) -> list[Kyselylinkki]:
    """At most one reminder per link per run (`rules.reminder_due`), so a missed run never sends two at once."""
    return [
        link
        for link in candidates
        if link.lahetyspvm is not None
        and link.vastausaika_loppu is not None
        and rules.reminder_due(
            link.lahetyspvm, str(link.kyselytyyppi), link.muistutuksia, False, link.vastausaika_loppu, today
        )
    ]


async def reminder_addresses(due: Sequence[Kyselylinkki]) -> dict[int, list[tuple[Kanava, str]]]:
    """Where each due reminder goes: the addresses stored *now* (§3 "Addresses") — a learner's in the HOKS
    (e-mail only), an instructor's in the bundle's jaksot (e-mail and SMS)."""
    ohjaajat = await current_instructor_contacts([link.id for link in due if link.hoks is None])
    out: dict[int, list[tuple[Kanava, str]]] = {}
    for link in due:
        if link.hoks is not None:
            sahkoposti, puhelin = clean_email(link.hoks.sahkoposti), None
        else:
            sahkoposti, puhelin = ohjaajat.get(link.id, (None, None))
        if link.kyselytyyppi != Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY:
            puhelin = None
        out[link.id] = [(k, osoite) for k, osoite in ((Kanava.EMAIL, sahkoposti), (Kanava.SMS, puhelin)) if osoite]
    return out


async def send_due_reminders(today: date) -> list[Lahetys]:
    """Queue the reminders due today: students +5 and +10 by e-mail (§3), instructors +5 per channel (§4.1).

    The addresses are the ones stored *now*, so an official's correction reaches the next message.
    """
    candidates = await reminder_candidates(today).select_for_update().prefetch_related("koulutustoimija", "hoks")
    due = reminders_due(candidates, today)
    osoitteet = await reminder_addresses(due)
    out: list[Lahetys] = []
    for link in due:
        assert link.lahetyspvm is not None
        n = link.muistutuksia + 1
        link.muistutuksia = n
        await link.save(update_fields=["muistutuksia"])
        syy = reminder_reason(link.lahetyspvm, str(link.kyselytyyppi), n, today)
        for kanava, osoite in osoitteet[link.id]:
            out.append(await queue_delivery(link, kanava, f"muistutus{n}", osoite, syy))
    return out


def reminder_reason(sent_day: date, kind: str, n: int, today: date) -> Viesti:
    """Why reminder `n` goes today, with that link's own reminder day (issue 13 item 5)."""
    due = rules.reminder_days(sent_day, kind)[n - 1]
    arvot = {"n": n, "due": due.isoformat(), "days": (due - sent_day).days, "sent": sent_day.isoformat()}
    if today > due:
        return Viesti.of(
            "reminder {n}: due on {due}, {days} days after the send on {sent}; caught up today ({late} days late, "
            "after a missed run), still unanswered",
            late=(today - due).days,
            **arvot,
        )
    return Viesti.of("reminder {n}: due on {due}, {days} days after the send on {sent}, still unanswered", **arvot)


def clean_email(value: str | None) -> str | None:
    return value.strip() if rules.has_text(value) else None  # type: ignore[union-attr]


async def current_instructor_contacts(link_ids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
    """Each bundle's instructor e-mail and E.164 mobile as its member jaksot hold them now (§3 "Addresses")."""
    if not link_ids:
        return {}
    members: dict[int, list[tyoelama_rules.Yhteystieto]] = defaultdict(list)
    for m in await NippuJasen.filter(kyselylinkki_id__in=list(link_ids)).values(
        "kyselylinkki_id",
        "hankkimistapa_id",
        "hankkimistapa__loppu",
        "hankkimistapa__ohjaaja_sahkoposti",
        "hankkimistapa__ohjaaja_puhelinnumero",
    ):
        members[m["kyselylinkki_id"]].append(
            tyoelama_rules.Yhteystieto(
                m["hankkimistapa__loppu"],
                m["hankkimistapa_id"],
                m["hankkimistapa__ohjaaja_sahkoposti"],
                m["hankkimistapa__ohjaaja_puhelinnumero"],
            )
        )
    found = {}
    for link_id, yhteystiedot in members.items():
        sahkoposti, puhelin = tyoelama_rules.latest_contacts(yhteystiedot)
        found[link_id] = (sahkoposti, e164(puhelin))
    return found


async def expired_yesterday(today: date) -> list[str]:
    """Tunnukset of unanswered links whose answer period ended yesterday: they close today (§3)."""
    rows = await Kyselylinkki.filter(
        vastausaika_loppu=today - timedelta(days=1), vastattu_at=None, peruttu_at=None
    ).values_list("tunnus", flat=True)
    return [str(r) for r in rows]


# --- Official views -----------------------------------------------------------------------------------------


async def links_by_hoks(hoks_ids: Sequence[int]) -> dict[int, list[Kyselylinkki]]:
    """Every link of each HOKS: its student links and the instructor bundles its jaksot belong to."""
    ids = sorted(set(hoks_ids))
    found: dict[int, dict[int, Kyselylinkki]] = defaultdict(dict)
    for link in await Kyselylinkki.filter(hoks_id__in=ids):
        found[link.hoks_id][link.id] = link  # type: ignore[attr-defined]
    members = await NippuJasen.filter(hankkimistapa__hoks_id__in=ids).values(
        "kyselylinkki_id", "hankkimistapa__hoks_id"
    )
    bundles = {b.id: b for b in await Kyselylinkki.filter(id__in={m["kyselylinkki_id"] for m in members})}
    for m in members:
        found[m["hankkimistapa__hoks_id"]][m["kyselylinkki_id"]] = bundles[m["kyselylinkki_id"]]
    return {h: sorted(found[h].values(), key=lambda link: (link.heratepvm, link.id)) for h in ids}
