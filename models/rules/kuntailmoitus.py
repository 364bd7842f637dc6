"""Whether a kuntailmoitus is still active (DOMAIN.md §6.3, issue 16.6). The notice itself never changes; its
state is read from the person's facts today: active while the person is still oppivelvollinen (a vapautus or
the 18th birthday ends that) and has had no study right in force since the notice — a qualifying study right
whose active period began after the notice day. Otherwise passive, with the reason."""

from __future__ import annotations

from datetime import date

from models.rules import oppivelvollisuus as ov

AKTIIVINEN = "kuntailmoitus_aktiivinen"
OPISKELUPAIKKA_SINCE = "kuntailmoitus_opiskelupaikka_since"

TEXTS: dict[str, str] = {
    AKTIIVINEN: "Still oppivelvollinen with no study place in force since the notice: the kunta follows it up.",
    OPISKELUPAIKKA_SINCE: "A study right that fulfils compulsory education has been in force since the notice.",
}


def explain(reason: str) -> str:
    return TEXTS.get(reason) or ov.explain(reason)


def aktiivinen(person: ov.HenkiloFacts, tehty: date, today: date) -> ov.Verdict:
    """Whether the notice made on `tehty` is active today, and why (a passive one names what ended it)."""
    oppivelvollinen = ov.oppivelvollinen_on(person, today)
    if not oppivelvollinen:
        return ov.Verdict(False, oppivelvollinen.reason)
    for oo in ov.valid_opiskeluoikeudet(person):
        if oo.tyyppi in ov.QUALIFYING_TYYPIT and any(tehty < alku <= today for alku, _ in ov.active_periods(oo.tilat)):
            return ov.Verdict(False, OPISKELUPAIKKA_SINCE)
    return ov.Verdict(True, AKTIIVINEN)
