"""The respondent's pages over HTTP on the real app (DOMAIN.md §5): languages, validation, states, CSRF, limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, NippuJasen
from models.rules.kysely import lisa_tunnus
from models.services.vastaus import vastaukset_jaksoittain
from models.settings import Settings
from models.vastaus import KyselyAsetus, Lisakysymys, Vastaus
from survey_ui.app import create_survey_app
from survey_ui.kyselyt import latest
from survey_ui.ratelimit import SlidingWindowLimiter
from tests.factories import provider
from tests.reports.builders import jakso, learner
from tests.survey_ui.conftest import csrf_token, make_link, post_answers, valid_form

ALOITTANEET = latest("aloittaneet")


def _teksti(fi: str) -> dict[str, str]:
    return {"fi": fi, "sv": f"{fi} på svenska", "en": f"{fi} in English"}


async def _lisakysymys(kt, tyyppi=Kyselytyyppi.ALOITTANEET, *, jarjestys=1, teksti="Oma kysymys", **extra):
    maaritys = {"tyyppi": "kylla_ei", "teksti": _teksti(teksti), "pakollinen": True, **extra}
    return await Lisakysymys.create(koulutustoimija=kt, kyselytyyppi=tyyppi, jarjestys=jarjestys, maaritys=maaritys)


@pytest.mark.parametrize(
    ("query", "accept", "kieli", "otsikko"),
    [
        ("?lang=sv", "fi", "sv", "Studeranderespons"),
        ("?lang=en", None, "en", "Student feedback"),
        ("", "sv-FI,sv;q=0.9,en;q=0.8", "sv", "Studeranderespons"),
        ("", "de-DE,en;q=0.5,fi;q=0.4", "en", "Student feedback"),
        ("?lang=xx", None, "fi", "Opiskelijapalaute"),
    ],
)
async def test_form_language_from_query_then_accept_language_then_finnish(client, query, accept, kieli, otsikko):
    kt, _ = await provider()
    link = await make_link(kt)
    headers = {"accept-language": accept} if accept else {}
    page = await client.get(f"/v/{link.tunnus}{query}", headers=headers)
    assert page.status_code == 200
    assert f'<html lang="{kieli}">' in page.text
    assert f"<h1>{otsikko}" in page.text
    assert ALOITTANEET.kysymykset[0].teksti.kielella(kieli) in page.text
    assert f'href="/tietosuojaseloste?lang={kieli}&amp;v={link.tunnus}"' in page.text
    assert f'href="/saavutettavuusseloste?lang={kieli}"' in page.text
    for other in ("fi", "sv", "en"):
        assert f'form="lomake" name="toiminto" value="kieli:{other}"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


async def test_likert_labels_and_en_osaa_sanoa_come_from_the_catalog(client):
    kt, _ = await provider()
    link = await make_link(kt)
    sv = (await client.get(f"/v/{link.tunnus}?lang=sv")).text
    assert "5 – Helt av samma åsikt" in sv
    assert "Kan inte säga" in sv
    fi = (await client.get(f"/v/{link.tunnus}?lang=fi")).text
    assert "1 – Täysin eri mieltä" in fi and "En osaa sanoa" in fi


async def test_providers_active_extra_questions_follow_the_national_ones(client):
    kt, _ = await provider()
    other_kt, _ = await provider()
    mine = await _lisakysymys(kt, teksti="Suosittelisitko meitä?")
    await Lisakysymys.create(
        koulutustoimija=kt,
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        jarjestys=2,
        maaritys={"tyyppi": "kylla_ei", "teksti": _teksti("Poistettu kysymys"), "pakollinen": False},
        poistettu_at=datetime(2021, 1, 1, tzinfo=UTC),
    )
    await _lisakysymys(other_kt, teksti="Toisen järjestäjän kysymys")
    await _lisakysymys(kt, Kyselytyyppi.TUTKINNON_SUORITTANEET, teksti="Toisen kyselyn kysymys")
    link = await make_link(kt)

    page = (await client.get(f"/v/{link.tunnus}?lang=en")).text

    assert "Suosittelisitko meitä? in English" in page
    assert page.index(ALOITTANEET.kysymykset[-1].teksti.en) < page.index("Suosittelisitko meitä? in English")
    assert f'name="{lisa_tunnus(mine.id)}"' in page
    for hidden in ("Poistettu kysymys", "Toisen järjestäjän kysymys", "Toisen kyselyn kysymys"):
        assert hidden not in page


async def test_missing_required_answer_shows_error_beside_question_and_keeps_answers(client):
    kt, _ = await provider()
    link = await make_link(kt)
    form = valid_form(ALOITTANEET)
    required = next(k for k in ALOITTANEET.kysymykset if k.pakollinen and k.tyyppi == "likert")
    del form[required.tunnus]
    kept = next(k for k in ALOITTANEET.kysymykset if k.tunnus in form and k.tyyppi == "likert")

    response = await post_answers(client, link.tunnus, form, "fi")

    assert response.status_code == 422
    html = response.text
    assert "<title>Virhe:" in html
    assert 'id="virheyhteenveto" role="alert"' in html
    did = "k-" + required.tunnus
    # The question ends in its own punctuation, so no colon is added after it (no "…?: Vastaa …").
    assert required.teksti.fi.endswith(("?", "."))
    assert f'<a href="#{did}-input">{required.teksti.fi} Vastaa tähän kysymykseen.</a>' in html
    block = html[html.index(f'id="{did}"') : html.index('<div class="kysymys', html.index(f'id="{did}"'))]
    assert "Vastaa tähän kysymykseen." in block
    assert f'aria-describedby="{did}-virhe"' in block
    assert f'name="{kept.tunnus}" value="4" checked' in html
    assert await Vastaus.all().count() == 0


async def test_out_of_range_likert_and_too_long_text_are_refused(client):
    kt, _ = await provider()
    link = await make_link(kt)
    likert = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "likert")
    teksti = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "teksti" and k.nayta_kun is None)
    assert teksti.max_pituus is not None
    form = {**valid_form(ALOITTANEET), likert.tunnus: ["9"], teksti.tunnus: ["x" * (teksti.max_pituus + 1)]}

    response = await post_answers(client, link.tunnus, form, "en")

    assert response.status_code == 422
    assert likert.teksti.en.endswith(("?", "."))
    assert f"{likert.teksti.en} Please choose one of the options given." in response.text
    assert f"{teksti.teksti.en} Your answer is too long. Please shorten it." in response.text
    assert await Vastaus.all().count() == 0


async def test_question_of_another_provider_or_survey_is_refused_as_a_whole(client):
    kt, _ = await provider()
    other_kt, _ = await provider()
    foreign = await _lisakysymys(other_kt)
    link = await make_link(kt)
    for key in (lisa_tunnus(foreign.id), latest("tyopaikkaohjaajakysely").kysymykset[0].tunnus):
        form = {**valid_form(ALOITTANEET), key: ["kylla"]}
        response = await post_answers(client, link.tunnus, form, "sv")
        assert response.status_code == 422
        assert "Formuläret innehöll svar på frågor som inte hör till den här enkäten." in response.text
    assert await Vastaus.all().count() == 0


async def test_answer_stored_once_with_version_language_and_extra_answers(client):
    kt, _ = await provider()
    extra = await _lisakysymys(kt)
    retired = await _lisakysymys(kt, jarjestys=2, teksti="Juuri poistettu")
    retired.poistettu_at = datetime.now(UTC)
    await retired.save()
    link = await make_link(kt, sahkoposti="aino@example.fi")
    form = {**valid_form(ALOITTANEET), lisa_tunnus(extra.id): ["ei"], lisa_tunnus(retired.id): ["kylla"]}

    response = await post_answers(client, link.tunnus, form, "sv")

    assert response.status_code == 303
    assert response.headers["location"] == "/kiitos?lang=sv"
    vastaus = await Vastaus.get(kyselylinkki_id=link.id)
    assert (vastaus.kysely_tunnus, vastaus.kysely_versio, vastaus.kieli) == (ALOITTANEET.tunnus, 1, "sv")
    assert vastaus.vastaukset[lisa_tunnus(extra.id)] is False
    assert lisa_tunnus(retired.id) not in vastaus.vastaukset
    likert = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "likert")
    assert vastaus.vastaukset[likert.tunnus] == 4
    await link.refresh_from_db()
    assert link.vastattu_at is not None

    again = await client.get(f"/v/{link.tunnus}?lang=sv")
    assert again.status_code == 409
    assert "Du har redan besvarat den här enkäten" in again.text
    resubmit = await client.post(
        f"/v/{link.tunnus}?lang=sv", data={"csrftoken": client.cookies["csrftoken"], **form}, follow_redirects=False
    )
    assert resubmit.status_code == 409
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "fi", "sv", "en"),
    [
        ({"alku": 3}, 403, "Kysely ei ole vielä avoinna", "Enkäten är inte öppen ännu", "The survey is not open yet"),
        ({"alku": None}, 403, "Kysely ei ole vielä avoinna", "Enkäten är inte öppen ännu", "not open yet"),
        ({"alku": -40, "loppu": -1}, 410, "Kysely on sulkeutunut", "Enkäten har stängts", "The survey has closed"),
        ({"peruttu_at": datetime(2021, 10, 1, tzinfo=UTC)}, 410, "sulkeutunut", "stängts", "has closed"),
        ({"vastattu_at": datetime(2021, 10, 1, tzinfo=UTC)}, 409, "Olet jo vastannut", "redan besvarat", "already"),
    ],
)
async def test_special_pages_per_state_in_three_languages_without_survey_or_personal_data(
    client, kwargs, status, fi, sv, en
):
    kt, _ = await provider()
    link = await make_link(
        kt, sahkoposti="aino.virtanen@example.fi", tutkinto_nimi="Ajoneuvoalan perustutkinto", **kwargs
    )
    token = csrf_token((await client.get(f"/v/{(await make_link(kt)).tunnus}")).text)
    for kieli, expected in (("fi", fi), ("sv", sv), ("en", en)):
        shown = await client.get(f"/v/{link.tunnus}?lang={kieli}")
        posted = await client.post(
            f"/v/{link.tunnus}?lang={kieli}", data={"csrftoken": token, **valid_form(ALOITTANEET)}
        )
        for response in (shown, posted):
            assert response.status_code == status
            assert f'<html lang="{kieli}">' in response.text
            assert expected in response.text
            _assert_no_leak(response.text, kt.nimi)
    assert await Vastaus.all().count() == 0


async def test_unknown_link_page_in_three_languages(client):
    kt, _ = await provider()
    await make_link(kt)
    for kieli, expected in (("fi", "Kyselylinkkiä ei löydy"), ("sv", "Enkätlänken hittades inte"), ("en", "not found")):
        response = await client.get(f"/v/ei-tallaista-tunnusta?lang={kieli}")
        assert response.status_code == 404
        assert expected in response.text
        _assert_no_leak(response.text, kt.nimi)


def _assert_no_leak(html: str, org_name: str) -> None:
    for kieli in ("fi", "sv", "en"):
        assert ALOITTANEET.nimi.kielella(kieli) not in html
    for secret in ("aino.virtanen", "Ajoneuvoalan", org_name, "<form"):
        assert secret not in html


async def test_post_without_csrf_cookie_or_with_forged_token_is_refused(client):
    kt, _ = await provider()
    link = await make_link(kt)
    form = valid_form(ALOITTANEET)

    cookieless = httpx.AsyncClient(transport=client._transport, base_url="http://test")  # type: ignore[attr-defined]
    no_cookie = await cookieless.post(f"/v/{link.tunnus}?lang=en", data=form)
    page = await client.get(f"/v/{link.tunnus}")
    forged = await client.post(f"/v/{link.tunnus}?lang=sv", data={**form, "csrftoken": csrf_token(page.text) + "x"})

    assert no_cookie.status_code == 403 and "The form has expired" in no_cookie.text
    assert forged.status_code == 403 and "Formuläret har gått ut" in forged.text
    assert await Vastaus.all().count() == 0


async def test_token_lookups_are_rate_limited_per_client(db):
    app = create_survey_app(Settings(database_url="unused://"), SlidingWindowLimiter(max_requests=3, window_seconds=60))
    kt, _ = await provider()
    link = await make_link(kt)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.0.0.1", 1)), base_url="http://t"
    ) as a:
        statuses = [(await a.get(f"/v/{link.tunnus}?lang=en")).status_code for _ in range(3)]
        limited = await a.get("/v/some-guess?lang=en")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.0.0.2", 1)), base_url="http://t"
    ) as b:
        other_client = await b.get(f"/v/{link.tunnus}")
        static = await b.get("/tietosuojaseloste")

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert "Too many attempts" in limited.text
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert other_client.status_code == 200
    assert static.status_code == 200


def test_sliding_window_forgets_old_hits():
    limiter = SlidingWindowLimiter(max_requests=2, window_seconds=10)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=5)
    assert not limiter.allow("a", now=9.9)
    assert limiter.retry_after("a", now=9.9) == 1
    assert limiter.allow("a", now=10.1)


async def test_redirect_goes_to_providers_https_url_only(client):
    kt, _ = await provider()
    other_kt, _ = await provider()
    await KyselyAsetus.create(
        koulutustoimija=kt,
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        uudelleenohjaus_url="https://palaute.example.fi/kiitos",
    )
    # A value that bypassed validation (e.g. written by hand) is never followed.
    await KyselyAsetus.create(
        koulutustoimija=other_kt, kyselytyyppi=Kyselytyyppi.ALOITTANEET, uudelleenohjaus_url="javascript:alert(1)"
    )
    ok = await post_answers(client, (await make_link(kt)).tunnus, valid_form(ALOITTANEET), "fi")
    unsafe = await post_answers(client, (await make_link(other_kt)).tunnus, valid_form(ALOITTANEET), "en")
    other_survey = await make_link(kt, Kyselytyyppi.TUTKINNON_SUORITTANEET)
    no_url = await post_answers(client, other_survey.tunnus, valid_form(latest("tutkinnon_suorittaneet")), "sv")

    assert (ok.status_code, ok.headers["location"]) == (303, "https://palaute.example.fi/kiitos")
    assert (unsafe.status_code, unsafe.headers["location"]) == (303, "/kiitos?lang=en")
    assert (no_url.status_code, no_url.headers["location"]) == (303, "/kiitos?lang=sv")


async def test_a_bundled_instructor_link_is_answered_once_for_every_member_jakso(client):
    kt, ol = await provider()
    jaksot = [await jakso(await learner(kt, ol), date(2021, 9, 1), date(2021, 12, 15)) for _ in range(2)]
    link = await make_link(kt, Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY)
    for tapa in jaksot:
        await NippuJasen.create(kyselylinkki=link, hankkimistapa=tapa)

    response = await post_answers(client, link.tunnus, valid_form(latest("tyopaikkaohjaajakysely")), "fi")

    assert response.status_code == 303
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 1
    rows = await vastaukset_jaksoittain([link.id])
    assert sorted(r.hankkimistapa_id for r in rows) == sorted(t.id for t in jaksot)
    assert len({r.vastaus.id for r in rows}) == 1


async def test_statement_thank_you_and_editor_pages_in_three_languages(client):
    expected = {
        "/kiitos": ("Kiitos vastauksestasi", "Tack för ditt svar", "Thank you for your answer"),
        "/tietosuojaseloste": ("Tietosuojaseloste", "Dataskyddsbeskrivning", "Privacy statement"),
        "/saavutettavuusseloste": ("Saavutettavuusseloste", "Tillgänglighetsutlåtande", "Accessibility statement"),
        "/editori": ("Lisäkysymysten muokkaus", "Redigering av tilläggsfrågor", "Extra questions editor"),
    }
    for path, texts in expected.items():
        for kieli, text in zip(("fi", "sv", "en"), texts, strict=True):
            response = await client.get(f"{path}?lang={kieli}")
            assert response.status_code == 200
            assert f'<html lang="{kieli}">' in response.text
            assert f"<h1>{text}</h1>" in response.text


async def test_graphql_and_health_still_answer_beside_the_survey_pages(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401  # bearer auth, not CSRF, guards the API


async def test_fifty_racing_submits_store_one_answer_and_refuse_the_rest_cleanly(client):
    import asyncio

    kt, _ = await provider()
    link = await make_link(kt)
    page = await client.get(f"/v/{link.tunnus}?lang=fi")
    data = {"csrftoken": csrf_token(page.text), **valid_form(ALOITTANEET)}

    responses = await asyncio.gather(
        *(client.post(f"/v/{link.tunnus}?lang=fi&versio=1", data=data, follow_redirects=False) for _ in range(50))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * 49
    assert all("Olet jo vastannut tähän kyselyyn" in r.text for r in responses if r.status_code == 409)
    assert await Vastaus.filter(kyselylinkki_id=link.id).count() == 1
    assert (await Kyselylinkki.get(id=link.id)).vastattu_at is not None
