"""Who asks, save and return, and the language switch keeping answers, over HTTP on the real app (issue 15)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from models.kyselylinkki import Kyselytyyppi
from models.organisation import Organisation
from models.services.lahetysajo import run_day
from models.services.luonnos import siivoa_luonnokset, tallenna_luonnos
from models.vastaus import Luonnos, Vastaus
from survey_ui.kyselyt import latest
from tests.factories import provider
from tests.survey_ui.conftest import csrf_token, make_link, post_answers, today, valid_form

ALOITTANEET = latest("aloittaneet")
LIKERT = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "likert")
TEKSTI = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "teksti" and not k.nayta_kun)


async def _post(client, tunnus: str, data: dict[str, list[str] | str], lang: str = "fi"):
    page = await client.get(f"/v/{tunnus}?lang={lang}")
    return await client.post(
        f"/v/{tunnus}?lang={lang}&versio=1",
        data={"csrftoken": csrf_token(page.text), **data},
        follow_redirects=False,
    )


async def test_student_form_says_who_asks_with_todays_survey_name(client):
    kt, ol = await provider()
    await Organisation.filter(id=kt.id).update(nimi_sv="Testsamkommun")
    link = await make_link(kt, oppilaitos=ol, tutkinto_nimi="Ajoneuvoalan perustutkinto")

    fi = (await client.get(f"/v/{link.tunnus}?lang=fi")).text
    assert "<dd>Testikuntayhtymä</dd>" in fi and "<dd>Testiopisto</dd>" in fi
    assert "<dd>Ajoneuvoalan perustutkinto</dd>" in fi
    assert "Opetushallitus lähettää tämän kyselyn koulutuksen järjestäjäsi puolesta." in fi
    assert "2021-2022" not in fi
    assert "<h1>Opiskelijapalaute – ammatillisen tutkintokoulutuksen aloittaneet</h1>" in fi

    sv = (await client.get(f"/v/{link.tunnus}?lang=sv")).text
    assert "<dd>Testsamkommun</dd>" in sv
    assert "Utbildningsstyrelsen skickar denna enkät" in sv


async def test_instructor_form_names_qualification_and_half_month(client):
    kt, ol = await provider()
    link = await make_link(
        kt,
        Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
        oppilaitos=ol,
        tutkinto_nimi="Logistiikan perustutkinto",
    )
    await type(link).filter(id=link.id).update(heratepvm=date(2026, 11, 16))
    html = (await client.get(f"/v/{link.tunnus}?lang=fi")).text
    assert "<dd>Logistiikan perustutkinto</dd>" in html
    assert "<dd>1.11.–15.11.2026</dd>" in html
    assert "jonka opiskelijoita ohjasit työpaikallasi" in html
    assert "koulutuksen järjestäjäsi puolesta" not in html


async def test_saved_answers_come_back_on_the_same_link_and_forged_keys_are_dropped(client):
    kt, _ = await provider()
    link = await make_link(kt)
    saved = await _post(
        client,
        link.tunnus,
        {"toiminto": "tallenna", LIKERT.tunnus: "2", TEKSTI.tunnus: "Kesken", "lisa:424242": "kylla"},
    )
    assert saved.status_code == 200
    assert "Tähänastiset vastauksesi on tallennettu." in saved.text

    draft = await Luonnos.get(kyselylinkki_id=link.id)
    assert draft.arvot == {LIKERT.tunnus: ["2"], TEKSTI.tunnus: ["Kesken"]}

    again = (await client.get(f"/v/{link.tunnus}?lang=fi")).text
    assert f'name="{LIKERT.tunnus}" value="2" checked' in again.replace(f' id="k-{LIKERT.tunnus}-input"', "")
    assert ">Kesken</textarea>" in again
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 0


async def test_language_switch_keeps_the_answers_given_so_far(client):
    kt, _ = await provider()
    link = await make_link(kt)
    switched = await _post(client, link.tunnus, {"toiminto": "kieli:sv", LIKERT.tunnus: "5", TEKSTI.tunnus: "Bra"})
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/v/{link.tunnus}?lang=sv"
    sv = (await client.get(switched.headers["location"])).text
    assert '<html lang="sv">' in sv
    assert ">Bra</textarea>" in sv


async def test_the_pages_script_saves_unasked_with_204(client):
    kt, _ = await provider()
    link = await make_link(kt)
    response = await _post(client, link.tunnus, {"toiminto": "luonnos", TEKSTI.tunnus: "Autosave"})
    assert response.status_code == 204
    assert (await Luonnos.get(kyselylinkki_id=link.id)).arvot == {TEKSTI.tunnus: ["Autosave"]}


async def test_submit_stores_the_answer_once_and_removes_the_draft(client):
    kt, _ = await provider()
    link = await make_link(kt)
    await _post(client, link.tunnus, {"toiminto": "luonnos", TEKSTI.tunnus: "Ensin"})
    sent = await post_answers(client, link.tunnus, valid_form(ALOITTANEET))
    assert sent.status_code == 303
    assert await Luonnos.filter(kyselylinkki_id=link.id).count() == 0
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 1

    late = await client.post(f"/v/{link.tunnus}?lang=fi&versio=1", data={"toiminto": "luonnos"})
    assert late.status_code in (403, 409)  # refused: CSRF (no token posted) or already answered
    assert not await tallenna_luonnos(link.id, {TEKSTI.tunnus: ["Myöhään"]}, datetime.now(UTC))
    assert await Luonnos.filter(kyselylinkki_id=link.id).count() == 0


async def test_drafts_racing_the_submit_never_outlive_the_answer(client):
    kt, _ = await provider()
    link = await make_link(kt)
    form = valid_form(ALOITTANEET)

    async def save(i: int) -> bool:
        return await tallenna_luonnos(link.id, {TEKSTI.tunnus: [f"luonnos {i}"]}, datetime.now(UTC))

    results = await asyncio.gather(
        *(save(i) for i in range(8)), post_answers(client, link.tunnus, form), *(save(i) for i in range(8, 16))
    )
    assert results[8].status_code == 303
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 1
    assert await Luonnos.filter(kyselylinkki_id=link.id).count() == 0


async def test_sweep_removes_drafts_of_expired_answered_and_cancelled_links_only(db):
    kt, _ = await provider()
    now = datetime.now(UTC)
    avoin, vanha, vastattu, peruttu = [await make_link(kt) for _ in range(4)]
    for link in (avoin, vanha, vastattu, peruttu):
        assert await tallenna_luonnos(link.id, {TEKSTI.tunnus: ["x"]}, now)
    await type(vanha).filter(id=vanha.id).update(vastausaika_loppu=today() - timedelta(days=1))
    await type(vastattu).filter(id=vastattu.id).update(vastattu_at=now)
    await type(peruttu).filter(id=peruttu.id).update(peruttu_at=now)

    assert (await run_day(today(), dry_run=True)).luonnokset == 3
    assert await Luonnos.all().count() == 4  # a dry run rolls back
    assert (await run_day(today())).luonnokset == 3  # the worker's daily step sweeps them
    assert [d.kyselylinkki_id for d in await Luonnos.all()] == [avoin.id]  # type: ignore[attr-defined]
    assert await siivoa_luonnokset(today()) == 0


async def test_privacy_statement_leads_back_to_the_form_and_unknown_link_names_no_school(client):
    kt, _ = await provider()
    link = await make_link(kt)
    page = (await client.get(f"/tietosuojaseloste?lang=fi&v={link.tunnus}")).text
    assert f'<a href="/v/{link.tunnus}?lang=fi">Takaisin kyselyyn</a>' in page
    assert "Oppilaitoksesi" not in page
    forged = (await client.get('/tietosuojaseloste?lang=fi&v="><script>')).text
    assert "Takaisin kyselyyn" not in forged
    unknown = (await client.get("/v/ei-tallaista-linkkia?lang=fi")).text
    assert "oppilaitokseesi" not in unknown
    assert "kyselyn lähettäneeseen koulutuksen järjestäjään" in unknown
