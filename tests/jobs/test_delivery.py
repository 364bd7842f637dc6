"""Delivering feedback messages through the real worker: SMTP, the Twilio API stand-in, retries (§4.3)."""

from __future__ import annotations

import asyncio
import base64
import signal
from datetime import date, datetime

from arq.connections import ArqRedis

from jobs.tick import run_due
from jobs.worker import MAX_TRIES
from models.kyselylinkki import Kanava, Kyselylinkki, Toimitus, ToimitusTila
from models.rules.calendar import HELSINKI
from models.services import hoks as hoks_service
from models.settings import Settings
from tests.jobs.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SmtpSink,
    TwilioStandIn,
    make_worker,
    run_burst,
    settings_for,
)
from tests.services.conftest import Setting, jakso, plan

SEPT_1 = datetime(2021, 9, 1, 9, 0, tzinfo=HELSINKI)


def _text_parts(msg: object) -> tuple[str, str]:
    parts = {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}  # type: ignore[attr-defined]
    return parts["text/plain"], parts["text/html"]


async def test_student_link_goes_by_email_in_three_languages(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, settings: Settings
) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
    _, outcome = await run_due(SEPT_1, redis=redis)
    assert outcome == {"enqueued": 1}
    worker = await run_burst(settings, SEPT_1)
    assert worker.jobs_complete == 1

    link = await Kyselylinkki.get()
    [msg] = smtp.messages
    assert msg["From"] == "Opetushallitus – Utbildningsstyrelsen <noreply@opintopolku.fi>"
    assert (
        msg["Subject"]
        == "Palautetta oppilaitokselle - Respons till läroanstalten - Feedback to educational institution"
    )
    assert msg.get_content_type() == "multipart/alternative"
    assert smtp.envelopes == [["aino@example.fi"]]
    text, html = _text_parts(msg)
    url = f"{PUBLIC_URL}/v/{link.tunnus}"
    for words in ("Hyvä opiskelija", "Bästa studerande", "Dear student", "Testiopisto (Testikuntayhtymä)", url):
        assert words in text
    assert "Kysely on avoinna 30.9.2021 asti." in text and "The survey is open until 30.9.2021." in text
    assert f'href="{url}"' in html and 'lang="sv"' in html
    toimitus = await Toimitus.get()
    assert (toimitus.tila, toimitus.yritykset, toimitus.virhe) == (ToimitusTila.SENT, 1, None)


async def test_smtp_down_is_retried_later_and_sent_exactly_once(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, twilio: TwilioStandIn
) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
    down = settings_for(smtp_port=1, twilio_port=twilio.port)  # nothing listens on port 1
    await run_due(SEPT_1, redis=redis)
    worker = await run_burst(down, SEPT_1)
    assert worker.jobs_retried == MAX_TRIES - 1
    toimitus = await Toimitus.get()
    assert toimitus.tila == ToimitusTila.QUEUED and toimitus.yritykset == MAX_TRIES
    assert toimitus.virhe is not None and toimitus.virhe.startswith("SMTP unavailable")

    # the next day's run finds the delivery still queued in the database and wakes the queue again
    sept_2 = datetime(2021, 9, 2, 9, 0, tzinfo=HELSINKI)
    _, outcome = await run_due(sept_2, redis=redis)
    assert outcome == {"enqueued": 1}
    await run_burst(settings_for(smtp.port, twilio.port), sept_2)
    assert len(smtp.messages) == 1
    toimitus = await Toimitus.get()
    assert (toimitus.tila, toimitus.yritykset) == (ToimitusTila.SENT, MAX_TRIES + 1)
    _, outcome = await run_due(sept_2, redis=redis)
    assert outcome == {"enqueued": 0}  # nothing left, nothing sent twice
    await run_burst(settings_for(smtp.port, twilio.port), sept_2)
    assert len(smtp.messages) == 1


