"""Catching up missed send days costs one small pass each (issue 18): every send day loads only the jaksot of
its own half-month (the current day also the unbundled late ones), and each jakso still lands in its own bundle.
"""

from __future__ import annotations

from datetime import date

import pytest

from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.services import hoks as hoks_service
from models.services import tyoelama
from models.services.facts import LoadedJakso
from models.services.lahetysajo import run_day
from tests.services.conftest import Setting, jakso, plan

# One jakso per half-month before the send day 16.3.2022, which is run first after an outage from 1.1.
LOPUT = (date(2022, 1, 10), date(2022, 1, 20), date(2022, 2, 10), date(2022, 2, 20), date(2022, 3, 10))


async def test_four_missed_send_days_each_load_only_their_own_jaksot(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    tavat = [
        jakso(f"j{i}", alku=date(2021, 9, 1), loppu=loppu, keskeytymisajanjaksot=()) for i, loppu in enumerate(LOPUT)
    ]
    await hoks_service.create_hoks(plan(setting, *tavat), setting.writer(), date(2021, 12, 1))
    loaded: list[list[date]] = []
    real = tyoelama.load_jaksot

    async def counting(query: object) -> list[LoadedJakso]:
        found = await real(query)  # type: ignore[arg-type]
        loaded.append(sorted(j.facts.loppu for j in found))
        return found

    monkeypatch.setattr(tyoelama, "load_jaksot", counting)
    await run_day(date(2022, 3, 16))
    # 16.1., 1.2., 16.2., 1.3. caught up, then 16.3.: each pass saw its own half-month's jakso, and only that one
    assert loaded == [[loppu] for loppu in LOPUT]
    links = await Kyselylinkki.filter(kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY).order_by("heratepvm")
    assert [(link.heratepvm, link.lahetyspvm) for link in links] == [
        (date(2022, 1, 16), date(2022, 3, 16)),
        (date(2022, 2, 1), date(2022, 3, 16)),
        (date(2022, 2, 16), date(2022, 3, 16)),
        (date(2022, 3, 1), date(2022, 3, 16)),
        (date(2022, 3, 16), date(2022, 3, 16)),
    ]


async def test_a_late_jakso_goes_on_the_current_send_day_and_a_bundled_one_is_not_reloaded(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = jakso("early", alku=date(2021, 9, 1), loppu=date(2022, 3, 3), keskeytymisajanjaksot=())
    hoks = await hoks_service.create_hoks(plan(setting, early), setting.writer(), date(2022, 3, 1))
    await run_day(date(2022, 3, 16))
    # entered on 20.3., ended 5.3. (its day 16.3. has passed): it goes on 1.4. with heratepvm 16.3.
    late = jakso("late", alku=date(2021, 9, 1), loppu=date(2022, 3, 5), keskeytymisajanjaksot=())
    await hoks_service.update_hoks(hoks.id, plan(setting, early, late), setting.writer(), date(2022, 3, 20))
    loaded: list[list[str]] = []
    real = tyoelama.load_jaksot

    async def counting(query: object) -> list[LoadedJakso]:
        found = await real(query)  # type: ignore[arg-type]
        loaded.append(sorted(j.facts.yksiloiva_tunniste for j in found))
        return found

    monkeypatch.setattr(tyoelama, "load_jaksot", counting)
    await run_day(date(2022, 4, 1))
    assert loaded == [["late"]]
    link = await Kyselylinkki.filter(kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY).order_by("-id").first()
    assert link is not None and (link.heratepvm, link.lahetyspvm) == (date(2022, 3, 16), date(2022, 4, 1))
