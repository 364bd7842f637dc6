"""Survey definitions as data (DOMAIN.md §5); a submitted form is checked in `models.rules.vastauslomake`.

The four national surveys are bundled JSON (`survey_ui/kyselyt/`); each provider may append its own extra
questions (lisäkysymykset) written in fi, sv and en. The types live here, not in survey_ui, because the rules
and the reports need them and models may not import survey_ui.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, TypeVar

KIELET = ("fi", "sv", "en")

# Kyselytyypit of the national survey sets from 1.7.2021 (DOMAIN.md §3, §4.1, §5).
ALOITTANEET = "aloittaneet"
TUTKINNON_OSIA_SUORITTANEET = "tutkinnon_osia_suorittaneet"
TUTKINNON_SUORITTANEET = "tutkinnon_suorittaneet"
TYOPAIKKAOHJAAJAKYSELY = "tyopaikkaohjaajakysely"
KYSELYTYYPIT = (ALOITTANEET, TUTKINNON_OSIA_SUORITTANEET, TUTKINNON_SUORITTANEET, TYOPAIKKAOHJAAJAKYSELY)

# Question types.
LIKERT = "likert"
VALINTA = "valinta"
MONIVALINTA = "monivalinta"
KYLLA_EI = "kylla_ei"
TEKSTI = "teksti"
TYYPIT = (LIKERT, VALINTA, MONIVALINTA, KYLLA_EI, TEKSTI)
CHOICE_TYPES = frozenset({VALINTA, MONIVALINTA})

LIKERT_MIN = 1
LIKERT_MAX = 5
# "En osaa sanoa" (don't know) is stored as 0: an int like the scale, outside 1–5, so averages must skip it
# explicitly and a report can't mistake it for "strongly disagree". Only allowed when en_osaa_sanoa is set.
EN_OSAA_SANOA = 0
KYLLA = "kylla"
EI = "ei"

# Extra questions are keyed `lisa:<id>`; national tunnukset can't contain ":", so the two never collide.
LISA_PREFIX = "lisa:"
_TUNNUS_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LISA_TUNNUS_RE = re.compile(r"^lisa:[A-Za-z0-9_.-]+$")
_KOODI_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

_T = TypeVar("_T")

# A typed answer: int for likert, str for valinta and teksti, list[str] for monivalinta, bool for kylla_ei.
Arvo = int | bool | str | list[str]


class DefinitionError(ValueError):
    """A survey definition is invalid; `path` names the offending field, e.g. `kysymykset[3].teksti.sv`."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def within(self, prefix: str) -> DefinitionError:
        """The same error seen from an enclosing structure, so messages name the full path."""
        return DefinitionError(_join(prefix, self.path), self.message)


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


@dataclass(frozen=True)
class Teksti:
    """A text in all three form languages: every survey text must exist in fi, sv and en (DOMAIN.md §5)."""

    fi: str
    sv: str
    en: str

    def __post_init__(self) -> None:
        for kieli in KIELET:
            value = getattr(self, kieli)
            if not isinstance(value, str) or not value.strip():
                raise DefinitionError(kieli, "required")

    def kielella(self, kieli: str) -> str:
        """The text in `kieli` (fi, sv or en)."""
        if kieli not in KIELET:
            raise ValueError(f"unknown language {kieli!r}")
        return str(getattr(self, kieli))


@dataclass(frozen=True)
class Vaihtoehto:
    """One option of a choice question; `koodi` is what the form posts and what is stored."""

    koodi: str
    teksti: Teksti

    def __post_init__(self) -> None:
        if not isinstance(self.koodi, str) or not _KOODI_RE.match(self.koodi):
            raise DefinitionError("koodi", "must match [a-z0-9][a-z0-9_]*")


