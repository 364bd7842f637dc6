"""Survey definitions and answer validation (DOMAIN.md §5): what a respondent's form must satisfy."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.kysely import (
    EN_OSAA_SANOA,
    KYLLA_EI,
    KYSELYTYYPIT,
    LIKERT,
    MONIVALINTA,
    TEKSTI,
    TYYPIT,
    VALINTA,
    Arvo,
    Kysely,
    Kysymys,
    Teksti,
    Vaihtoehto,
    check_lisakysymykset,
    lisa_tunnus,
    parse_kysely,
    parse_kysymys,
)
from models.rules.vastauslomake import (
    ERROR_CODES,
    FORM_KEY,
    LIIAN_PITKA,
    PAKOLLINEN,
    TUNTEMATON_KYSYMYS,
    VIRHEELLINEN_ARVO,
    is_shown,
    to_form,
    validate_answers,
)
from survey_ui.kyselyt import latest, load_all


def t(fi: str) -> dict[str, str]:
    return {"fi": fi, "sv": f"{fi} (sv)", "en": f"{fi} (en)"}


def options(*koodit: str) -> list[dict[str, Any]]:
    return [{"koodi": k, "teksti": t(k)} for k in koodit]


# A small survey with one question of each type, a follow-up chain and required/optional questions.
BASE: dict[str, Any] = {
    "tunnus": "testikysely",
    "versio": 1,
    "kyselytyyppi": "aloittaneet",
    "nimi": t("Testikysely"),
    "kysymykset": [
        {"tunnus": "tyytyvaisyys", "tyyppi": "likert", "teksti": t("Tyytyväisyys"), "pakollinen": True},
        {
            "tunnus": "arvio",
            "tyyppi": "likert",
            "teksti": t("Arvio"),
            "pakollinen": False,
            "en_osaa_sanoa": True,
        },
        {
            "tunnus": "syy",
            "tyyppi": "valinta",
            "teksti": t("Syy"),
            "pakollinen": True,
            "vaihtoehdot": options("ala", "tyo", "muu"),
        },
        {
            "tunnus": "tuki",
            "tyyppi": "monivalinta",
            "teksti": t("Tuki"),
            "pakollinen": False,
            "vaihtoehdot": options("ohjaus", "erityisopetus", "kielituki"),
        },
        {"tunnus": "tyopaikalla", "tyyppi": "kylla_ei", "teksti": t("Työpaikalla"), "pakollinen": True},
        {
            "tunnus": "ohjaus",
            "tyyppi": "likert",
            "teksti": t("Ohjaus"),
            "pakollinen": True,
            "nayta_kun": {"kysymys": "tyopaikalla", "arvot": ["kylla"]},
        },
        {
            "tunnus": "ohjaus_heikko",
            "tyyppi": "teksti",
            "teksti": t("Mikä ohjauksessa oli heikkoa?"),
            "pakollinen": True,
            "max_pituus": 50,
            "nayta_kun": {"kysymys": "ohjaus", "arvot": ["1", "2"]},
        },
        {
            "tunnus": "vapaa",
            "tyyppi": "teksti",
            "teksti": t("Vapaa palaute"),
            "pakollinen": False,
            "max_pituus": 10,
        },
    ],
}
KYSELY = parse_kysely(BASE)

VALID_FORM: dict[str, list[str]] = {
    "tyytyvaisyys": ["4"],
    "arvio": ["0"],
    "syy": ["tyo"],
    "tuki": ["kielituki", "ohjaus"],
    "tyopaikalla": ["kylla"],
    "ohjaus": ["2"],
    "ohjaus_heikko": ["  Liian vähän aikaa  "],
    "vapaa": ["Kiitos!"],
}


def form(**changes: list[str] | None) -> dict[str, list[str]]:
    """VALID_FORM with some keys replaced (None removes the key)."""
    result = dict(VALID_FORM)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


# ---------------------------------------------------------------------------------------------------------
# Parsing definitions


def test_parse_builds_typed_definition_and_trims_texts() -> None:
    data = copy.deepcopy(BASE)
    data["nimi"]["sv"] = "  Testenkät  "
    kysely = parse_kysely(data)
    assert kysely.nimi == Teksti(fi="Testikysely", sv="Testenkät", en="Testikysely (en)")
    syy = kysely.kysymys("syy")
    assert syy is not None
    assert syy.vaihtoehdot[0] == Vaihtoehto("ala", Teksti("ala", "ala (sv)", "ala (en)"))
    ohjaus = kysely.kysymys("ohjaus")
    assert ohjaus is not None and ohjaus.nayta_kun == ("tyopaikalla", ("kylla",))
    assert kysely.kysymys("arvio") == Kysymys(
        tunnus="arvio",
        tyyppi=LIKERT,
        teksti=Teksti("Arvio", "Arvio (sv)", "Arvio (en)"),
        pakollinen=False,
        en_osaa_sanoa=True,
    )
    assert kysely.kysymys("ei_ole") is None


def _set(path: list[str | int], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["kysymykset", 3, "teksti", "sv"], _DELETE), "kysymykset[3].teksti.sv: required"),
        (_set(["kysymykset", 3, "teksti", "sv"], "   "), "kysymykset[3].teksti.sv: required"),
        (_set(["nimi", "en"], ""), "nimi.en: required"),
        (_set(["nimi"], "Testikysely"), "nimi: must be an object"),
        (
            _set(["kysymykset", 2, "vaihtoehdot", 1, "teksti", "fi"], _DELETE),
            "kysymykset[2].vaihtoehdot[1].teksti.fi: required",
        ),
        (
            _set(["kysymykset", 2, "vaihtoehdot", 2, "koodi"], "ala"),
            "kysymykset[2].vaihtoehdot[2].koodi: duplicate koodi 'ala'",
        ),
        (
            _set(["kysymykset", 2, "vaihtoehdot", 0, "koodi"], "Ala!"),
            "kysymykset[2].vaihtoehdot[0].koodi: must match",
        ),
        (
            _set(["kysymykset", 2, "vaihtoehdot"], []),
            "kysymykset[2].vaihtoehdot: valinta needs at least two options",
        ),
        (
            _set(["kysymykset", 3, "vaihtoehdot"], _DELETE),
            "kysymykset[3].vaihtoehdot: monivalinta needs at least two options",
        ),
        (
            _set(["kysymykset", 0, "vaihtoehdot"], options("a", "b")),
            "kysymykset[0].vaihtoehdot: only valinta and monivalinta",
        ),
        (
            _set(["kysymykset", 1, "tunnus"], "tyytyvaisyys"),
            "kysymykset[1].tunnus: duplicate tunnus 'tyytyvaisyys'",
        ),
        (_set(["kysymykset", 1, "tunnus"], "Arvio 2"), "kysymykset[1].tunnus: must match"),
        (
            _set(["kysymykset", 1, "tunnus"], "lisa:1"),
            "kysymykset[1].tunnus: lisa: is reserved for extra questions",
        ),
        (_set(["kysymykset", 0, "tyyppi"], "asteikko"), "kysymykset[0].tyyppi: must be one of"),
        (_set(["kysymykset", 0, "pakollinen"], _DELETE), "kysymykset[0].pakollinen: required"),
        (_set(["kysymykset", 0, "pakollinen"], "kyllä"), "kysymykset[0].pakollinen: must be true or false"),
        (_set(["kysymykset", 0, "pakolinen"], True), "kysymykset[0].pakolinen: unknown field"),
        (_set(["kysymykset", 7, "max_pituus"], _DELETE), "kysymykset[7].max_pituus: required for teksti"),
        (_set(["kysymykset", 7, "max_pituus"], 0), "kysymykset[7].max_pituus: required for teksti"),
        (_set(["kysymykset", 0, "max_pituus"], 100), "kysymykset[0].max_pituus: only a teksti question"),
        (
            _set(["kysymykset", 4, "en_osaa_sanoa"], True),
            "kysymykset[4].en_osaa_sanoa: only a likert question",
        ),
        (
            _set(["kysymykset", 5, "nayta_kun", "kysymys"], "ei_ole"),
            "kysymykset[5].nayta_kun.kysymys: 'ei_ole' is not an earlier question",
        ),
        (
            _set(["kysymykset", 5, "nayta_kun", "kysymys"], "vapaa"),
            "kysymykset[5].nayta_kun.kysymys: 'vapaa' is not an earlier question",
        ),
        (
            _set(["kysymykset", 5, "nayta_kun", "kysymys"], "ohjaus"),
            "kysymykset[5].nayta_kun.kysymys: a question can't be its own trigger",
        ),
        (
            _set(["kysymykset", 5, "nayta_kun", "arvot"], ["joo"]),
            "kysymykset[5].nayta_kun.arvot[0]: 'joo' is not an answer of 'tyopaikalla'",
        ),
        (
            _set(["kysymykset", 5, "nayta_kun", "arvot"], []),
            "kysymykset[5].nayta_kun.arvot: a non-empty list",
        ),
        (
            _set(["kysymykset", 6, "nayta_kun", "arvot"], ["0"]),
            "kysymykset[6].nayta_kun.arvot[0]: '0' is not an answer of 'ohjaus'",
        ),
        (
            _set(["kysymykset", 7, "nayta_kun"], {"kysymys": "ohjaus_heikko", "arvot": ["x"]}),
            "kysymykset[7].nayta_kun.kysymys: a free-text question can't be a trigger",
        ),
        (_set(["kysymykset"], []), "kysymykset: at least one question required"),
        (_set(["kysymykset"], {}), "kysymykset: must be a list"),
        (_set(["kysymykset", 0], "likert"), "kysymykset[0]: must be an object"),
        (_set(["kyselytyyppi"], "tyopaikkakysely"), "kyselytyyppi: must be one of"),
        (_set(["versio"], 0), "versio: must be a positive integer"),
        (_set(["versio"], True), "versio: must be a positive integer"),
        (_set(["tunnus"], _DELETE), "tunnus: required"),
    ],
)
def test_parse_error_names_the_path(change: Callable[[dict[str, Any]], None], message: str) -> None:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_kysely(data)


def test_every_kyselytyyppi_is_accepted() -> None:
    for kyselytyyppi in KYSELYTYYPIT:
        assert parse_kysely({**BASE, "kyselytyyppi": kyselytyyppi}).kyselytyyppi == kyselytyyppi


# ---------------------------------------------------------------------------------------------------------
# Validating answers


def test_valid_form_gives_typed_answers() -> None:
    result = validate_answers(KYSELY, [], VALID_FORM)
    assert result.ok
    assert result.errors == {}
    assert result.answers == {
        "tyytyvaisyys": 4,
        "arvio": EN_OSAA_SANOA,
        "syy": "tyo",
        "tuki": ["ohjaus", "kielituki"],  # option order, whatever the post order
        "tyopaikalla": True,
        "ohjaus": 2,
        "ohjaus_heikko": "Liian vähän aikaa",
        "vapaa": "Kiitos!",
    }
    assert type(result.answers["tyytyvaisyys"]) is int
    assert result.answers["tyopaikalla"] is True


def test_every_error_code_has_an_explanation() -> None:
    assert set(ERROR_CODES) == {PAKOLLINEN, VIRHEELLINEN_ARVO, LIIAN_PITKA, TUNTEMATON_KYSYMYS}
    assert all(ERROR_CODES.values())


@pytest.mark.parametrize("missing", [None, [], [""], ["   "], ["\t\n"]])
def test_required_question_left_empty_is_pakollinen(missing: list[str] | None) -> None:
    result = validate_answers(KYSELY, [], form(tyytyvaisyys=missing, syy=missing, tyopaikalla=missing))
    assert result.errors == {"tyytyvaisyys": PAKOLLINEN, "syy": PAKOLLINEN, "tyopaikalla": PAKOLLINEN}
    assert "tyytyvaisyys" not in result.answers


def test_optional_questions_may_be_left_empty() -> None:
    result = validate_answers(KYSELY, [], form(arvio=None, tuki=[], vapaa=["  "]))
    assert result.errors == {}
    assert not {"arvio", "tuki", "vapaa"} & set(result.answers)


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("tyytyvaisyys", ["6"]),
        ("tyytyvaisyys", ["0"]),  # "en osaa sanoa" is not offered on this question
        ("tyytyvaisyys", ["-1"]),
        ("tyytyvaisyys", ["3.5"]),
        ("tyytyvaisyys", ["kolme"]),
        ("tyytyvaisyys", ["３"]),  # a full-width digit is not "3"
        ("tyytyvaisyys", ["3", "4"]),  # one answer only
        ("arvio", ["6"]),
        ("syy", ["opiskelu"]),
        ("syy", ["ala", "tyo"]),
        ("tuki", ["ohjaus", "rahoitus"]),
        ("tyopaikalla", ["joo"]),
        ("tyopaikalla", ["True"]),
        ("tyopaikalla", ["kylla", "ei"]),
        ("vapaa", ["a\x00b"]),
        ("vapaa", ["eka", "toka"]),
    ],
)
def test_value_the_question_does_not_accept_is_virheellinen_arvo(key: str, values: list[str]) -> None:
    result = validate_answers(KYSELY, [], form(**{key: values}))
    assert result.errors == {key: VIRHEELLINEN_ARVO}
    assert key not in result.answers


def test_likert_values_are_trimmed_and_typed() -> None:
    result = validate_answers(KYSELY, [], form(tyytyvaisyys=[" 5 "], arvio=["1"]))
    assert result.answers["tyytyvaisyys"] == 5
    assert result.answers["arvio"] == 1


def test_monivalinta_ignores_duplicates_and_empty_boxes() -> None:
    result = validate_answers(KYSELY, [], form(tuki=["kielituki", "", " ohjaus", "kielituki"]))
    assert result.answers["tuki"] == ["ohjaus", "kielituki"]


def test_kylla_ei_is_a_bool() -> None:
    result = validate_answers(KYSELY, [], form(tyopaikalla=["ei"]))
    assert result.answers["tyopaikalla"] is False


def test_text_longer_than_max_pituus_is_liian_pitka() -> None:
    assert validate_answers(KYSELY, [], form(vapaa=["x" * 11])).errors == {"vapaa": LIIAN_PITKA}


def test_text_length_counts_after_trimming_and_counts_a_line_break_once() -> None:
    result = validate_answers(KYSELY, [], form(vapaa=["  " + "x" * 10 + "\n "]))
    assert result.answers["vapaa"] == "x" * 10
    # A browser posts a textarea's line break as CRLF but its maxlength counts one character.
    result = validate_answers(KYSELY, [], form(vapaa=["rivi\r\nkaksi"]))
    assert result.errors == {}
    assert result.answers["vapaa"] == "rivi\nkaksi"
    assert len(result.answers["vapaa"]) == 10


# --- follow-up questions


def test_follow_up_shown_on_trigger_answer_is_required() -> None:
    result = validate_answers(KYSELY, [], form(ohjaus=None, ohjaus_heikko=None))
    assert result.errors == {"ohjaus": PAKOLLINEN}


def test_hidden_follow_up_is_not_required_and_its_value_is_dropped() -> None:
    # The respondent first answered "kylla" and the follow-ups, then changed to "ei".
    result = validate_answers(KYSELY, [], form(tyopaikalla=["ei"], ohjaus=["9"]))
    assert result.errors == {}
    assert "ohjaus" not in result.answers
    assert "ohjaus_heikko" not in result.answers  # the chain: its trigger is hidden too


def test_follow_up_of_a_follow_up_depends_on_its_trigger_value() -> None:
    shown = validate_answers(KYSELY, [], form(ohjaus=["1"], ohjaus_heikko=None))
    assert shown.errors == {"ohjaus_heikko": PAKOLLINEN}
    hidden = validate_answers(KYSELY, [], form(ohjaus=["4"]))
    assert hidden.errors == {}
    assert "ohjaus_heikko" not in hidden.answers


def test_invalid_trigger_answer_hides_the_follow_up() -> None:
    result = validate_answers(KYSELY, [], form(tyopaikalla=["ehkä"]))
    assert result.errors == {"tyopaikalla": VIRHEELLINEN_ARVO}
    assert "ohjaus" not in result.answers


def test_is_shown_matches_any_selected_option_of_a_monivalinta_trigger() -> None:
    follow_up = Kysymys("jatko", KYLLA_EI, Teksti("a", "b", "c"), True, nayta_kun=("tuki", ("kielituki",)))
    assert is_shown(follow_up, {"tuki": ["ohjaus", "kielituki"]})
    assert not is_shown(follow_up, {"tuki": ["ohjaus"]})
    assert not is_shown(follow_up, {})


# --- foreign keys and extra questions


def test_key_of_no_question_is_a_form_level_error() -> None:
    result = validate_answers(KYSELY, [], form(hakkeri=["1"]))
    assert result.errors == {FORM_KEY: TUNTEMATON_KYSYMYS}
    assert result.unknown_keys == ("hakkeri",)
    assert not result.ok


def test_question_of_another_survey_is_rejected() -> None:
    aloittaneet = latest("aloittaneet")
    ohjaajakysely = latest("tyopaikkaohjaajakysely")
    foreign = next(k for k in ohjaajakysely.kysymykset if aloittaneet.kysymys(k.tunnus) is None)
    result = validate_answers(aloittaneet, [], {foreign.tunnus: to_form(3 if foreign.tyyppi == LIKERT else "x")})
    assert result.errors[FORM_KEY] == TUNTEMATON_KYSYMYS
    assert foreign.tunnus in result.unknown_keys


def lisa(lisa_id: str, tyyppi: str = TEKSTI, pakollinen: bool = False, **kw: Any) -> Kysymys:
    if tyyppi == TEKSTI:
        kw.setdefault("max_pituus", 500)
    return Kysymys(lisa_tunnus(lisa_id), tyyppi, Teksti("Oma", "Egen", "Own"), pakollinen, **kw)


def test_extra_questions_are_namespaced_and_cannot_collide_with_national_ones() -> None:
    extra = [lisa("vapaa", pakollinen=True), lisa("17", LIKERT)]
    assert extra[0].tunnus == "lisa:vapaa"
    result = validate_answers(KYSELY, extra, form(**{"lisa:vapaa": ["Oma vastaus"], "lisa:17": ["5"]}))
    assert result.errors == {}
    assert result.answers["vapaa"] == "Kiitos!"
    assert result.answers["lisa:vapaa"] == "Oma vastaus"
    assert result.answers["lisa:17"] == 5


def test_extra_questions_are_validated_like_national_ones() -> None:
    extra = [
        lisa("1", pakollinen=True),
        lisa(
            "2",
            VALINTA,
            vaihtoehdot=(Vaihtoehto("a", Teksti("a", "a", "a")), Vaihtoehto("b", Teksti("b", "b", "b"))),
        ),
    ]
    result = validate_answers(KYSELY, extra, form(**{"lisa:2": ["c"]}))
    assert result.errors == {"lisa:1": PAKOLLINEN, "lisa:2": VIRHEELLINEN_ARVO}


def test_another_providers_extra_question_is_rejected() -> None:
    result = validate_answers(KYSELY, [lisa("1")], form(**{"lisa:1": ["ok"], "lisa:2": ["toisen järjestäjän"]}))
    assert result.errors == {FORM_KEY: TUNTEMATON_KYSYMYS}
    assert result.unknown_keys == ("lisa:2",)
    assert result.answers["lisa:1"] == "ok"


def test_extra_question_may_follow_up_a_national_question() -> None:
    extra = [lisa("1", pakollinen=True, nayta_kun=("tyopaikalla", ("ei",)))]
    assert validate_answers(KYSELY, extra, form(tyopaikalla=["ei"])).errors == {"lisa:1": PAKOLLINEN}
    assert validate_answers(KYSELY, extra, form(**{"lisa:1": ["ohitetaan"]})).answers.get("lisa:1") is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            [Kysymys("oma", TEKSTI, Teksti("a", "b", "c"), False, max_pituus=5)],
            "lisakysymykset[0].tunnus: must start",
        ),
        ([lisa("1"), lisa("1")], "lisakysymykset[1].tunnus: duplicate tunnus 'lisa:1'"),
        (
            [lisa("1", nayta_kun=("lisa:2", ("kylla",))), lisa("2", KYLLA_EI)],
            "lisakysymykset[0].nayta_kun.kysymys",
        ),
    ],
)
def test_malformed_extra_questions_are_a_definition_error(extra: list[Kysymys], message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        check_lisakysymykset(KYSELY, extra)
    with pytest.raises(ValueError):
        validate_answers(KYSELY, extra, VALID_FORM)


def test_extra_question_parses_from_json() -> None:
    kysymys = parse_kysymys(
        {"tunnus": "lisa:42", "tyyppi": "teksti", "teksti": t("Oma"), "pakollinen": False, "max_pituus": 1000}
    )
    assert kysymys.is_lisakysymys
    with pytest.raises(ValueError, match=re.escape("teksti.sv: required")):
        parse_kysymys(
            {"tunnus": "lisa:42", "tyyppi": "kylla_ei", "teksti": {"fi": "a", "en": "b"}, "pakollinen": False}
        )


def test_control_fields_of_the_form_can_be_ignored() -> None:
    result = validate_answers(KYSELY, [], form(csrftoken=["abc"]), ignore={"csrftoken"})
    assert result.errors == {}
    assert "csrftoken" not in result.answers


# ---------------------------------------------------------------------------------------------------------
# Property: any valid answer set validates without errors and comes back with the same types

_nonblank = st.text(min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
_teksti = st.builds(Teksti, fi=_nonblank, sv=_nonblank, en=_nonblank)
_KOODIT = ["1", "2_5", "a", "kylla", "ei", "muu", "yli_5", "x0"]
_answer_text_chars = st.characters(codec="utf-8", exclude_characters="\x00\r")


@st.composite
def _questions(draw: st.DrawFn, names: list[str], earlier: tuple[Kysymys, ...] = ()) -> tuple[Kysymys, ...]:
    made: list[Kysymys] = []
    for name in names:
        tyyppi = draw(st.sampled_from(TYYPIT))
        vaihtoehdot: tuple[Vaihtoehto, ...] = ()
        if tyyppi in (VALINTA, MONIVALINTA):
            koodit = draw(st.lists(st.sampled_from(_KOODIT), min_size=2, max_size=5, unique=True))
            vaihtoehdot = tuple(Vaihtoehto(k, draw(_teksti)) for k in koodit)
        nayta_kun = None
        triggers = [k for k in (*earlier, *made) if k.tyyppi != TEKSTI]
        follow_up = draw(st.booleans())
        if triggers and follow_up:
            trigger = draw(st.sampled_from(triggers))
            allowed = sorted(trigger.sallitut_arvot() or ())
            nayta_kun = (
                trigger.tunnus,
                tuple(draw(st.lists(st.sampled_from(allowed), min_size=1, unique=True))),
            )
        made.append(
            Kysymys(
                tunnus=name,
                tyyppi=tyyppi,
                teksti=draw(_teksti),
                pakollinen=draw(st.booleans()),
                vaihtoehdot=vaihtoehdot,
                max_pituus=draw(st.integers(1, 40)) if tyyppi == TEKSTI else None,
                en_osaa_sanoa=tyyppi == LIKERT and draw(st.booleans()),
                nayta_kun=nayta_kun,
            )
        )
    return tuple(made)


@st.composite
def _generated_kysely(draw: st.DrawFn) -> Kysely:
    n = draw(st.integers(1, 8))
    kysymykset = draw(_questions([f"k{i}" for i in range(n)]))
    return Kysely("generoitu", 1, draw(st.sampled_from(KYSELYTYYPIT)), draw(_teksti), kysymykset)


def _answer(kysymys: Kysymys) -> st.SearchStrategy[Arvo]:
    """A valid typed answer, as validate_answers should return it."""
    koodit = [v.koodi for v in kysymys.vaihtoehdot]
    if kysymys.tyyppi == LIKERT:
        return st.integers(EN_OSAA_SANOA if kysymys.en_osaa_sanoa else 1, 5)
    if kysymys.tyyppi == VALINTA:
        return st.sampled_from(koodit)
    if kysymys.tyyppi == MONIVALINTA:
        return st.sets(st.sampled_from(koodit), min_size=1).map(lambda chosen: [k for k in koodit if k in chosen])
    if kysymys.tyyppi == KYLLA_EI:
        return st.booleans()
    assert kysymys.max_pituus is not None
    text = st.text(_answer_text_chars, min_size=1, max_size=kysymys.max_pituus)
    return text.map(str.strip).filter(bool)


_TYPES: dict[str, type] = {LIKERT: int, VALINTA: str, MONIVALINTA: list, KYLLA_EI: bool, TEKSTI: str}


@given(
    kysely=st.one_of(st.sampled_from(sorted(load_all().values(), key=lambda k: k.tunnus)), _generated_kysely()),
    data=st.data(),
)
def test_any_valid_answer_set_validates_and_round_trips(kysely: Kysely, data: st.DataObject) -> None:
    n_extra = data.draw(st.integers(0, 3))
    extra = data.draw(_questions([lisa_tunnus(i) for i in range(n_extra)], earlier=kysely.kysymykset))
    expected: dict[str, Arvo] = {}
    submitted: dict[str, list[str]] = {}
    for kysymys in (*kysely.kysymykset, *extra):
        shown = is_shown(kysymys, expected)
        if shown and (kysymys.pakollinen or data.draw(st.booleans())):
            answer = data.draw(_answer(kysymys))
            expected[kysymys.tunnus] = answer
        elif not shown and data.draw(st.booleans()):
            answer = data.draw(_answer(kysymys))  # left over from before the trigger changed: dropped
        else:
            continue
        values = to_form(answer)
        if data.draw(st.booleans()):
            values = [f" {v}\t" for v in values]  # browsers and people add whitespace
        submitted[kysymys.tunnus] = data.draw(st.permutations(values))

    result = validate_answers(kysely, extra, submitted)

    assert result.errors == {}
    assert result.answers == expected
    for kysymys in (*kysely.kysymykset, *extra):
        if kysymys.tunnus in result.answers:
            assert type(result.answers[kysymys.tunnus]) is _TYPES[kysymys.tyyppi]