async def test_smtp_4xx_is_retried_with_backoff(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, settings: Settings
) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
    smtp.replies = ["451 4.3.0 Mailbox temporarily unavailable", "452 4.3.1 Insufficient storage"]
    await run_due(SEPT_1, redis=redis)
    worker = await run_burst(settings, SEPT_1)
    assert (worker.jobs_retried, worker.jobs_complete) == (2, 1)
    assert len(smtp.messages) == 1
    toimitus = await Toimitus.get()
    assert (toimitus.tila, toimitus.yritykset) == (ToimitusTila.SENT, 3)


async def test_smtp_5xx_is_recorded_and_never_retried(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, settings: Settings
) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
    smtp.replies = ["554 5.6.0 Message rejected as spam"]
    await run_due(SEPT_1, redis=redis)
    worker = await run_burst(settings, SEPT_1)
    assert (worker.jobs_retried, worker.jobs_complete) == (0, 1)
    toimitus = await Toimitus.get()
    assert toimitus.tila == ToimitusTila.FAILED and toimitus.yritykset == 1
    assert toimitus.virhe == "SMTP 554 5.6.0 Message rejected as spam"
    _, outcome = await run_due(datetime(2021, 9, 2, 9, 0, tzinfo=HELSINKI), redis=redis)
    assert outcome == {"enqueued": 0}
    assert smtp.messages == []


async def test_refused_recipient_is_a_bounce(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, settings: Settings
) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
    smtp.rcpt_reply = "550 5.1.1 No such user"
    await run_due(SEPT_1, redis=redis)
    await run_burst(settings, SEPT_1)
    toimitus = await Toimitus.get()
    assert toimitus.tila == ToimitusTila.BOUNCED and "550" in (toimitus.virhe or "")


async def _paatto_by_phone(setting: Setting, numero: str) -> None:
    """A päättökysely for a learner with only a phone number: it goes by SMS alone (§3)."""
    top = {"sahkoposti": None, "puhelinnumero": numero, "osaamisen_saavuttamisen_pvm": date(2021, 9, 1)}
    await hoks_service.create_hoks(plan(setting, jakso("j1"), **top), setting.writer(), date(2021, 9, 1))


async def test_paattokysely_by_sms_through_the_twilio_client(
    setting: Setting, redis: ArqRedis, twilio: TwilioStandIn, settings: Settings
) -> None:
    await _paatto_by_phone(setting, "040 123 4567")
    report, _ = await run_due(SEPT_1, redis=redis)
    assert [(x.kyselytyyppi, x.kanava, x.osoite) for x in report.lahetykset] == [
        ("tutkinnon_suorittaneet", "sms", "+358401234567")
    ]
    await run_burst(settings, SEPT_1)
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    form = request["form"]
    link = await Kyselylinkki.get(kyselytyyppi="tutkinnon_suorittaneet")
    assert form["To"] == "+358401234567"
    assert form["MessagingServiceSid"] == settings.twilio_messaging_service_sid
    assert form["StatusCallback"] == f"{PUBLIC_URL}/twilio/status"
    assert form["Body"].endswith(f"{PUBLIC_URL}/v/{link.tunnus}")
    assert "Palautekysely, vastaa 30.9.2021 mennessä:" in form["Body"]
    toimitus = await Toimitus.get(kanava=Kanava.SMS)
    assert toimitus.tila == ToimitusTila.SENT and toimitus.palvelun_tunnus == f"SM{1:032d}"


async def test_sms_500_and_429_are_retried(
    setting: Setting, redis: ArqRedis, twilio: TwilioStandIn, settings: Settings
) -> None:
    await _paatto_by_phone(setting, "+358 50 1234567")
    twilio.statuses = [500, 429]
    await run_due(SEPT_1, redis=redis)
    worker = await run_burst(settings, SEPT_1)
    assert worker.jobs_retried == 2 and len(twilio.requests) == 3
    toimitus = await Toimitus.get(kanava=Kanava.SMS)
    assert (toimitus.tila, toimitus.yritykset) == (ToimitusTila.SENT, 3)