@dataclass(frozen=True)
class Kysymys:
    """One question. `nayta_kun` = (trigger question tunnus, trigger answers as form values), or None."""

    tunnus: str
    tyyppi: str
    teksti: Teksti
    pakollinen: bool
    vaihtoehdot: tuple[Vaihtoehto, ...] = ()
    max_pituus: int | None = None
    en_osaa_sanoa: bool = False
    nayta_kun: tuple[str, tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tunnus, str) or not (
            _TUNNUS_RE.match(self.tunnus) or _LISA_TUNNUS_RE.match(self.tunnus)
        ):
            raise DefinitionError("tunnus", "must match [a-z][a-z0-9_]* (or lisa:<id> for an extra question)")
        if self.tyyppi not in TYYPIT:
            raise DefinitionError("tyyppi", f"must be one of {', '.join(TYYPIT)}")
        if not isinstance(self.teksti, Teksti):
            raise DefinitionError("teksti", "must be a Teksti")
        if not isinstance(self.pakollinen, bool):
            raise DefinitionError("pakollinen", "must be true or false")
        self._check_vaihtoehdot()
        if self.tyyppi == TEKSTI:
            if isinstance(self.max_pituus, bool) or not isinstance(self.max_pituus, int) or self.max_pituus < 1:
                raise DefinitionError("max_pituus", "required for teksti: a positive integer")
        elif self.max_pituus is not None:
            raise DefinitionError("max_pituus", "only a teksti question has a length limit")
        if not isinstance(self.en_osaa_sanoa, bool):
            raise DefinitionError("en_osaa_sanoa", "must be true or false")
        if self.en_osaa_sanoa and self.tyyppi != LIKERT:
            raise DefinitionError("en_osaa_sanoa", "only a likert question has an 'en osaa sanoa' answer")
        if self.nayta_kun is not None:
            trigger, values = self.nayta_kun
            if trigger == self.tunnus:
                raise DefinitionError("nayta_kun.kysymys", "a question can't be its own trigger")
            if not values or not all(isinstance(v, str) and v for v in values):
                raise DefinitionError("nayta_kun.arvot", "at least one non-empty trigger value required")

    def _check_vaihtoehdot(self) -> None:
        if self.tyyppi not in CHOICE_TYPES:
            if self.vaihtoehdot:
                raise DefinitionError("vaihtoehdot", f"only valinta and monivalinta have options, not {self.tyyppi}")
            return
        if len(self.vaihtoehdot) < 2:
            raise DefinitionError("vaihtoehdot", f"{self.tyyppi} needs at least two options")
        seen: set[str] = set()
        for i, vaihtoehto in enumerate(self.vaihtoehdot):
            if not isinstance(vaihtoehto, Vaihtoehto):
                raise DefinitionError(f"vaihtoehdot[{i}]", "must be a Vaihtoehto")
            if vaihtoehto.koodi in seen:
                raise DefinitionError(f"vaihtoehdot[{i}].koodi", f"duplicate koodi {vaihtoehto.koodi!r}")
            seen.add(vaihtoehto.koodi)

    @property
    def is_lisakysymys(self) -> bool:
        return self.tunnus.startswith(LISA_PREFIX)

    def sallitut_arvot(self) -> frozenset[str] | None:
        """The form values this question accepts (None for free text); also what a trigger may name."""
        if self.tyyppi == LIKERT:
            scale = {str(n) for n in range(LIKERT_MIN, LIKERT_MAX + 1)}
            return frozenset(scale | {str(EN_OSAA_SANOA)} if self.en_osaa_sanoa else scale)
        if self.tyyppi in CHOICE_TYPES:
            return frozenset(v.koodi for v in self.vaihtoehdot)
        if self.tyyppi == KYLLA_EI:
            return frozenset({KYLLA, EI})
        return None


