"""Who may make a kuntailmoitus from an oppilaitos (DOMAIN.md §6.3): its hakeutumisen valvoja for its own
pupils, its suorittamisen valvoja for the students on its suorittamisvalvonta list, nobody else."""

from __future__ import annotations

import pytest

from models.rules import kuntailmoitus as ki


@pytest.mark.parametrize(
    ("hakeutumisen", "suorittamisen", "oma", "listalla", "reason"),
    [
        (True, False, True, False, ki.SAA_ILMOITTAA),
        (False, True, True, True, ki.SAA_ILMOITTAA),
        (True, True, True, False, ki.SAA_ILMOITTAA),  # a pupil not on the list: as hakeutumisen valvoja
        (False, True, True, False, ki.EI_SUORITTAMISVALVONNASSA),
        (True, False, False, False, ki.EI_OMA_OPPILAS),
        (False, True, False, False, ki.EI_OMA_OPPILAS),
        (False, False, True, True, ki.EI_ILMOITTAJA),  # e.g. a maksuttomuuden valvoja
    ],
)
def test_who_may_notify(hakeutumisen: bool, suorittamisen: bool, oma: bool, listalla: bool, reason: str) -> None:
    verdict = ki.oppilaitos_saa_ilmoittaa(
        hakeutumisen_valvoja=hakeutumisen,
        suorittamisen_valvoja=suorittamisen,
        oma_oppilas=oma,
        suorittamisvalvonnassa=listalla,
    )
    assert (verdict.value, verdict.reason) == (reason == ki.SAA_ILMOITTAA, reason)
    assert ki.explain(reason) != reason
