"""The respondent's language and the gettext catalogs of domain `kysely` (DOMAIN.md §5: forms in fi, sv, en).

Catalogs are compiled at install time (`make install` runs `pybabel compile -D kysely`); they are loaded on the
first page rendered, not at import, so the API starts even where only .po files exist. Each language gets its
own Jinja environment with its translations installed once: no per-request state to race on.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request

from models.rules.kysely import KIELET
from models.rules.lomake import nykyinen_nimi
from models.rules.vastauslomake import LIIAN_PITKA, PAKOLLINEN, TUNTEMATON_KYSYMYS, VIRHEELLINEN_ARVO

DOMAIN = "kysely"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
OLETUSKIELI = "fi"
# Each language's name in that language, for the language switch.
KIELTEN_NIMET: Mapping[str, str] = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


# Messages for the validation codes of models.rules.kysely.
VIRHEET: Mapping[str, str] = {
    PAKOLLINEN: N_("Please answer this question."),
    VIRHEELLINEN_ARVO: N_("Please choose one of the options given."),
    LIIAN_PITKA: N_("Your answer is too long. Please shorten it."),
    TUNTEMATON_KYSYMYS: N_(
        "The form contained answers to questions that are not in this survey. Please check "
        "your answers and send the form again."
    ),
}
# Likert scale labels 1–5, and 0 = "en osaa sanoa" (models.rules.kysely.EN_OSAA_SANOA).
LIKERT: Mapping[int, str] = {
    1: N_("Strongly disagree"),
    2: N_("Somewhat disagree"),
    3: N_("Neither agree nor disagree"),
    4: N_("Somewhat agree"),
    5: N_("Strongly agree"),
    0: N_("I can't say"),
}


def choose_language(request: Request) -> str:
    """`?lang=` first, then the browser's Accept-Language preferences, then Finnish."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in KIELET:
        return asked
    return from_accept_language(request.headers.get("accept-language", ""))


def from_accept_language(header: str) -> str:
    """The supported language the browser prefers most (`sv-FI,sv;q=0.9,en;q=0.8` → sv)."""
    best, best_q = OLETUSKIELI, 0.0
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in KIELET:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # Strictly greater: of equal weights the earlier wins, as browsers list them by preference.
        if q > best_q:
            best, best_q = primary, q
    return best


@cache
def translations(kieli: str) -> gettext.GNUTranslations:
    """The compiled catalog; a missing .mo is an install error, reported loudly rather than shown in English."""
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[kieli])


@cache
def environment(kieli: str) -> Environment:
    env = Environment(
        loader=PackageLoader("survey_ui", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(kieli), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(kieli=kieli, kielet=KIELET, kielten_nimet=KIELTEN_NIMET, virheet=VIRHEET, likert=LIKERT)
    env.filters["dom_id"] = dom_id
    env.filters["nykyinen_nimi"] = nykyinen_nimi
    env.filters["yhdista"] = yhdista
    return env


def yhdista(kysymys: str, viesti: str) -> str:
    """A question and its error as one line, without doubled punctuation ("…koulutukseen? Vastaa tähän …")."""
    kysymys = kysymys.rstrip().rstrip(":")
    return f"{kysymys} {viesti}" if kysymys.endswith(("?", "!", ".")) else f"{kysymys}: {viesti}"


def dom_id(tunnus: str) -> str:
    """An element id for a question: `lisa:12` → `k-lisa-12`."""
    return "k-" + tunnus.replace(":", "-")
