"""Who is on an oppilaitos' maksuttomuus list (DOMAIN.md §6.3, maksuttomuuden valvonta): the school's students
whose free-education right is in force today, each with its end date and the reason for it.

Free education (§6.2) covers studies after perusopetus, so the list holds students in a qualifying study right
after perusopetus that is in force here today (`suorittamisvalvonta.TYYPIT`: EB never counts). It outlasts
compulsory education: a student of 18 or 19 stays while `oppivelvollisuus.maksuttomuus_until` has not passed.
Coverage (§6.1) applies as everywhere: someone whose Finnish kotikunta began only at 18 has no right at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules import suorittamisvalvonta as sv

VOIMASSA = "maksuttomuus_voimassa"
EI_OPISKELUOIKEUTTA = "maksuttomuus_ei_opiskeluoikeutta"

REASON_TEXTS: dict[str, str] = {
    VOIMASSA: "Studies here after basic education and the right to free education is in force.",
    EI_OPISKELUOIKEUTTA: "No study right after basic education in force here today.",
}


def explain(reason: str) -> str:
    return REASON_TEXTS.get(reason) or ov.explain(reason)


@dataclass(frozen=True)
class Maksuttomuus:
    """Whether the student is on the list today and why; `until` is the right's last day with its reason."""

    listed: bool
    reason: str
    until: ov.DateDecision
    opiskeluoikeus_oid: str | None = None

    def __bool__(self) -> bool:
        return self.listed


def listalla(person: ov.HenkiloFacts, oppilaitoksen_oot: frozenset[str], today: date) -> Maksuttomuus:
    """Whether the person is on the maksuttomuus list of the oppilaitos whose study rights are
    `oppilaitoksen_oot` (OIDs), today."""
    until = ov.maksuttomuus_until(person)
    covered = ov.coverage(person, today)
    if not covered:
        return Maksuttomuus(False, covered.reason, until)
    if today > until.date:
        return Maksuttomuus(False, until.reason, until)
    here = sorted(
        oo.oid
        for oo in ov.valid_opiskeluoikeudet(person)
        if oo.oid in oppilaitoksen_oot and sv.opiskeluoikeus_valvonnassa(oo, today).reason == sv.VOIMASSA
    )
    if not here:
        return Maksuttomuus(False, EI_OPISKELUOIKEUTTA, until)
    return Maksuttomuus(True, VOIMASSA, until, here[0])
