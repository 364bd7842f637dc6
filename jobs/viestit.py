"""The texts of feedback messages: Finnish, Swedish and English in one message (DOMAIN.md §4.3).

The sentences live in the gettext domain `viestit` (locales/{fi,sv,en}/LC_MESSAGES/viestit.po); the two
subjects are fixed trilingual strings from §4.3 and so are kept here verbatim.
"""

from __future__ import annotations

import gettext
import html
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from models.kyselylinkki import Kyselytyyppi

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "viestit"
KIELET = ("fi", "sv", "en")

STUDENT_SUBJECT = "Palautetta oppilaitokselle - Respons till läroanstalten - Feedback to educational institution"
INSTRUCTOR_SUBJECT = "Työpaikkaohjaajakysely - Enkät till arbetsplatshandledaren - Survey to workplace instructors"


@dataclass(frozen=True)
class Nimi:
    """An organisation's name; Swedish text uses the Swedish name when one is stored."""

    fi: str
    sv: str | None = None

    def in_language(self, kieli: str) -> str:
        return self.sv if kieli == "sv" and self.sv else self.fi


@dataclass(frozen=True)
class LinkinTiedot:
    kyselytyyppi: Kyselytyyppi
    tunnus: str
    koulutuksen_jarjestaja: Nimi
    oppilaitos: Nimi
    vastausaika_loppu: date
    muistutus: bool


@dataclass(frozen=True)
class Viesti:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=8)
def translations(kieli: str) -> gettext.NullTranslations:
    """The compiled catalog of one language; a missing catalog is an error, never a silent English fallback."""
    return gettext.translation(DOMAIN, str(LOCALES), languages=[kieli])


def link_url(public_base_url: str, tunnus: str) -> str:
    return f"{public_base_url.rstrip('/')}/v/{tunnus}"


def _pvm(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _paragraphs(tiedot: LinkinTiedot, kieli: str) -> tuple[list[str], str]:
    """The message's paragraphs in one language, and the final line (the deadline)."""
    _ = translations(kieli).gettext
    names = {
        "oppilaitos": tiedot.oppilaitos.in_language(kieli),
        "koulutuksen_jarjestaja": tiedot.koulutuksen_jarjestaja.in_language(kieli),
    }
    instructor = tiedot.kyselytyyppi == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY
    parts = [_("Dear workplace instructor,") if instructor else _("Dear student,")]
    if tiedot.muistutus:
        parts.append(_("Reminder: you have not answered the survey yet."))
    if instructor:
        parts.append(
            _(
                "Please give feedback to {koulutuksen_jarjestaja} ({oppilaitos}) on the workplace training of the "
                "students you supervised."
            ).format(**names)
        )
    else:
        parts.append(
            _(
                "Please tell {oppilaitos} ({koulutuksen_jarjestaja}) how your studies went. Your answers help to "
                "develop vocational education."
            ).format(**names)
        )
    return parts, _("The survey is open until {loppu}.").format(loppu=_pvm(tiedot.vastausaika_loppu))


def render_email(tiedot: LinkinTiedot, public_base_url: str) -> Viesti:
    url = link_url(public_base_url, tiedot.tunnus)
    texts: list[str] = []
    htmls: list[str] = []
    for kieli in KIELET:
        _ = translations(kieli).gettext
        parts, deadline = _paragraphs(tiedot, kieli)
        texts.append("\n\n".join([*parts, _("Answer the survey at {linkki}").format(linkki=url), deadline]))
        body = "".join(f"<p>{html.escape(p)}</p>" for p in parts)
        link = f'<p><a href="{html.escape(url)}">{html.escape(_("Open the survey"))}</a></p>'
        htmls.append(f'<div lang="{kieli}">{body}{link}<p>{html.escape(deadline)}</p></div>')
    footer = " / ".join(
        translations(k).gettext("This message was sent automatically. Please do not reply to it.") for k in KIELET
    )
    subject = INSTRUCTOR_SUBJECT if tiedot.kyselytyyppi == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY else STUDENT_SUBJECT
    return Viesti(
        subject=subject,
        text="\n\n----\n\n".join(texts) + f"\n\n{footer}\n",
        html=(
            '<!doctype html><html><head><meta charset="utf-8"></head><body>'
            + "<hr>".join(htmls)
            + f"<p><small>{html.escape(footer)}</small></p></body></html>"
        ),
    )


def render_sms(tiedot: LinkinTiedot, public_base_url: str) -> str:
    url = link_url(public_base_url, tiedot.tunnus)
    loppu = _pvm(tiedot.vastausaika_loppu)
    # One line per language and the link once, at the end: three copies would triple the SMS segments.
    lines = [translations(k).gettext("Feedback survey, answer by {loppu}:").format(loppu=loppu) for k in KIELET]
    return "\n".join([*lines, url])
