"""eHOKS's HOKS document ↔ Polku's plan (models/rules/ehoks.py): every part survives the round trip, and every
työpaikkajakso, wherever eHOKS places it, becomes a hankkimistapa that the feedback rules see."""

from __future__ import annotations

from datetime import date

import pytest

from models.rules.ehoks import EhoksFormatError, from_ehoks, to_ehoks
from models.rules.hoks import validate_plan
from tests.ehoks_documents import CORPUS_MISSING, comparable, corpus, load, own

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("path", own(), ids=lambda p: p.name)
def test_own_fixture_round_trips_exactly(path) -> None:  # type: ignore[no-untyped-def]
    doc = load(path)
    assert to_ehoks(from_ehoks(doc)) == doc


@pytest.mark.skipif(not corpus(), reason=CORPUS_MISSING)
@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_every_real_document_round_trips(path) -> None:  # type: ignore[no-untyped-def]
    doc = load(path)
    plan = from_ehoks(doc)
    assert comparable(to_ehoks(plan)) == comparable(doc)
    assert validate_plan(plan, TODAY, tyopaikka_required=False) == []


def test_jaksot_under_every_kind_of_osa_are_hankkimistavat() -> None:
    plan = from_ehoks(load(own()[0]))
    tavat = {
        t.yksiloiva_tunniste: (o.tyyppi, o.osa_alue_koodi, t) for o in plan.tutkinnon_osat for t in o.hankkimistavat
    }
    assert set(tavat) == {"ammat-1", "ammat-2", "paikallinen-1", "yhteinen-1"}
    tyyppi, osa_alue, yhteinen = tavat["yhteinen-1"]
    assert (tyyppi, osa_alue) == ("yhteinen", "ammatillisenoppiaineet_vvai")
    assert yhteinen.is_tyopaikkajakso
    assert (yhteinen.ytunnus, yhteinen.ohjaaja_nimi, yhteinen.ohjaaja_puhelinnumero) == (
        "1234567-1",
        "Kauppias, Kaisa",
        "0401234567",
    )
    ammat = tavat["ammat-2"][2]
    assert (ammat.tyyppi, ammat.osa_aikaisuus, ammat.keskeytymisajanjaksot[0].alku) == (
        "koulutussopimus",
        80,
        date(2026, 12, 21),
    )
    tehtavat = {"keskeiset-tyotehtavat": ["Muottityöt", "Raudoitus"]}
    assert ammat.lisatiedot["tyopaikalla-jarjestettava-koulutus"] == tehtavat
    paikallinen = next(o for o in plan.tutkinnon_osat if o.tyyppi == "paikallinen")
    assert (paikallinen.tutkinnon_osa_koodi, paikallinen.nimi) == ("", "Työmaan turvallisuus")
    assert validate_plan(plan, TODAY) == []


def test_a_tyopaikkajakso_without_its_tyopaikka_is_kept_from_ehoks_but_not_accepted_by_hand() -> None:
    doc = load(own()[0])
    del doc["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][1]["tyopaikalla-jarjestettava-koulutus"]
    plan = from_ehoks(doc)
    assert validate_plan(plan, TODAY, tyopaikka_required=False) == []
    missing = {e.field.rsplit(".", 1)[1] for e in validate_plan(plan, TODAY)}
    assert missing == {"tyopaikan_nimi", "ytunnus", "ohjaaja_nimi"}


def test_shape_errors_name_every_field_with_ehoks_paths() -> None:
    doc = load(own()[0])
    del doc["oppija-oid"]
    doc["hankittavat-yhteiset-tutkinnon-osat"][0]["osa-alueet"][0]["osaamisen-hankkimistavat"][0]["alku"] = "14.9.2026"
    doc["hankittavat-paikalliset-tutkinnon-osat"] = {"nimi": "ei lista"}
    with pytest.raises(EhoksFormatError) as e:
        from_ehoks(doc)
    assert {(err.field, err.code) for err in e.value.errors} == {
        ("oppija-oid", "REQUIRED"),
        ("hankittavat-yhteiset-tutkinnon-osat[0].osa-alueet[0].osaamisen-hankkimistavat[0].alku", "INVALID_DATE"),
        ("hankittavat-paikalliset-tutkinnon-osat", "NOT_A_LIST"),
    }
    with pytest.raises(EhoksFormatError):
        from_ehoks([doc])  # type: ignore[arg-type]
