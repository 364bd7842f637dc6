"""Contact details on links and deliveries are erased by the worker 90 days after the answer period ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from jobs.worker import WorkerSettings, yhteystietojen_poisto
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, Toimitus, ToimitusTila
from models.rules.calendar import HELSINKI
from models.services.sailytys import BATCH, erase_expired_contacts
from models.settings import Settings
from models.vastaus import Vastaus
from tests.factories import provider

TODAY = date(2026, 9, 1)  # kept through 90 days after the end: ended 3.6. → kept to 1.9., ended 2.6. → gone 1.9.


async def _link(loppu: date | None, heratepvm: date = date(2026, 1, 1), **extra: Any) -> Kyselylinkki:
    kt, _ = await provider()
    link = await Kyselylinkki.create(
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        koulutustoimija=kt,
        heratepvm=heratepvm,
        rahoituskausi="2025-2026",
        vastausaika_loppu=loppu,
        sahkoposti="aino@example.fi",
        puhelinnumero="+358401234567",
        **extra,
    )
    await Toimitus.create(kyselylinkki=link, kanava=Kanava.EMAIL, tarkoitus="lahetys", osoite="aino@example.fi")
    await Toimitus.create(
        kyselylinkki=link,
        kanava=Kanava.SMS,
        tarkoitus="lahetys",
        osoite="+358401234567",
        tila=ToimitusTila.FAILED,
        virhe="Twilio 21211: +358401234567 is not a valid phone number",
    )
    return link


async def _contacts(link: Kyselylinkki) -> tuple[object, ...]:
    await link.refresh_from_db()
    osoitteet = await Toimitus.filter(kyselylinkki=link).order_by("kanava").values_list("osoite", flat=True)
    return (link.sahkoposti, link.puhelinnumero, *osoitteet)


async def test_contacts_go_the_day_after_the_retention_and_not_before(db: object) -> None:
    gone = await _link(date(2026, 6, 2))
    kept = await _link(date(2026, 6, 3))
    never_sent_old = await _link(None, heratepvm=date(2026, 5, 1))
    never_sent_new = await _link(None, heratepvm=date(2026, 8, 1))
    answered = await _link(date(2026, 3, 1), vastattu_at=datetime(2026, 2, 1, tzinfo=UTC))
    await Vastaus.create(kyselylinkki=answered, kysely_tunnus="aloittaneet", kysely_versio=1, kieli="fi", vastaukset={})

    poisto = await erase_expired_contacts(TODAY, 90)

    assert (poisto.linkit, poisto.toimitukset) == (3, 6)
    for link in (gone, never_sent_old, answered):
        assert await _contacts(link) == (None, None, "", "")
    for link in (kept, never_sent_new):
        assert await _contacts(link) == ("aino@example.fi", "+358401234567", "aino@example.fi", "+358401234567")
    assert await Vastaus.filter(kyselylinkki=answered).count() == 1  # the answer stays, for the reports
    virheet = (
        await Toimitus.filter(kyselylinkki_id__in=[gone.id, kept.id]).order_by("id").values_list("virhe", flat=True)
    )
    assert [v for v in virheet if v] == [
        "Twilio 21211: [poistettu] is not a valid phone number",
        "Twilio 21211: +358401234567 is not a valid phone number",
    ]
    again = await erase_expired_contacts(TODAY, 90)
    assert (again.linkit, again.toimitukset) == (0, 0)


async def test_more_links_than_one_batch_are_all_erased(db: object) -> None:
    kt, _ = await provider()
    await Kyselylinkki.bulk_create(
        [
            Kyselylinkki(
                kyselytyyppi=Kyselytyyppi.ALOITTANEET,
                koulutustoimija=kt,
                heratepvm=date(2025, 1, 1),
                rahoituskausi="2024-2025",
                vastausaika_loppu=date(2025, 3, 1),
                sahkoposti=f"o{i}@example.fi",
            )
            for i in range(BATCH + 5)
        ],
        batch_size=500,
    )
    assert (await erase_expired_contacts(TODAY, 90)).linkit == BATCH + 5
    assert not await Kyselylinkki.filter(sahkoposti__isnull=False).exists()


async def test_the_worker_erases_daily_with_the_configured_retention(db: object) -> None:
    assert any(job.coroutine is yhteystietojen_poisto for job in WorkerSettings.cron_jobs)
    link = await _link(date(2026, 8, 1))
    noon = datetime.combine(TODAY, time(12), tzinfo=HELSINKI)
    ctx = {"settings": Settings(contact_retention_days=90), "clock": lambda: noon}
    assert await yhteystietojen_poisto(ctx) == 0
    ctx["settings"] = Settings(contact_retention_days=30)
    assert await yhteystietojen_poisto(ctx) == 3
    assert await _contacts(link) == (None, None, "", "")