@dataclass(frozen=True)
class Kysely:
    """One version of a national survey. Answers stay tied to the version they answered (DOMAIN.md §5)."""

    tunnus: str
    versio: int
    kyselytyyppi: str
    nimi: Teksti
    kysymykset: tuple[Kysymys, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.tunnus, str) or not _TUNNUS_RE.match(self.tunnus):
            raise DefinitionError("tunnus", "must match [a-z][a-z0-9_]*")
        if isinstance(self.versio, bool) or not isinstance(self.versio, int) or self.versio < 1:
            raise DefinitionError("versio", "must be a positive integer")
        if self.kyselytyyppi not in KYSELYTYYPIT:
            raise DefinitionError("kyselytyyppi", f"must be one of {', '.join(KYSELYTYYPIT)}")
        if not isinstance(self.nimi, Teksti):
            raise DefinitionError("nimi", "must be a Teksti")
        if not self.kysymykset:
            raise DefinitionError("kysymykset", "at least one question required")
        for i, kysymys in enumerate(self.kysymykset):
            if kysymys.is_lisakysymys:
                raise DefinitionError(f"kysymykset[{i}].tunnus", f"{LISA_PREFIX} is reserved for extra questions")
        _check_question_list(self.kysymykset, "kysymykset")

    def kysymys(self, tunnus: str) -> Kysymys | None:
        return next((k for k in self.kysymykset if k.tunnus == tunnus), None)


def _check_question_list(kysymykset: Sequence[Kysymys], name: str, offset: int = 0) -> None:
    """Unique tunnukset, and every follow-up names an earlier question with values it can actually have.

    The trigger must come earlier so that one pass in form order decides visibility, and a chain of follow-ups
    can't loop. `offset` numbers extra questions after the national ones they may refer to.
    """
    earlier: dict[str, Kysymys] = {}
    for i, kysymys in enumerate(kysymykset):
        if i < offset:
            earlier[kysymys.tunnus] = kysymys
            continue
        path = f"{name}[{i - offset}]"
        if kysymys.tunnus in earlier:
            raise DefinitionError(f"{path}.tunnus", f"duplicate tunnus {kysymys.tunnus!r}")
        if kysymys.nayta_kun is not None:
            trigger_tunnus, values = kysymys.nayta_kun
            trigger = earlier.get(trigger_tunnus)
            if trigger is None:
                raise DefinitionError(
                    f"{path}.nayta_kun.kysymys",
                    f"{trigger_tunnus!r} is not an earlier question of this survey",
                )
            allowed = trigger.sallitut_arvot()
            if allowed is None:
                raise DefinitionError(f"{path}.nayta_kun.kysymys", "a free-text question can't be a trigger")
            for j, value in enumerate(values):
                if value not in allowed:
                    raise DefinitionError(
                        f"{path}.nayta_kun.arvot[{j}]", f"{value!r} is not an answer of {trigger_tunnus!r}"
                    )
        earlier[kysymys.tunnus] = kysymys


# ---------------------------------------------------------------------------------------------------------
# Parsing the JSON form of a definition


def parse_kysely(data: Mapping[str, Any]) -> Kysely:
    """Build a Kysely from its JSON form; a DefinitionError (a ValueError) names the path of the first fault.

    Unknown fields are refused so that a typo ("pakolinen") can't silently make a question optional.
    """
    _check_fields(data, required={"tunnus", "versio", "kyselytyyppi", "nimi", "kysymykset"}, optional=set())
    nimi = _wrap("nimi", lambda: parse_teksti(data["nimi"]))
    kysymykset = _parse_list(data["kysymykset"], "kysymykset", parse_kysymys)
    return Kysely(
        tunnus=data["tunnus"],
        versio=data["versio"],
        kyselytyyppi=data["kyselytyyppi"],
        nimi=nimi,
        kysymykset=kysymykset,
    )


