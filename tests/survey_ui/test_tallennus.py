"""Storing an answer straight through the service: the compare-and-set catches what changed after the form was read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.rules.vastaaminen import LinkinTila
from models.rules.vastauslomake import validate_answers
from models.services.vastaus import LinkkiEiAvoin, lomakelinkki, tallenna_vastaus
from models.vastaus import Vastaus
from survey_ui.kyselyt import latest
from tests.factories import provider
from tests.survey_ui.conftest import make_link, valid_form

ALOITTANEET = latest("aloittaneet")


async def _read_open_link():
    kt, _ = await provider()
    link = await make_link(kt)
    lomake = await lomakelinkki(link.tunnus)
    assert lomake is not None and lomake.aikataulu.tila(datetime.now(UTC)) is LinkinTila.AVOIN
    answers = validate_answers(ALOITTANEET, (), valid_form(ALOITTANEET))
    assert answers.ok
    return link, lomake, answers.answers


async def test_a_link_cancelled_after_its_form_was_read_gets_the_expired_page_and_no_answer(db):
    link, lomake, answers = await _read_open_link()
    link.peruttu_at = datetime.now(UTC)
    await link.save(update_fields=["peruttu_at"])
    with pytest.raises(LinkkiEiAvoin) as refused:
        await tallenna_vastaus(lomake, ALOITTANEET, answers, "fi", datetime.now(UTC))
    assert refused.value.tila is LinkinTila.VANHENTUNUT
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 0


async def test_a_second_store_from_the_same_read_is_refused_and_the_first_answer_stands(db):
    link, lomake, answers = await _read_open_link()
    now = datetime.now(UTC)
    await tallenna_vastaus(lomake, ALOITTANEET, answers, "sv", now)
    with pytest.raises(LinkkiEiAvoin) as refused:
        await tallenna_vastaus(lomake, ALOITTANEET, answers, "fi", now)
    assert refused.value.tila is LinkinTila.VASTATTU
    stored = await Vastaus.get(kyselylinkki_id=link.id)
    await link.refresh_from_db()
    assert (stored.kieli, stored.kysely_versio, stored.vastaukset) == ("sv", ALOITTANEET.versio, dict(answers))
    assert link.vastattu_at == stored.vastattu_at == now
