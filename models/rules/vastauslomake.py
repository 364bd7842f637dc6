"""Checking a submitted answer form against a survey and the provider's extra questions (DOMAIN.md §5).

Form conventions (what the respondent's browser posts, `Mapping[str, list[str]]`):
- a national question's key is its tunnus (`[a-z][a-z0-9_]*`); an extra question's key is `lisa:<id>`, so a
  provider's question can never collide with, or overwrite, a national one;
- likert posts "1".."5", and "0" for "en osaa sanoa" (see EN_OSAA_SANOA); valinta and monivalinta post option
  koodit (monivalinta one value per ticked box); kylla_ei posts "kylla" or "ei"; teksti posts the text;
- an empty or whitespace-only value means "not answered".
A follow-up question (nayta_kun) is shown only when its trigger question's answer is one of the trigger
values; a hidden follow-up is never required and whatever was posted for it is dropped, so a respondent who
changed their mind leaves no stray answer behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field

from models.rules.kysely import (
    EI,
    KYLLA,
    KYLLA_EI,
    LIKERT,
    MONIVALINTA,
    TEKSTI,
    Arvo,
    Kysely,
    Kysymys,
    check_lisakysymykset,
)

# Errors that belong to the form as a whole, not to one question.
FORM_KEY = "__form__"

# Validation error codes; survey_ui maps them to fi/sv/en messages.
PAKOLLINEN = "pakollinen"
VIRHEELLINEN_ARVO = "virheellinen_arvo"
LIIAN_PITKA = "liian_pitka"
TUNTEMATON_KYSYMYS = "tuntematon_kysymys"
ERROR_CODES: Mapping[str, str] = {
    PAKOLLINEN: "a required (and currently shown) question was not answered",
    VIRHEELLINEN_ARVO: "the value is not one this question accepts: likert outside its scale, an unknown "
    "option, several values for a single-answer question, or a text containing a NUL character",
    LIIAN_PITKA: "the text is longer than the question's max_pituus (characters, after trimming)",
    TUNTEMATON_KYSYMYS: "the form holds a key that is no question of this survey or of this provider's extra "
    "questions (e.g. a question of another survey or another provider); reported under FORM_KEY",
}


@dataclass(frozen=True)
class ValidationResult:
    """Typed answers of the shown questions, and error codes by question tunnus (or FORM_KEY).

    `unknown_keys` lists the foreign form keys behind a TUNTEMATON_KYSYMYS error, for the log.
    """

    answers: dict[str, Arvo]
    errors: dict[str, str]
    unknown_keys: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def is_shown(kysymys: Kysymys, answers: Mapping[str, Arvo]) -> bool:
    """Whether a question is shown given the (already validated) answers to earlier questions."""
    if kysymys.nayta_kun is None:
        return True
    trigger, values = kysymys.nayta_kun
    answer = answers.get(trigger)
    return answer is not None and not set(to_form(answer)).isdisjoint(values)


def to_form(answer: Arvo) -> list[str]:
    """A typed answer back as the form values that produce it (to re-fill a form, and to match triggers)."""
    if isinstance(answer, bool):
        return [KYLLA if answer else EI]
    if isinstance(answer, int):
        return [str(answer)]
    if isinstance(answer, list):
        return list(answer)
    return [answer]


def normalize_text(value: str) -> str:
    """Trim, and count a line break as one character (browsers post CRLF but count LF for maxlength)."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def validate_answers(
    kysely: Kysely,
    lisakysymykset: Sequence[Kysymys],
    form: Mapping[str, list[str]],
    *,
    ignore: Set[str] = frozenset(),
) -> ValidationResult:
    """Check a submitted form against the survey and the provider's extra questions, and type the answers.

    Keys in `ignore` are the form's own control fields (e.g. the CSRF token) that survey_ui posts alongside
    the answers. Any other key that is not a question here is refused as a whole-form error: a key of another
    survey or another provider's extra question means the form was not the one we served.
    """
    check_lisakysymykset(kysely, lisakysymykset)
    kysymykset = (*kysely.kysymykset, *lisakysymykset)
    known = {k.tunnus for k in kysymykset}
    answers: dict[str, Arvo] = {}
    errors: dict[str, str] = {}

    unknown = tuple(sorted(key for key in form if key not in known and key not in ignore))
    if unknown:
        errors[FORM_KEY] = TUNTEMATON_KYSYMYS

    for kysymys in kysymykset:
        if not is_shown(kysymys, answers):
            continue
        values = [v.strip() for v in form.get(kysymys.tunnus, []) if isinstance(v, str)]
        values = [v for v in values if v]
        if not values:
            if kysymys.pakollinen:
                errors[kysymys.tunnus] = PAKOLLINEN
            continue
        answer, error = _typed(kysymys, values)
        if error is not None:
            errors[kysymys.tunnus] = error
        else:
            assert answer is not None
            answers[kysymys.tunnus] = answer
    return ValidationResult(answers=answers, errors=errors, unknown_keys=unknown)


def _typed(kysymys: Kysymys, values: list[str]) -> tuple[Arvo | None, str | None]:
    """The typed answer from non-empty trimmed form values, or the error code."""
    allowed = kysymys.sallitut_arvot()
    if kysymys.tyyppi == MONIVALINTA:
        assert allowed is not None
        if any(v not in allowed for v in values):
            return None, VIRHEELLINEN_ARVO
        # Stored in option order, without duplicates, so equal choices compare and report equal.
        return [v.koodi for v in kysymys.vaihtoehdot if v.koodi in values], None
    if len(values) > 1:
        return None, VIRHEELLINEN_ARVO
    value = values[0]
    if kysymys.tyyppi == TEKSTI:
        text = normalize_text(value)
        if "\x00" in text:
            return None, VIRHEELLINEN_ARVO
        assert kysymys.max_pituus is not None
        if len(text) > kysymys.max_pituus:
            return None, LIIAN_PITKA
        return text, None
    assert allowed is not None
    if value not in allowed:
        return None, VIRHEELLINEN_ARVO
    if kysymys.tyyppi == LIKERT:
        return int(value), None
    if kysymys.tyyppi == KYLLA_EI:
        return value == KYLLA, None
    return value, None