def parse_kysymys(data: Any) -> Kysymys:
    """Build one question from its JSON form (also used for a provider's extra questions)."""
    _check_fields(
        data,
        required={"tunnus", "tyyppi", "teksti", "pakollinen"},
        optional={"vaihtoehdot", "max_pituus", "en_osaa_sanoa", "nayta_kun"},
    )
    teksti = _wrap("teksti", lambda: parse_teksti(data["teksti"]))
    vaihtoehdot = _parse_list(data.get("vaihtoehdot", []), "vaihtoehdot", _parse_vaihtoehto)
    nayta_kun = _wrap("nayta_kun", lambda: _parse_nayta_kun(data.get("nayta_kun")))
    return Kysymys(
        tunnus=data["tunnus"],
        tyyppi=data["tyyppi"],
        teksti=teksti,
        pakollinen=data["pakollinen"],
        vaihtoehdot=vaihtoehdot,
        max_pituus=data.get("max_pituus"),
        en_osaa_sanoa=data.get("en_osaa_sanoa", False),
        nayta_kun=nayta_kun,
    )


def parse_teksti(data: Any) -> Teksti:
    """Build a Teksti, trimming each language; a missing or blank language is an error."""
    _check_fields(data, required=set(), optional=set(KIELET))
    values = {}
    for kieli in KIELET:
        value = data.get(kieli)
        if not isinstance(value, str) or not value.strip():
            raise DefinitionError(kieli, "required")
        values[kieli] = value.strip()
    return Teksti(**values)


def _parse_vaihtoehto(data: Any) -> Vaihtoehto:
    _check_fields(data, required={"koodi", "teksti"}, optional=set())
    return Vaihtoehto(koodi=data["koodi"], teksti=_wrap("teksti", lambda: parse_teksti(data["teksti"])))


def _parse_nayta_kun(data: Any) -> tuple[str, tuple[str, ...]] | None:
    if data is None:
        return None
    _check_fields(data, required={"kysymys", "arvot"}, optional=set())
    if not isinstance(data["kysymys"], str):
        raise DefinitionError("kysymys", "must be a question tunnus")
    arvot = data["arvot"]
    if not isinstance(arvot, list) or not arvot:
        raise DefinitionError("arvot", "a non-empty list of trigger answers required")
    for j, value in enumerate(arvot):
        if not isinstance(value, str):
            raise DefinitionError(f"arvot[{j}]", "must be a string (the answer as the form posts it)")
    return data["kysymys"], tuple(arvot)


def _check_fields(data: Any, required: Set[str], optional: Set[str]) -> None:
    if not isinstance(data, Mapping):
        raise DefinitionError("", "must be an object")
    for key in sorted(required):
        if key not in data:
            raise DefinitionError(key, "required")
    for key in data:
        if key not in required and key not in optional:
            raise DefinitionError(str(key), "unknown field")


def _parse_list(data: Any, name: str, parse: Callable[[Any], _T]) -> tuple[_T, ...]:
    if not isinstance(data, list):
        raise DefinitionError(name, "must be a list")
    items = []
    for i, raw in enumerate(data):
        try:
            items.append(parse(raw))
        except DefinitionError as e:
            raise e.within(f"{name}[{i}]") from None
    return tuple(items)


def _wrap(prefix: str, build: Callable[[], _T]) -> _T:
    """Run `build`, prefixing any DefinitionError with where we are in the document."""
    try:
        return build()
    except DefinitionError as e:
        raise e.within(prefix) from None


# ---------------------------------------------------------------------------------------------------------
# Extra questions (lisäkysymykset)


def lisa_tunnus(lisakysymys_id: str | int) -> str:
    """The form key and tunnus of a provider's extra question."""
    return f"{LISA_PREFIX}{lisakysymys_id}"


def check_lisakysymykset(kysely: Kysely, lisakysymykset: Sequence[Kysymys]) -> None:
    """Extra questions come after the national ones: namespaced, unique, follow-ups pointing backwards."""
    for i, kysymys in enumerate(lisakysymykset):
        if not kysymys.is_lisakysymys:
            raise DefinitionError(f"lisakysymykset[{i}].tunnus", f"must start with {LISA_PREFIX}")
    _check_question_list((*kysely.kysymykset, *lisakysymykset), "lisakysymykset", offset=len(kysely.kysymykset))
