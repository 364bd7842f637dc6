"""Reporting rules: response rate, the small-group suppression, answer aggregation and Excel-safe CSV (DOMAIN.md §5).

Pure: no I/O, no clock. The services feed rows in; everything that decides *what a number is* lives here so the
GraphQL view, the CSV exports and the report page can't disagree.

- Vastausosuus (§5) = answered / links made; with no links there is no rate (None), not 0 %.
- Anonymous statistics hide any group with fewer than `MIN_RYHMAN_KOKO` respondents (§5): its counts and even
  its exact size are withheld, only the fact that it is hidden is shown.
- Likert "en osaa sanoa" is stored as 0 (`models.rules.kysely.EN_OSAA_SANOA`): it is counted in the
  distribution but never in the mean, or a "don't know" would read as "strongly disagree".
- CSV for Excel: `models.rules.csv_writer`, the one writer of every CSV route.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.rules.kysely import (
    EI,
    EN_OSAA_SANOA,
    KYLLA,
    KYLLA_EI,
    LIKERT,
    LIKERT_MAX,
    LIKERT_MIN,
    MONIVALINTA,
    TEKSTI,
    VALINTA,
    Kysely,
    Kysymys,
)

MIN_RYHMAN_KOKO = 5


# --- Response rate ------------------------------------------------------------------------------------------


def vastausosuus(vastattu: int, linkkeja: int) -> float | None:
    """§5: answered / links made, as a fraction 0–1; None when no links were made (no rate, not zero)."""
    if vastattu < 0 or linkkeja < 0 or vastattu > linkkeja:
        raise ValueError(f"impossible counts: {vastattu} answered of {linkkeja} links")
    return None if linkkeja == 0 else vastattu / linkkeja


def is_piilotettu(vastaajia: int) -> bool:
    """§5: a group with fewer than five respondents is hidden from anonymous statistics."""
    return vastaajia < MIN_RYHMAN_KOKO


# --- Aggregating answers ------------------------------------------------------------------------------------


def aggregated_questions(kysely: Kysely) -> tuple[Kysymys, ...]:
    """The national questions that anonymous statistics may show: everything but free text (§5)."""
    return tuple(k for k in kysely.kysymykset if k.tyyppi != TEKSTI and not k.is_lisakysymys)


def value_keys(kysymys: Kysymys) -> tuple[str, ...]:
    """The values a question's distribution is counted over, in display order."""
    if kysymys.tyyppi == LIKERT:
        scale = tuple(str(n) for n in range(LIKERT_MIN, LIKERT_MAX + 1))
        return (*scale, str(EN_OSAA_SANOA)) if kysymys.en_osaa_sanoa else scale
    if kysymys.tyyppi in (VALINTA, MONIVALINTA):
        return tuple(v.koodi for v in kysymys.vaihtoehdot)
    if kysymys.tyyppi == KYLLA_EI:
        return (KYLLA, EI)
    raise ValueError(f"{kysymys.tunnus}: free text is never aggregated")


def _values_of(kysymys: Kysymys, answer: Any) -> list[str]:
    """A stored answer as the distribution keys it counts towards (typed or as posted)."""
    if answer is None or answer == "" or answer == []:
        return []
    if kysymys.tyyppi == KYLLA_EI and isinstance(answer, bool):
        return [KYLLA if answer else EI]
    if isinstance(answer, list):
        return [str(v) for v in answer]
    return [str(answer)]


@dataclass
class Jakauma:
    """One question's answers in one group: how many answered it, count per value, and the likert mean."""

    kysymys: Kysymys
    vastauksia: int = 0
    maarat: dict[str, int] = field(default_factory=dict)
    _summa: int = 0
    _skaalalla: int = 0

    def __post_init__(self) -> None:
        self.maarat = dict.fromkeys(value_keys(self.kysymys), 0)

    def add(self, answer: Any) -> None:
        values = [v for v in _values_of(self.kysymys, answer) if v in self.maarat]
        if not values:
            return
        self.vastauksia += 1
        for value in values:
            self.maarat[value] += 1
            if self.kysymys.tyyppi == LIKERT and value != str(EN_OSAA_SANOA):
                self._summa += int(value)
                self._skaalalla += 1

    @property
    def keskiarvo(self) -> float | None:
        """Mean of the 1–5 answers; "en osaa sanoa" (0) is left out. None for non-likert or no scale answers."""
        if self.kysymys.tyyppi != LIKERT or self._skaalalla == 0:
            return None
        return self._summa / self._skaalalla


@dataclass
class Kooste:
    """Aggregated national answers of one group of respondents (one survey, one group key)."""

    kysymykset: tuple[Kysymys, ...]
    vastaajia: int = 0
    jakaumat: dict[str, Jakauma] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.jakaumat = {k.tunnus: Jakauma(k) for k in self.kysymykset}

    def add(self, vastaukset: Mapping[str, Any]) -> None:
        """One respondent's answers; extra questions (`lisa:…`) and free text are ignored by construction."""
        self.vastaajia += 1
        for tunnus, jakauma in self.jakaumat.items():
            jakauma.add(vastaukset.get(tunnus))

    @property
    def piilotettu(self) -> bool:
        return is_piilotettu(self.vastaajia)


def merged_questions(versions: Iterable[Kysely]) -> tuple[Kysymys, ...]:
    """The aggregated questions over every version of one survey: newest version's order, older extras after.

    Answers stay tied to the version they answered (§5), so a question that only an older version asked still
    has its own distribution; a tunnus shared by versions is counted as one question (the newest definition).
    """
    by_tunnus: dict[str, Kysymys] = {}
    for kysely in sorted(versions, key=lambda k: k.versio, reverse=True):
        for kysymys in aggregated_questions(kysely):
            by_tunnus.setdefault(kysymys.tunnus, kysymys)
    return tuple(by_tunnus.values())
