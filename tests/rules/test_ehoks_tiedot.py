"""The tables of eHOKS's typed parts (models/rules/ehoks_tiedot.py): what is written reads back, a typed field is
laid over the raw JSON, the stored form is checked with typed paths, and every message is in the `api` catalog."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from models.rules import ehoks_tiedot as tiedot
from models.rules.ehoks import from_ehoks
from tests.ehoks_documents import CORPUS_MISSING, corpus, load, own

LOCALES = Path(__file__).resolve().parents[2] / "locales"

NAYTTO = {
    "alku": date(2027, 1, 10),
    "loppu": date(2027, 1, 14),
    "jarjestajan_oppilaitos_oid": "1.2.246.562.10.54453921329",
    "nayttoympariston_nimi": "Rakennus Oy",
    "nayttoympariston_ytunnus": "1234567-1",
    "nayttoympariston_kuvaus": None,
    "sisallon_kuvaus": ["Runkotyöt"],
    "yksilolliset_kriteerit": [],
    "vaatimuksista_poikkeaminen": None,
    "koulutuksen_jarjestajan_arvioijat": [],
    "tyoelaman_arvioijat": [
        {"nimi": "Mestari", "oppilaitos_oid": None, "organisaation_nimi": "Rakennus Oy", "ytunnus": "1234567-1"}
    ],
    "osa_alue_koodit": [{"koodi": "ammatillisenoppiaineet_vvai", "versio": 1}],
}


def test_what_is_written_reads_back_and_lands_under_ehoks_keys() -> None:
    written = tiedot.write(tiedot.NAYTTO, NAYTTO)
    assert written["nayttoymparisto"] == {"nimi": "Rakennus Oy", "y-tunnus": "1234567-1"}
    assert written["tyoelama-osaamisen-arvioijat"] == [
        {"nimi": "Mestari", "organisaatio": {"nimi": "Rakennus Oy", "y-tunnus": "1234567-1"}}
    ]
    assert "vaatimuksista-tai-tavoitteista-poikkeaminen" not in written  # absent stays absent
    assert written["yksilolliset-kriteerit"] == []  # an empty list is kept, as eHOKS sends it
    assert tiedot.read(tiedot.NAYTTO, written) == NAYTTO


def test_moments_and_numbers_are_written_as_ehoks_writes_them() -> None:
    noon = datetime(2026, 8, 20, 12, 0, 0, 250_000, tzinfo=UTC)
    written = tiedot.write(tiedot.HOKS, {"hyvaksytty": noon})
    assert written == {"hyvaksytty": "2026-08-20T12:00:00.250Z"}
    assert tiedot.write(tiedot.TUTKINNON_OSA, {"opetus_ja_ohjausmaara": 48.0, "laajuus": 2.5}) == {
        "opetus-ja-ohjaus-maara": 48,
        "laajuus": 2.5,
    }


def test_a_typed_field_replaces_its_part_through_nested_objects_and_leaves_the_rest() -> None:
    raw = {"tyopaikalla-jarjestettava-koulutus": {"muu": 1, "keskeiset-tyotehtavat": ["Vanha"]}, "versio": 2}
    typed = tiedot.write(tiedot.HANKKIMISTAPA, {"keskeiset_tyotehtavat": ["Uusi"]})
    assert tiedot.merge(dict(raw), typed) == {
        "tyopaikalla-jarjestettava-koulutus": {"muu": 1, "keskeiset-tyotehtavat": ["Uusi"]},
        "versio": 2,
    }


def test_the_stored_form_is_checked_with_typed_paths() -> None:
    stored = {
        "hyvaksytty": "eilen",
        "aiemmin-hankitut-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106727",
                "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0001",
                "tarkentavat-tiedot-osaamisen-arvioija": {"lahetetty-arvioitavaksi": "25.8.2026"},
                "tarkentavat-tiedot-naytto": [{"alku": "2027-01-14", "loppu": "2027-01-10", "sisallon-kuvaus": [1]}],
            }
        ],
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": {"nimi": "ei lista"},
    }
    errors = {(e.field, e.code) for e in tiedot.validate(tiedot.HOKS, stored, "")}
    naytto = "aiemmin_hankitut.ammatilliset[0].tarkentavat_tiedot.naytot[0]"
    assert errors == {
        ("hyvaksytty", "INVALID_DATETIME"),
        ("aiemmin_hankitut.ammatilliset[0].tarkentavat_tiedot.lahetetty_arvioitavaksi", "INVALID_DATE"),
        (f"{naytto}.loppu", "BEFORE_START"),
        (f"{naytto}.sisallon_kuvaus", "INVALID_TYPE"),
        ("aiemmin_hankitut.paikalliset", "INVALID_TYPE"),
    }


def test_a_stored_value_of_an_unexpected_shape_reads_as_absent() -> None:
    odd = {"urasuunnitelma-koodi-uri": 7, "oppimisen-tuki": "ei lista", "hyvaksytty": "eilen"}
    assert tiedot.read_one(tiedot.HOKS, "urasuunnitelma", odd) is None
    assert tiedot.read_one(tiedot.HOKS, "oppimisen_tuki", odd) == []
    assert tiedot.read_one(tiedot.HOKS, "hyvaksytty", odd) is None


@pytest.mark.parametrize("path", own(), ids=lambda p: p.name)
def test_the_projects_own_document_passes_the_checks(path: Path) -> None:
    assert tiedot.validate_tiedot(from_ehoks(load(path))) == []


@pytest.mark.skipif(not corpus(), reason=CORPUS_MISSING)
@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_the_documents_ehoks_holds_pass_the_checks(path: Path) -> None:
    """eHOKS accepted them; Polku must too (an empty näyttöympäristö name, as one of them has, included)."""
    assert tiedot.validate_tiedot(from_ehoks(load(path))) == []


@pytest.mark.parametrize("kieli", ["fi", "sv", "en"])
def test_every_message_is_in_the_api_catalog(kieli: str) -> None:
    with (LOCALES / kieli / "LC_MESSAGES" / "api.po").open("rb") as f:
        catalog = read_po(f)
    missing = [m for m in tiedot.MESSAGES.values() if catalog.get(m) is None or not catalog.get(m).string]
    assert missing == []
