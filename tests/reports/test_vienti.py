"""The provider's answer export (DOMAIN.md §5): round-trip, Excel quirks, isolation, bundles with kesto (§4.1)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from tortoise.context import TortoiseContext

from models.kyselylinkki import Kyselytyyppi
from models.services.access import Grant, Principal
from models.services.errors import Forbidden
from models.services.raportointi import TAUSTA, vastausvienti
from models.user import RoleName
from survey_ui.kyselyt import load_all
from tests.factories import provider
from tests.reports.builders import bundle, jakso, learner, link, lisakysymys


def main_user(kt) -> Principal:  # type: ignore[no-untyped-def]
    return Principal(user_id=None, name="paakayttaja", grants=(Grant(kt.oid, kt.path, RoleName.ADMIN),))


async def export(kt, **kw) -> str:  # type: ignore[no-untyped-def]
    vienti = await vastausvienti(main_user(kt), kt.oid, load_all().values(), **kw)
    return "".join([chunk async for chunk in vienti.rivit()])


def parse(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


async def test_round_trip_and_excel_quirks(db: TortoiseContext) -> None:
    kt, ol = await provider()
    nasty = '=HYPERLINK("http://evil.example";"klik"); rivi\r\ntoinen "lainaus"'
    answers = [
        {"hakeutumisen_syy": "tyollistyminen", "suosittelu": 5, "tuen_tarve": True, "vapaa_palaute": nasty},
        {
            "suosittelu": 2,
            "vastaanotto": 0,
            "tuen_tarve": False,
            "tuen_muodot": ["kielituki", "erityisopetus"],
            "vapaa_palaute": "+1 hyvä",
        },
        {"suosittelu": 3, "vapaa_palaute": "@käyttäjä -miinus\tsarkain"},
    ]
    for i, a in enumerate(answers):
        await link(kt, ol, date(2021, 9, 1 + i), lahetyspvm=date(2021, 9, 1 + i), vastaukset=a, kieli="sv")
    text = await export(kt)

    assert text.count("\ufeff") == 1
    lines = text[1:].split("\r\n")
    assert lines[-1] == "" and len([ln for ln in lines if ln]) >= 4  # CRLF ends every row
    assert lines[0].split(";")[: len(TAUSTA)] == list(TAUSTA)
    rows = parse(text)
    assert len(rows) == 3
    assert [r["vapaa_palaute"] for r in rows] == [
        "'" + nasty,
        "'+1 hyvä",
        "'@käyttäjä -miinus\tsarkain",
    ]
    assert [r["suosittelu"] for r in rows] == ["5", "2", "3"]
    assert [r["vastaanotto"] for r in rows] == ["", "eos", ""]
    assert [r["tuen_tarve"] for r in rows] == ["kylla", "ei", ""]
    assert rows[1]["tuen_muodot"] == "kielituki, erityisopetus"
    assert rows[0]["hakeutumisen_syy"] == "tyollistyminen"
    assert {r["kieli"] for r in rows} == {"sv"}
    assert [r["heratepvm"] for r in rows] == ["2021-09-01", "2021-09-02", "2021-09-03"]
    assert {r["oppilaitos_oid"] for r in rows} == {ol.oid}
    # The embedded quotes are doubled inside a quoted cell, as Excel expects.
    assert '""lainaus""' in text


async def test_other_providers_answers_and_extra_questions_never_appear(db: TortoiseContext) -> None:
    kt, ol = await provider()
    other, other_ol = await provider()
    own_q = await lisakysymys(kt, Kyselytyyppi.ALOITTANEET, "Oma kysymys")
    other_q = await lisakysymys(other, Kyselytyyppi.ALOITTANEET, "Toisen kysymys")
    await link(kt, ol, date(2021, 9, 1), vastaukset={"suosittelu": 4, f"lisa:{own_q.id}": "oma vastaus"})
    await link(other, other_ol, date(2021, 9, 1), vastaukset={"suosittelu": 1, f"lisa:{other_q.id}": "SALAINEN"})
    text = await export(kt)
    rows = parse(text)
    assert len(rows) == 1
    assert rows[0][f"lisa:{own_q.id}"] == "oma vastaus"
    assert f"lisa:{other_q.id}" not in rows[0]
    assert "SALAINEN" not in text and other_ol.oid not in text
    other_rows = parse(await export(other))
    assert [r[f"lisa:{other_q.id}"] for r in other_rows] == ["SALAINEN"]
    assert f"lisa:{own_q.id}" not in other_rows[0]


async def test_export_needs_the_main_user_role(db: TortoiseContext) -> None:
    kt, _ = await provider()
    reader = Principal(user_id=None, name="lukija", grants=(Grant(kt.oid, kt.path, RoleName.WRITE),))
    with pytest.raises(Forbidden):
        await vastausvienti(reader, kt.oid, load_all().values())


async def test_bundle_is_unbundled_one_row_per_member_with_kesto(db: TortoiseContext) -> None:
    kt, ol = await provider()
    # DOMAIN.md §4.1: 2021-09-01..2021-12-15 at 80 % with a break 2021-10-22..10-30 → 97 days × 0.8 → 78.
    first = await jakso(
        await learner(kt, ol),
        date(2021, 9, 1),
        date(2021, 12, 15),
        osa_aikaisuus=80,
        tauot=((date(2021, 10, 22), date(2021, 10, 30)),),
    )
    # A second learner whose two jaksot overlap for 10 days: each overlapping day counts 1/2 (§4.1).
    hoks = await learner(kt, ol)
    second = await jakso(hoks, date(2021, 12, 1), date(2021, 12, 10))
    await jakso(hoks, date(2021, 12, 6), date(2021, 12, 31), tyopaikka="Toinen Oy")
    await bundle(kt, date(2022, 1, 1), [first, second], {"tieto_tavoitteista": 4, "vapaa_palaute": "Kiitos"})
    rows = parse(await export(kt, kyselytyyppi="tyopaikkaohjaajakysely"))
    assert len(rows) == 2
    assert rows[0]["vastaus_id"] == rows[1]["vastaus_id"]
    assert [r["tieto_tavoitteista"] for r in rows] == ["4", "4"]
    assert [(r["jakso_alku"], r["jakso_loppu"], r["kesto"]) for r in rows] == [
        ("2021-09-01", "2021-12-15", "78"),
        ("2021-12-01", "2021-12-10", "8"),  # 5 whole days + 5 half days = 7.5 → 8 (half up)
    ]
    assert {r["tutkinnon_osa_koodi"] for r in rows} == {"106727"}
    assert {r["kyselytyyppi"] for r in rows} == {"tyopaikkaohjaajakysely"}
