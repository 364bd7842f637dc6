"""Delivering one queued `Toimitus` — the only place a message leaves the system (DOMAIN.md §4.3).

The row is locked while its message is handed over, and only a `queued` row is sent, so a job run twice (a
retry, a re-enqueue after a restart, two workers) sends once. Outcomes: sent; failed or bounced with the reason
(permanent, never retried); or still queued with the reason and the attempt counted (temporary: the caller
retries later). A link that closed meanwhile (answered, expired, cancelled) is not sent: failed with why.
The outcome says whether *this* call decided the row: another process may have sent it a moment earlier, and
`polku tick` and the worker's metrics must not count that send as their own.
The one gap a database cannot close: a crash after the provider accepted a message but before the commit
sends that message again on the retry (at-least-once for that instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from jobs.email import SmtpSender, build_message
from jobs.failures import PermanentFailure, TemporaryFailure
from jobs.sms import SmsSender
from jobs.viestit import LinkinTiedot, Nimi, render_email, render_sms
from models.kyselylinkki import Kanava, Kyselylinkki, Toimitus, ToimitusTila
from models.services.uudelleenlahetys import closed_reason
from models.settings import Settings


@dataclass(frozen=True)
class Outcome:
    tila: ToimitusTila
    here: bool  # False: the row was no longer queued, another process (or an earlier run) had decided it

    def label(self) -> str:
        return str(self.tila) if self.here else f"already {self.tila}"


@dataclass
class Senders:
    settings: Settings
    email: SmtpSender
    sms: SmsSender

    @classmethod
    def open(cls, settings: Settings) -> Senders:
        return cls(settings, SmtpSender(settings), SmsSender(settings))

    async def close(self) -> None:
        await self.email.close()
        await self.sms.close()


def _tiedot(link: Kyselylinkki, toimitus: Toimitus) -> LinkinTiedot:
    assert link.vastausaika_loppu is not None
    kt = link.koulutustoimija
    ol = link.oppilaitos
    return LinkinTiedot(
        kyselytyyppi=link.kyselytyyppi,
        tunnus=link.tunnus,
        koulutuksen_jarjestaja=Nimi(kt.nimi, kt.nimi_sv),
        oppilaitos=Nimi(ol.nimi, ol.nimi_sv) if ol else Nimi(kt.nimi, kt.nimi_sv),
        vastausaika_loppu=link.vastausaika_loppu,
        muistutus=toimitus.tarkoitus.startswith("muistutus"),
    )


async def deliver(toimitus_id: int, senders: Senders, today: date) -> Outcome:
    """Send one delivery if it is still queued; returns its state. Raises TemporaryFailure after recording it."""
    temporary: TemporaryFailure | None = None
    async with in_transaction():
        toimitus = await Toimitus.filter(id=toimitus_id).select_for_update().first()
        if toimitus is None or toimitus.tila != ToimitusTila.QUEUED:
            return Outcome(toimitus.tila if toimitus else ToimitusTila.FAILED, here=False)
        link = (
            await Kyselylinkki.filter(id=toimitus.kyselylinkki_id)  # type: ignore[attr-defined]
            .select_related("koulutustoimija", "oppilaitos")
            .get()
        )
        closed = closed_reason(link, today)
        if closed:
            toimitus.tila, toimitus.virhe = ToimitusTila.FAILED, f"not sent: {closed[1]}"
            await toimitus.save(update_fields=["tila", "virhe", "updated_at"])
            return Outcome(toimitus.tila, here=True)
        toimitus.yritykset += 1
        tiedot = _tiedot(link, toimitus)
        public_url = senders.settings.public_base_url
        try:
            if toimitus.kanava == Kanava.EMAIL:
                msg = build_message(render_email(tiedot, public_url), toimitus.osoite, toimitus.id)
                await senders.email.send(msg)
                toimitus.palvelun_tunnus = str(msg["Message-ID"])[:64]
            else:
                toimitus.palvelun_tunnus = await senders.sms.send(toimitus.osoite, render_sms(tiedot, public_url))
            toimitus.tila = ToimitusTila.SENT
            toimitus.virhe = None  # type: ignore[assignment]
        except PermanentFailure as e:
            toimitus.tila = ToimitusTila.BOUNCED if e.bounced else ToimitusTila.FAILED
            toimitus.virhe = str(e)
        except TemporaryFailure as e:
            toimitus.virhe = str(e)
            temporary = e
        await toimitus.save()
    if temporary is not None:
        raise temporary
    return Outcome(toimitus.tila, here=True)
