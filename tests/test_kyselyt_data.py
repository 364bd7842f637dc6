"""The bundled national survey definitions (DOMAIN.md §5) are complete, trilingual and versioned."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest

from models.rules.kysely import KIELET, KYSELYTYYPIT, TEKSTI, TYYPIT, Kysely, Teksti, parse_kysely
from models.rules.vastauslomake import validate_answers
from survey_ui.kyselyt import latest, load_all

FILES = sorted(e.name for e in resources.files("survey_ui.kyselyt").iterdir() if e.name.endswith(".json"))
KYSELYT = sorted(load_all().values(), key=lambda k: (k.kyselytyyppi, k.versio))

# The survey set names from 1.7.2021, as the Opetushallitus bulletin lists them.
NIMET_FI = {
    "aloittaneet": "Opiskelijapalaute – ammatillisen tutkintokoulutuksen aloittaneet 2021-2022",
    "tutkinnon_osia_suorittaneet": ("Opiskelijapalaute – ammatillisen tutkinnon osan tai osia suorittaneet 2021-2022"),
    "tutkinnon_suorittaneet": "Opiskelijapalaute – ammatillisen tutkinnon suorittaneet 2021-2022",
    "tyopaikkaohjaajakysely": "Työpaikkaohjaajakysely",
}


def texts(kysely: Kysely) -> list[tuple[str, Teksti]]:
    found = [("nimi", kysely.nimi)]
    for kysymys in kysely.kysymykset:
        found.append((kysymys.tunnus, kysymys.teksti))
        found.extend((f"{kysymys.tunnus}.{v.koodi}", v.teksti) for v in kysymys.vaihtoehdot)
    return found


@pytest.mark.parametrize("name", FILES)
def test_every_bundled_file_parses_and_is_named_after_its_content(name: str) -> None:
    data = json.loads(resources.files("survey_ui.kyselyt").joinpath(name).read_text(encoding="utf-8"))
    kysely = parse_kysely(data)
    assert name == f"{kysely.kyselytyyppi}.v{kysely.versio}.json"


def test_each_of_the_four_national_surveys_is_present() -> None:
    assert {k.kyselytyyppi for k in KYSELYT} == set(KYSELYTYYPIT)
    assert len(KYSELYTYYPIT) == 4
    for kyselytyyppi, nimi in NIMET_FI.items():
        assert latest(kyselytyyppi).nimi.fi == nimi


def test_versions_are_unique() -> None:
    assert len(load_all()) == len(FILES)
    assert Counter((k.kyselytyyppi, k.versio) for k in KYSELYT).most_common(1)[0][1] == 1
    assert Counter((k.tunnus, k.versio) for k in KYSELYT).most_common(1)[0][1] == 1


def test_latest_is_the_newest_version() -> None:
    for kyselytyyppi in KYSELYTYYPIT:
        newest = max(v for (t, v) in load_all() if t == kyselytyyppi)
        assert latest(kyselytyyppi) is load_all()[(kyselytyyppi, newest)]
    with pytest.raises(KeyError):
        latest("tyopaikkakysely")


def test_load_all_returns_a_copy_of_the_cache() -> None:
    load_all().clear()
    assert len(load_all()) == len(FILES)


@pytest.mark.parametrize("kysely", KYSELYT, ids=lambda k: f"{k.kyselytyyppi}.v{k.versio}")
def test_every_text_exists_in_all_three_languages(kysely: Kysely) -> None:
    for where, teksti in texts(kysely):
        for kieli in KIELET:
            value = teksti.kielella(kieli)
            assert value.strip() == value and value, f"{where}.{kieli}"


@pytest.mark.parametrize("kysely", KYSELYT, ids=lambda k: f"{k.kyselytyyppi}.v{k.versio}")
def test_question_texts_are_translated_not_copied(kysely: Kysely) -> None:
    for kysymys in kysely.kysymykset:
        teksti = kysymys.teksti
        assert len({teksti.fi, teksti.sv, teksti.en}) == 3, kysymys.tunnus
    if kysely.kyselytyyppi != "tyopaikkaohjaajakysely":
        assert len({kysely.nimi.fi, kysely.nimi.sv, kysely.nimi.en}) == 3


@pytest.mark.parametrize("kysely", KYSELYT, ids=lambda k: f"{k.kyselytyyppi}.v{k.versio}")
def test_each_survey_is_a_plausible_national_form(kysely: Kysely) -> None:
    kysymykset = kysely.kysymykset
    assert 8 <= len(kysymykset) <= 12
    assert {k.tyyppi for k in kysymykset} == set(TYYPIT)
    assert any(k.pakollinen for k in kysymykset)
    assert any(not k.pakollinen for k in kysymykset)
    assert any(k.nayta_kun is not None for k in kysymykset)
    assert any(k.tyyppi == TEKSTI and k.max_pituus for k in kysymykset)


@pytest.mark.parametrize("kysely", KYSELYT, ids=lambda k: f"{k.kyselytyyppi}.v{k.versio}")
def test_an_empty_form_is_refused_only_for_the_required_questions(kysely: Kysely) -> None:
    result = validate_answers(kysely, [], {})
    required = {k.tunnus for k in kysely.kysymykset if k.pakollinen and k.nayta_kun is None}
    assert set(result.errors) == required
