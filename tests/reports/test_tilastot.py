"""Anonymous statistics (DOMAIN.md §5): national questions only, groups of fewer than five respondents hidden."""

from __future__ import annotations

from datetime import date

from tortoise.context import TortoiseContext

from models.kyselylinkki import Kyselytyyppi
from models.services.raportointi import Ulottuvuus, anonyymit_tilastot
from survey_ui.kyselyt import load_all
from tests.factories import provider
from tests.reports.builders import link, lisakysymys

PERIOD = (date(2021, 8, 1), date(2022, 7, 31))


async def test_groups_under_five_are_hidden_and_free_text_and_extras_left_out(db: TortoiseContext) -> None:
    big, big_ol = await provider()
    small, small_ol = await provider()
    q = await lisakysymys(big, Kyselytyyppi.ALOITTANEET, "Oma")
    for value in (5, 4, 4, 0, 2):
        await link(
            big, big_ol, date(2021, 9, 1), vastaukset={"vastaanotto": value, "vapaa_palaute": "x", f"lisa:{q.id}": "y"}
        )
    for _ in range(4):
        await link(small, small_ol, date(2021, 9, 1), vastaukset={"vastaanotto": 1})

    groups = await anonyymit_tilastot(load_all().values(), *PERIOD, ryhmittely=[Ulottuvuus.KOULUTUSTOIMIJA])
    by = {g.koulutustoimija_oid: g for g in groups}
    hidden = by[small.oid]
    assert hidden.piilotettu and hidden.vastaajia is None and hidden.jakaumat == ()
    shown = by[big.oid]
    assert not shown.piilotettu and shown.vastaajia == 5
    jakaumat = {j.kysymys.tunnus: j for j in shown.jakaumat}
    assert "vapaa_palaute" not in jakaumat and not any(t.startswith("lisa:") for t in jakaumat)
    vastaanotto = jakaumat["vastaanotto"]
    assert vastaanotto.vastauksia == 5
    assert vastaanotto.maarat == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1, "0": 1}
    assert vastaanotto.keskiarvo == (5 + 4 + 4 + 2) / 4  # "en osaa sanoa" (0) is not in the mean

    # Without the provider key the nine answers form one group, big enough to show.
    [together] = await anonyymit_tilastot(load_all().values(), *PERIOD, kyselytyyppi="aloittaneet")
    assert together.vastaajia == 9 and together.koulutustoimija_oid is None


async def test_grouped_by_kausi_and_tutkinto(db: TortoiseContext) -> None:
    kt, ol = await provider()
    for day in (date(2021, 9, 1), date(2022, 7, 1)):
        for _ in range(5):
            await link(kt, ol, day, vastaukset={"suosittelu": 3}, tutkinto="351301")
    await link(kt, ol, date(2021, 9, 1), vastaukset={"suosittelu": 3}, tutkinto="999999")
    groups = await anonyymit_tilastot(
        load_all().values(), date(2021, 7, 1), date(2022, 12, 31), ryhmittely=[Ulottuvuus.KAUSI, Ulottuvuus.TUTKINTO]
    )
    assert [(g.kausi, g.tutkinto_koodi, g.vastaajia, g.piilotettu) for g in groups] == [
        ("2021-2022", "351301", 5, False),
        ("2021-2022", "999999", None, True),
        ("2022-2023", "351301", 5, False),
    ]
