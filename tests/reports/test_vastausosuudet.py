"""Response rates on hand-counted data (DOMAIN.md §5 "Response rate"), and the OPH view of silent providers."""

from __future__ import annotations

from datetime import date

import pytest
from tortoise.context import TortoiseContext

from models.kyselylinkki import Kyselytyyppi, ToimitusTila
from models.services.access import Grant, Principal
from models.services.errors import Forbidden
from models.services.organisations import oph
from models.services.raportointi import Ulottuvuus, hiljaiset_jarjestajat, kuukausittain, vastausosuudet
from models.user import RoleName
from tests.factories import provider
from tests.reports.builders import link

TODAY = date(2021, 11, 15)
SEPT = (date(2021, 9, 1), date(2021, 9, 30))
ANSWER = {"suosittelu": 4}


def reader(org_oid: str, path: str, role: RoleName = RoleName.READ) -> Principal:
    return Principal(user_id=None, name="lukija", grants=(Grant(org_oid, path, role),))


async def seed() -> tuple:
    kt, ol = await provider()
    # aloittaneet, six links in September:
    await link(
        kt, ol, date(2021, 9, 1), lahetyspvm=date(2021, 9, 1), vastausaika_loppu=date(2021, 9, 30), vastaukset=ANSWER
    )
    await link(kt, ol, date(2021, 9, 2), lahetyspvm=date(2021, 9, 2), vastausaika_loppu=date(2021, 10, 1))  # expired
    await link(kt, ol, date(2021, 9, 3), vastausaika_loppu=date(2021, 12, 1), toimitus=ToimitusTila.SENT)  # sent, open
    await link(kt, ol, date(2021, 9, 4), toimitus=ToimitusTila.FAILED)  # not sent
    await link(kt, ol, date(2021, 9, 5), peruttu=True)  # cancelled: expired
    await link(kt, ol, date(2021, 9, 6), lahetyspvm=date(2021, 9, 6), vastaukset=ANSWER, tutkinto="999999")
    # tutkinnon_suorittaneet, one answered link:
    await link(
        kt,
        ol,
        date(2021, 9, 20),
        kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET,
        lahetyspvm=date(2021, 9, 20),
        vastaukset={"kokonaisuus": 5},
    )
    # outside the period, and another provider's link: neither may count
    await link(kt, ol, date(2021, 10, 1), lahetyspvm=date(2021, 10, 1), vastaukset=ANSWER)
    other, other_ol = await provider()
    await link(other, other_ol, date(2021, 9, 10), lahetyspvm=date(2021, 9, 10))
    return kt, ol, other


async def test_rates_per_survey(db: TortoiseContext) -> None:
    kt, _, _ = await seed()
    rows = await vastausosuudet(reader(kt.oid, kt.path), kt.oid, *SEPT, TODAY)
    by = {r.kyselytyyppi: r for r in rows}
    assert set(by) == {"aloittaneet", "tutkinnon_suorittaneet"}
    a = by["aloittaneet"]
    assert (a.linkkeja, a.lahetetty, a.vastattu, a.vanhentunut) == (6, 4, 2, 2)
    assert a.osuus == pytest.approx(2 / 6)
    t = by["tutkinnon_suorittaneet"]
    assert (t.linkkeja, t.lahetetty, t.vastattu, t.vanhentunut, t.osuus) == (1, 1, 1, 0, 1.0)


async def test_rates_per_tutkinto_and_oppilaitos(db: TortoiseContext) -> None:
    kt, ol, _ = await seed()
    rows = await vastausosuudet(
        reader(kt.oid, kt.path), kt.oid, *SEPT, TODAY, ryhmittely=[Ulottuvuus.OPPILAITOS, Ulottuvuus.TUTKINTO]
    )
    by = {(r.oppilaitos_oid, r.tutkinto_koodi): (r.linkkeja, r.vastattu) for r in rows}
    assert by == {(ol.oid, "351301"): (6, 2), (ol.oid, "999999"): (1, 1)}
    assert all(r.kyselytyyppi is None and r.koulutustoimija_oid == kt.oid for r in rows)


async def test_monthly_trend(db: TortoiseContext) -> None:
    kt, _, _ = await seed()
    months = await kuukausittain(reader(kt.oid, kt.path), kt.oid, date(2021, 8, 1), date(2021, 10, 31))
    assert [(m.kuukausi, m.linkkeja, m.vastattu) for m in months] == [("2021-09", 7, 3), ("2021-10", 1, 1)]


async def test_rates_need_a_role_on_the_provider(db: TortoiseContext) -> None:
    kt, _, other = await seed()
    with pytest.raises(Forbidden):
        await vastausosuudet(reader(other.oid, other.path), kt.oid, *SEPT, TODAY)


async def test_oph_view_lists_providers_without_links_or_answers(db: TortoiseContext) -> None:
    kt, _, other = await seed()
    silent, _ = await provider()
    root = await oph()
    rows = await hiljaiset_jarjestajat(reader(root.oid, root.path), *SEPT)
    assert {(r.oid, r.linkkeja, r.vastattu) for r in rows} == {(other.oid, 1, 0), (silent.oid, 0, 0)}
    with pytest.raises(Forbidden):
        await hiljaiset_jarjestajat(reader(kt.oid, kt.path, RoleName.ADMIN), *SEPT)


async def test_sent_counts_messages_that_went_out_not_the_send_day(db: TortoiseContext) -> None:
    """A link whose e-mail failed or still waits is not sent, though its lahetyspvm is set (issue 15)."""
    kt, ol = await provider()
    day = date(2021, 9, 1)
    await link(kt, ol, day, lahetyspvm=day, toimitus=ToimitusTila.FAILED)
    await link(kt, ol, day, lahetyspvm=day, toimitus=ToimitusTila.QUEUED)
    await link(kt, ol, day, lahetyspvm=day, toimitus=ToimitusTila.DELIVERED)
    await link(kt, ol, day, lahetyspvm=None, toimitus=ToimitusTila.SENT)
    await link(kt, ol, day, lahetyspvm=day)  # from before Polku: no delivery rows, sent by its lahetyspvm
    (row,) = await vastausosuudet(reader(kt.oid, kt.path), kt.oid, *SEPT, TODAY)
    assert (row.linkkeja, row.lahetetty) == (5, 3)