async def test_sms_to_an_invalid_number_is_recorded_and_not_retried(
    setting: Setting, redis: ArqRedis, twilio: TwilioStandIn, settings: Settings
) -> None:
    await _paatto_by_phone(setting, "040 123 4567")
    twilio.statuses = [400]
    await run_due(SEPT_1, redis=redis)
    worker = await run_burst(settings, SEPT_1)
    assert worker.jobs_retried == 0 and len(twilio.requests) == 1
    toimitus = await Toimitus.get(kanava=Kanava.SMS)
    assert toimitus.tila == ToimitusTila.FAILED and (toimitus.virhe or "").startswith("Twilio 21211")


async def test_worker_stopped_mid_bundle_run_and_restarted_sends_every_bundle_once(
    setting: Setting, redis: ArqRedis, smtp: SmtpSink, settings: Settings
) -> None:
    # 12 instructors (distinct names → 12 bundles), jaksot ended 1.–15.12. → sent 16.12.
    tavat = [
        jakso(
            f"j{i}",
            loppu=date(2021, 12, 1 + i),
            ohjaaja_nimi=f"Ohjaaja {i}",
            ohjaaja_sahkoposti=f"o{i}@example.fi",
            keskeytymisajanjaksot=(),
        )
        for i in range(12)
    ]
    await hoks_service.create_hoks(plan(setting, *tavat, sahkoposti=None), setting.writer(), date(2021, 9, 1))
    dec_16 = datetime(2021, 12, 16, 9, 5, tzinfo=HELSINKI)
    _, outcome = await run_due(dec_16, redis=redis)
    assert outcome == {"enqueued": 12}
    smtp.delay_s = 0.05
    worker = make_worker(settings, dec_16, burst=False)
    task = asyncio.create_task(worker.main())
    worker.main_task = task  # as arq's run() does, so the signal handler stops the polling loop too
    while len(smtp.messages) < 4:
        await asyncio.sleep(0.01)
    worker.handle_sig(signal.SIGTERM)  # what arq does on SIGTERM: cancel running jobs and stop polling
    await asyncio.gather(task, *worker.tasks.values(), return_exceptions=True)
    worker.tasks.clear()  # the stopped process keeps nothing; close() only releases its connections
    await worker.close()
    assert len(smtp.messages) < 12
    await asyncio.sleep(0.2)  # let shielded in-flight sends record their outcome

    # restart: the replayed tick re-enqueues whatever is still queued; a fresh worker finishes the run
    await run_due(dec_16, redis=redis)
    await run_burst(settings, dec_16)
    recipients = sorted(e[0] for e in smtp.envelopes)
    assert recipients == sorted(f"o{i}@example.fi" for i in range(12))  # each bundle exactly once
    assert await Toimitus.filter(tila=ToimitusTila.SENT).count() == 12


async def test_an_address_the_server_can_never_take_fails_for_good(
    setting: Setting, redis: ArqRedis, twilio: TwilioStandIn
) -> None:
    """Issue 13 item 7: a stored non-ASCII address (saved before validation) raises SMTPNotSupported on a server
    without SMTPUTF8, as the relay is; that is permanent: failed once, never retried."""
    from aiosmtpd.controller import Controller

    from models.hoks import Hoks
    from tests.support import free_port

    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, enable_SMTPUTF8=False)
    controller.start()
    try:
        hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
        await Hoks.filter(id=hoks.id).update(sahkoposti="väinö.mäkinen@example.fi")
        await run_due(SEPT_1, redis=redis)
        worker = await run_burst(settings_for(sink.port, twilio.port), SEPT_1)
    finally:
        controller.stop()
    assert (worker.jobs_retried, worker.jobs_complete) == (0, 1)
    toimitus = await Toimitus.get()
    assert (toimitus.tila, toimitus.yritykset) == (ToimitusTila.FAILED, 1)
    assert "SMTPUTF8" in (toimitus.virhe or "")
    assert sink.messages == []
