"""Reading Koski documents (DOMAIN.md §2): facts out of a good one, every reason with its path out of a bad one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.rules.koski import Henkilo, parse_opiskeluoikeus, puuttuvat_tiedot, read_documents, syntymaaika_hetusta
from models.rules.opiskeluoikeus import TilaJakso
from tests.factories import koski_doc, org_oid


def doc(**kw: Any) -> dict[str, Any]:
    return koski_doc(koulutustoimija=org_oid(), oppilaitos=org_oid(), **kw)


def errors_of(d: Any) -> dict[str, str]:
    parsed, errors = parse_opiskeluoikeus(d)
    assert parsed is None
    return {e.field: e.code for e in errors}


def test_a_good_document_becomes_facts() -> None:
    d = doc(
        versio=3,
        tilat=[("2021-08-01", "lasna"), ("2022-01-10", "loma"), ("2022-02-01", "lasna")],
        vahvistus="2023-05-31",
    )
    d["henkilö"]["kotikuntahistoria"] = [{"kotikunta": "091", "alku": "2004-05-06"}]
    parsed, errors = parse_opiskeluoikeus(d)
    assert errors == []
    assert parsed is not None
    assert parsed.oid == d["oid"] and parsed.versio == 3 and parsed.tyyppi == "ammatillinenkoulutus"
    assert parsed.tilat[1] == TilaJakso(date(2022, 1, 10), "loma")
    assert parsed.suoritukset[0].vahvistus == date(2023, 5, 31)
    assert parsed.suoritukset[0].tutkinto_koodi == "351301"
    assert parsed.oppilaitos.nimi == "Testiopisto"
    assert parsed.henkilo.kotikuntahistoria is not None and parsed.henkilo.kotikuntahistoria[0].kuntakoodi == "091"
    assert parsed.mitatoity is False


def test_kotikunta_history_absent_means_unknown_not_empty() -> None:
    parsed, _ = parse_opiskeluoikeus(doc())
    assert parsed is not None and parsed.henkilo.kotikuntahistoria is None


def test_not_an_object_is_refused() -> None:
    assert errors_of([1, 2]) == {"": "INVALID_TYPE"}


def test_missing_fields_are_named_with_their_paths() -> None:
    d = doc()
    del d["versionumero"]
    del d["henkilö"]["oid"]
    del d["koulutustoimija"]
    del d["tyyppi"]
    d["tila"] = {"opiskeluoikeusjaksot": [{"alku": "2021-08-01"}]}
    # A missing object is one error; its own fields are not reported again underneath it.
    assert errors_of(d) == {
        "versionumero": "REQUIRED",
        "henkilö.oid": "REQUIRED",
        "koulutustoimija": "REQUIRED",
        "tyyppi": "REQUIRED",
        "tila.opiskeluoikeusjaksot[0].tila": "REQUIRED",
    }


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (("oid",), "1.2.246.562.15.1234567890", "oid", "INVALID_OID"),
        (("henkilö", "oid"), "1.2.246.562.15.12345678903", "henkilö.oid", "INVALID_OID"),
        (("koulutustoimija", "oid"), "1.2.246.562.24.12345678907", "koulutustoimija.oid", "INVALID_OID"),
        (("versionumero",), 0, "versionumero", "INVALID_TYPE"),
        (("versionumero",), "2", "versionumero", "INVALID_TYPE"),
        (("henkilö", "syntymäaika"), "6.5.2004", "henkilö.syntymäaika", "INVALID_DATE"),
        (("alkamispäivä",), "2021-02-30", "alkamispäivä", "INVALID_DATE"),
        (("henkilö", "etunimet"), "  ", "henkilö.etunimet", "INVALID_TYPE"),
    ],
)
def test_bad_values_are_refused_with_field_and_code(path: tuple[str, ...], value: Any, field: str, code: str) -> None:
    d = doc()
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(d) == {field: code}


def test_every_code_of_the_open_sets_is_kept() -> None:
    long_code = "ammatillinentutkintoosittainenuseastatutkinnosta"
    d = doc(
        tilat=[("2021-08-01", "lasna"), ("2022-05-01", "hyvaksytystisuoritettu")], tyyppi="muukuinsaanneltykoulutus"
    )
    d["suoritukset"][0]["koulutusmoduuli"]["tunniste"]["koodiarvo"] = long_code
    parsed, errors = parse_opiskeluoikeus(d)
    assert errors == [] and parsed is not None
    assert parsed.tilat[1].tila == "hyvaksytystisuoritettu" and parsed.tyyppi == "muukuinsaanneltykoulutus"
    assert parsed.suoritukset[0].tutkinto_koodi == long_code


def test_no_tila_rows_and_no_oppilaitos_are_accepted() -> None:
    d = doc()
    d["tila"] = {"opiskeluoikeusjaksot": []}
    del d["oppilaitos"]
    parsed, errors = parse_opiskeluoikeus(d)
    assert errors == [] and parsed is not None
    assert parsed.tilat == () and parsed.oppilaitos == parsed.koulutustoimija


def test_a_person_by_oid_alone_is_read_with_what_is_known() -> None:
    d = doc()
    d["henkilö"] = {"oid": "1.2.246.562.24.00000000001"}
    parsed, errors = parse_opiskeluoikeus(d)
    assert errors == [] and parsed is not None
    assert parsed.henkilo == Henkilo(oid="1.2.246.562.24.00000000001")
    assert puuttuvat_tiedot(None, None, None) == ["etunimet", "sukunimi", "syntymaaika"]


def test_a_hetu_stands_in_for_a_missing_birth_date() -> None:
    assert syntymaaika_hetusta("250103-5360") == date(1903, 1, 25)
    assert syntymaaika_hetusta("010105A123N") == date(2005, 1, 1)
    assert syntymaaika_hetusta("310203-123X") is None  # 31 February
    assert syntymaaika_hetusta("abc") is None


def test_oppija_documents_in_both_shapes_and_lists_of_them() -> None:
    oo = doc()
    henkilo = oo.pop("henkilö")
    luettu = read_documents(
        [{"henkilö": henkilo, "opiskeluoikeudet": [oo]}, {"henkilö": {"oid": henkilo["oid"]}, "opiskeluoikeudet": []}]
    )
    assert [(x.path, x.errors) for x in luettu] == [("[0]", []), ("[1]", [])]
    first, second = (x.oppija for x in luettu)
    assert first is not None and first.kaikki and first.opiskeluoikeudet[0].henkilo.sukunimi == "Virtanen"
    assert second is not None and second.opiskeluoikeudet == () and second.henkilo.etunimet is None
    single = read_documents(doc())[0].oppija
    assert single is not None and not single.kaikki and len(single.opiskeluoikeudet) == 1


def test_errors_inside_a_list_name_the_document_and_the_study_right() -> None:
    bad = doc()
    henkilo = bad.pop("henkilö")
    del bad["tyyppi"]
    luettu = read_documents([{"henkilö": henkilo, "opiskeluoikeudet": [doc(), bad]}, 7])
    assert [e.field for e in luettu[0].errors] == ["[0].opiskeluoikeudet[1].tyyppi"]
    assert [e.field for e in luettu[1].errors] == ["[1]"]


def test_kuntakoodi_is_three_digits() -> None:
    d = doc()
    d["henkilö"]["kotikuntahistoria"] = [{"kotikunta": "91", "alku": "2004-05-06"}]
    assert errors_of(d) == {"henkilö.kotikuntahistoria[0].kotikunta": "INVALID_KUNTA"}


def test_voided_by_flag_or_by_a_mitatoity_tila() -> None:
    by_flag, _ = parse_opiskeluoikeus(doc(**{"mitätöity": True}))
    by_tila, _ = parse_opiskeluoikeus(doc(tilat=[("2021-08-01", "lasna"), ("2021-08-02", "mitatoity")]))
    assert by_flag is not None and by_flag.mitatoity
    assert by_tila is not None and by_tila.mitatoity
    assert by_tila.tilat == (TilaJakso(date(2021, 8, 1), "lasna"),)


def test_strings_are_trimmed() -> None:
    d = doc()
    d["henkilö"]["sukunimi"] = "  Virtanen "
    parsed, _ = parse_opiskeluoikeus(d)
    assert parsed is not None and parsed.henkilo.sukunimi == "Virtanen"
