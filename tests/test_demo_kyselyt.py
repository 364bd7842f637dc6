"""The demo shows every link state, answers enough for the anonymous statistics, and a user for every role."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.demo import generate
from models.demo_kyselyt import DEMO_KUNTA, VALPAS_NIMET, busiest_kunta, demo_users, survey_states, valpas_people
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.rules.vastaaminen import LinkinTila
from models.services.raportointi import anonyymit_tilastot
from models.services.valpas.automaattinen_tarkistus import automaattinen_tarkistus
from models.services.vastaus import Aikataulu
from models.user import RoleName
from survey_ui.kyselyt import load_all

TODAY = date(2026, 11, 28)


async def test_demo_has_every_link_state_and_statistics_groups_of_five(db):
    await generate(40, seed=3, today=TODAY)
    assert await survey_states(TODAY, seed=3) > 0
    assert await survey_states(TODAY, seed=3) == 0  # loaded once

    states = set()
    for link in await Kyselylinkki.all():
        aikataulu = Aikataulu(link.vastausaika_alku, link.vastausaika_loppu, link.vastattu_at, link.peruttu_at)
        states.add(aikataulu.tila(datetime(2026, 11, 28, 12, tzinfo=UTC)))
        if link.peruttu_at is not None:
            states.add("peruttu")
    assert set(LinkinTila) | {"peruttu"} <= states

    groups = await anonyymit_tilastot(load_all().values(), date(2026, 7, 1), TODAY)
    shown = {g.kyselytyyppi for g in groups if not g.piilotettu and g.vastaajia >= 5}
    assert {Kyselytyyppi.ALOITTANEET, Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY} <= shown


async def test_demo_users_cover_every_role(db):
    await generate(5, seed=4, today=TODAY)
    users = await demo_users("091")
    assert {u.role for u in users} == set(RoleName)
    assert len({u.token for u in users}) == len(users)
    assert ("demo-oph-admin", RoleName.ADMIN, "Opetushallitus") in {(u.name, u.role, u.organisation) for u in users}


async def test_demo_puts_people_on_a_kunta_check_list(db):
    await generate(5, seed=5, today=TODAY)
    assert await valpas_people(TODAY, DEMO_KUNTA) == len(VALPAS_NIMET)
    assert await valpas_people(TODAY, DEMO_KUNTA) == 0  # loaded once
    listed = {r.facts.oppija_oid async for r in automaattinen_tarkistus(DEMO_KUNTA, TODAY)}
    assert len(listed) >= len(VALPAS_NIMET)
    assert await busiest_kunta(TODAY) == DEMO_KUNTA
