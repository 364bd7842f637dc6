"""What the respondent's form keeps and shows beyond the questions: the draft's values and who is asking.

Pure: no I/O; the caller passes the survey, the link's facts and the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from models.rules.kysely import EI, KYLLA, KYLLA_EI, LIKERT, TEKSTI, Kysymys
from models.rules.tyoelama import ended_period_for_send_day

# A draft keeps free text up to this many characters even where the question allows more: it only has to
# survive a closed tab, and the submit checks the real limit.
LUONNOS_MAX_TEKSTI = 10_000
_VUOSIVALI = re.compile(r"\s+\d{4}\s*[-–]\s*\d{4}\s*$")


def luonnoksen_arvot(kysymykset: Sequence[Kysymys], form: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The values of `form` worth keeping in a draft: only this form's questions, only offered options, text
    trimmed to the question's length. Anything else (control fields, forged keys) is dropped, not refused: a
    draft is saved unasked and must never fail on a half-filled form."""
    kept: dict[str, list[str]] = {}
    for k in kysymykset:
        values = [v for v in form.get(k.tunnus, ()) if isinstance(v, str)]
        if k.tyyppi == TEKSTI:
            text = values[0][: min(k.max_pituus or LUONNOS_MAX_TEKSTI, LUONNOS_MAX_TEKSTI)] if values else ""
            if text.strip():
                kept[k.tunnus] = [text]
            continue
        allowed = _options(k)
        chosen = list(dict.fromkeys(v for v in values if v in allowed))
        if chosen:
            kept[k.tunnus] = chosen
    return kept


def _options(k: Kysymys) -> set[str]:
    if k.tyyppi == LIKERT:
        return {"1", "2", "3", "4", "5", *(["0"] if k.en_osaa_sanoa else [])}
    if k.tyyppi == KYLLA_EI:
        return {KYLLA, EI}
    return {v.koodi for v in k.vaihtoehdot}


def nykyinen_nimi(nimi: str) -> str:
    """A survey's name as shown today: without the year range of the period it was first made for
    ("… aloittaneet 2021-2022" → "… aloittaneet"), which would puzzle someone answering years later."""
    return _VUOSIVALI.sub("", nimi)


def puolikuukausi(heratepvm: date) -> tuple[date, date] | None:
    """The half-month of ended työpaikkajaksot an instructor's bundle covers (its send day's period), or None
    for a day that is not a send day."""
    try:
        return ended_period_for_send_day(heratepvm)
    except ValueError:
        return None
