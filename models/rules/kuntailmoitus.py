"""Who may make a kuntailmoitus from an oppilaitos, and whether one is still active (DOMAIN.md §6.3).

Who: the oppilaitos' hakeutumisen valvoja for its own pupils, and its suorittamisen valvoja for the students on
its suorittamisvalvonta list (`models.rules.suorittamisvalvonta`), as in the reference service, where each
role reaches the people its own list follows. A kunta user notifies about a resident of their own kunta (the
service checks that with the kotikunta).

Active: the notice itself never changes; its state is read from the person's facts today: active while the
person is still oppivelvollinen (a vapautus or the 18th birthday ends that) and has had no study right in
force since the notice — a qualifying study right whose active period began after the notice day. Otherwise
passive, with the reason."""

from __future__ import annotations

from datetime import date

from models.rules import oppivelvollisuus as ov

AKTIIVINEN = "kuntailmoitus_aktiivinen"
OPISKELUPAIKKA_SINCE = "kuntailmoitus_opiskelupaikka_since"

SAA_ILMOITTAA = "kuntailmoitus_saa_ilmoittaa"
EI_ILMOITTAJA = "kuntailmoitus_ei_ilmoittaja"
EI_OMA_OPPILAS = "kuntailmoitus_ei_oma_oppilas"
EI_SUORITTAMISVALVONNASSA = "kuntailmoitus_ei_suorittamisvalvonnassa"

TEXTS: dict[str, str] = {
    SAA_ILMOITTAA: "May notify the home municipality about this person.",
    EI_ILMOITTAJA: "Only a hakeutumisen or suorittamisen valvoja of the oppilaitos may notify.",
    EI_OMA_OPPILAS: "The person has no study right at this oppilaitos.",
    EI_SUORITTAMISVALVONNASSA: "A suorittamisen valvoja notifies only about students on its suorittamisvalvonta list.",
    AKTIIVINEN: "Still oppivelvollinen with no study place in force since the notice: the kunta follows it up.",
    OPISKELUPAIKKA_SINCE: "A study right that fulfils compulsory education has been in force since the notice.",
}


def explain(reason: str) -> str:
    return TEXTS.get(reason) or ov.explain(reason)


def oppilaitos_saa_ilmoittaa(
    *, hakeutumisen_valvoja: bool, suorittamisen_valvoja: bool, oma_oppilas: bool, suorittamisvalvonnassa: bool
) -> ov.Verdict:
    """Whether a user with these valvoja roles at an oppilaitos may notify about a person who is or is not its
    own pupil (a study right there) and on its suorittamisvalvonta list today."""
    if (hakeutumisen_valvoja and oma_oppilas) or (suorittamisen_valvoja and suorittamisvalvonnassa):
        return ov.Verdict(True, SAA_ILMOITTAA)
    if not (hakeutumisen_valvoja or suorittamisen_valvoja):
        return ov.Verdict(False, EI_ILMOITTAJA)
    return ov.Verdict(False, EI_SUORITTAMISVALVONNASSA if oma_oppilas else EI_OMA_OPPILAS)


def aktiivinen(person: ov.HenkiloFacts, tehty: date, today: date) -> ov.Verdict:
    """Whether the notice made on `tehty` is active today, and why (a passive one names what ended it)."""
    oppivelvollinen = ov.oppivelvollinen_on(person, today)
    if not oppivelvollinen:
        return ov.Verdict(False, oppivelvollinen.reason)
    for oo in ov.valid_opiskeluoikeudet(person):
        if oo.tyyppi in ov.QUALIFYING_TYYPIT and any(tehty < alku <= today for alku, _ in ov.active_periods(oo.tilat)):
            return ov.Verdict(False, OPISKELUPAIKKA_SINCE)
    return ov.Verdict(True, AKTIIVINEN)
