"""The client's language for every text the API and its CSV files show (issue 14: fi, sv and en, chosen by
Accept-Language, Finnish by default).

Rules and services speak English: reason texts by their stable codes (`REASONS` of models.rules.palaute and
tyoelama, `REASON_TEXTS` of the Valpas rules) and messages as `Viesti` templates. They are translated here, at the
edge, through gettext domain `api`, whose msgids are the English texts; the codes never change. A CSV column's
msgid is its name as the Finnish file has always had it (`sukunimi`), so the Finnish files stay as they were.
tests/test_locales.py fails on a text missing from any language's catalog.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from models.rules.viesti import Viesti
from survey_ui.i18n import OLETUSKIELI, from_accept_language

DOMAIN = "api"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@cache
def translations(kieli: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(LOCALES_DIR), languages=[kieli])


def kieli_of(headers: Mapping[str, str] | None) -> str:
    """The language of a request's `Accept-Language` (fi, sv or en); Finnish when it names none of them."""
    return from_accept_language(headers.get("accept-language", "")) if headers is not None else OLETUSKIELI


def teksti(english: str, kieli: str) -> str:
    """A plain text (a reason's explanation, a CSV header) in `kieli`."""
    return translations(kieli).gettext(english)


def viesti(message: Viesti, kieli: str) -> str:
    """A template in `kieli` with its values filled in; values that are messages themselves translated too."""
    template = teksti(message.template, kieli)
    if not message.arvot:
        return template
    return template.format(**{k: viesti(v, kieli) if isinstance(v, Viesti) else str(v) for k, v in message.arvot})


def otsikot(nimet: Sequence[str], kieli: str) -> list[str]:
    """A CSV file's header row in `kieli`."""
    return [teksti(nimi, kieli) for nimi in nimet]


def kylla_ei(arvo: bool, kieli: str) -> str:
    """A yes/no cell of a CSV file in `kieli`."""
    return teksti("kyllä" if arvo else "ei", kieli)
