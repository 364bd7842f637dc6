"""`upcomingSends`: what a day's run would send for one provider, read without locking or writing anything.

A dry run of the real run (`run_day(dry_run=True)`) takes the run's row locks and updates rows before rolling
back, so an official's preview inside an API request would block — or be blocked by — the worker's real run,
and it would judge every provider to show one. The preview reads the same candidates, scoped to the
koulutustoimija, and applies the same decisions (`palaute.Aktivointi`, `palaute.reminders_due`,
`tyoelama.bundles_for`) without taking a lock: it can disagree with the real run only by what changes between
the two, never by rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q

from models.kyselylinkki import Kanava, Kyselytyyppi
from models.rules.viesti import Viesti
from models.services import palaute, tyoelama


@dataclass(frozen=True)
class Tuleva:
    """One message the run would queue; `tunnus` is None for a bundle whose link the run would make."""

    tunnus: str | None
    kyselytyyppi: str
    kanava: str
    tarkoitus: str
    osoite: str
    syy: Viesti  # shown in the client's language by the API


async def upcoming_sends(koulutustoimija_oid: str, paiva: date) -> list[Tuleva]:
    """Student sends, the 1st/16th bundles (with any missed send day caught up) and reminders, in the run's
    order, as the run on `paiva` would queue them with today's data."""
    return (
        await _student_sends(koulutustoimija_oid, paiva)
        + await _bundles(koulutustoimija_oid, paiva)
        + await _reminders(koulutustoimija_oid, paiva)
    )


async def _student_sends(koulutustoimija_oid: str, paiva: date) -> list[Tuleva]:
    out: list[Tuleva] = []
    links = await palaute.due_links(paiva).filter(koulutustoimija__oid=koulutustoimija_oid).prefetch_related("hoks")
    for link in links:
        aktivointi = palaute.Aktivointi.of(link, paiva)
        out += [
            Tuleva(link.tunnus, str(link.kyselytyyppi), k.value, "lahetys", osoite, palaute.sending_reason(link))
            for k, osoite in aktivointi.kanavat()
        ]
    return out


async def _bundles(koulutustoimija_oid: str, paiva: date) -> list[Tuleva]:
    out: list[Tuleva] = []
    kind = Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value
    own = Q(hoks__opiskeluoikeus__koulutustoimija__oid=koulutustoimija_oid)
    for send_day in await tyoelama.unrun_send_days(paiva):
        bundles, _ = await tyoelama.bundles_for(send_day, paiva, own)
        for b in bundles:
            syy = tyoelama.bundle_reason(b, send_day)
            for kanava, osoite in ((Kanava.EMAIL, b.sahkoposti), (Kanava.SMS, palaute.e164(b.puhelinnumero))):
                if osoite:
                    out.append(Tuleva(None, kind, kanava.value, "lahetys", osoite, syy))
    return out


async def _reminders(koulutustoimija_oid: str, paiva: date) -> list[Tuleva]:
    candidates = await (
        palaute.reminder_candidates(paiva).filter(koulutustoimija__oid=koulutustoimija_oid).prefetch_related("hoks")
    )
    due = palaute.reminders_due(candidates, paiva)
    osoitteet = await palaute.reminder_addresses(due)
    out: list[Tuleva] = []
    for link in due:
        assert link.lahetyspvm is not None
        n = link.muistutuksia + 1
        syy = palaute.reminder_reason(link.lahetyspvm, str(link.kyselytyyppi), n, paiva)
        out += [
            Tuleva(link.tunnus, str(link.kyselytyyppi), k.value, f"muistutus{n}", osoite, syy)
            for k, osoite in osoitteet[link.id]
        ]
    return out
