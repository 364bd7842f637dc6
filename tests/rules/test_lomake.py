"""The form's pure helpers: what a draft keeps, the survey's name shown today, an instructor's half-month."""

from __future__ import annotations

from datetime import date

from models.rules.kysely import Kysymys, Teksti, Vaihtoehto
from models.rules.lomake import LUONNOS_MAX_TEKSTI, luonnoksen_arvot, nykyinen_nimi, puolikuukausi
from survey_ui.i18n import yhdista

T = Teksti(fi="K", sv="F", en="Q")
LIKERT = Kysymys("arvio", "likert", T, True)
VALINTA = Kysymys("tapa", "valinta", T, False, vaihtoehdot=(Vaihtoehto("a", T), Vaihtoehto("b", T)))
TEKSTI = Kysymys("terveiset", "teksti", T, False, max_pituus=5)


def test_draft_keeps_only_this_forms_questions_and_offered_values():
    form = {
        "arvio": ["4", "9"],
        "tapa": ["c"],
        "terveiset": ["Hei maailma"],
        "csrftoken": ["x"],
        "lisa:999": ["kylla"],
    }
    assert luonnoksen_arvot((LIKERT, VALINTA, TEKSTI), form) == {"arvio": ["4"], "terveiset": ["Hei m"]}


def test_draft_of_an_empty_form_is_empty_and_long_text_is_capped():
    assert luonnoksen_arvot((LIKERT, TEKSTI), {"terveiset": ["   "]}) == {}
    pitka = Kysymys("pitka", "teksti", T, False, max_pituus=LUONNOS_MAX_TEKSTI * 2)
    assert len(luonnoksen_arvot((pitka,), {"pitka": ["x" * 30_000]})["pitka"][0]) == LUONNOS_MAX_TEKSTI


def test_survey_name_today_drops_the_year_range_of_its_first_period():
    assert nykyinen_nimi("Opiskelijapalaute – aloittaneet 2021-2022") == "Opiskelijapalaute – aloittaneet"
    assert nykyinen_nimi("Työpaikkaohjaajakysely") == "Työpaikkaohjaajakysely"


def test_half_month_of_a_send_day_and_none_for_another_day():
    assert puolikuukausi(date(2026, 11, 16)) == (date(2026, 11, 1), date(2026, 11, 15))
    assert puolikuukausi(date(2026, 12, 1)) == (date(2026, 11, 16), date(2026, 11, 30))
    assert puolikuukausi(date(2026, 11, 20)) is None


def test_error_line_has_no_doubled_punctuation():
    assert yhdista("Aloititko koulutuksen?", "Vastaa.") == "Aloititko koulutuksen? Vastaa."
    assert yhdista("Terveiset:", "Vastaa.") == "Terveiset: Vastaa."
    assert yhdista("Terveiset", "Vastaa.") == "Terveiset: Vastaa."
