"""The provider's report page: response-rate trend and answer distributions as server-side SVG (DOMAIN.md §5).

No JavaScript and no chart library: each chart is plain SVG with `role="img"`, a <title> and <desc>, and the
same numbers follow as a data table, so screen-reader users and people without images read the figures
(WCAG 1.1.1). Texts come from the gettext domain `raportti` in fi, sv and en; question and option texts come
from the survey definitions in the same language.
"""

from __future__ import annotations

import gettext
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from models.rules.kysely import EI, EN_OSAA_SANOA, KYLLA, KYLLA_EI, LIKERT, Kysymys
from models.rules.lomake import nykyinen_nimi
from models.rules.raportointi import Jakauma
from models.services.raportointi import Kuukausi, TilastoRyhma, Vastausosuus
from survey_ui.kyselyt import load_all

KIELET = ("fi", "sv", "en")
DOMAIN = "raportti"
LOCALES = Path(__file__).resolve().parent.parent / "locales"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "raportti"

BAR = "#1d5a8e"
INK = "#1a1a1a"
GRID = "#767676"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def kieli(value: str | None) -> str:
    return value if value in KIELET else "fi"


def translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES, languages=[lang], fallback=True)


@dataclass(frozen=True)
class Kaavio:
    """One chart: its SVG and the rows of its text-equivalent table."""

    otsikko: str
    svg: Markup
    sarakkeet: tuple[str, ...]
    rivit: tuple[tuple[str, ...], ...]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _svg(ids: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{ids}-t {ids}-d" focusable="false">'
        f'<title id="{ids}-t">{escape(title)}</title><desc id="{ids}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def trendikaavio(kuukaudet: Sequence[Kuukausi], _: Callable[[str], str], ids: str) -> Kaavio:
    """Monthly response rate as vertical bars, 0–100 %."""
    title = _("Response rate by month")
    width, height, left, top, bottom = 640, 240, 48, 16, 40
    plot_h = height - top - bottom
    step = (width - left - 8) / max(len(kuukaudet), 1)
    body = []
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        body.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">{pct} %</text>'
        )
    for i, k in enumerate(kuukaudet):
        x = left + i * step + step * 0.15
        h = plot_h * (k.osuus or 0)
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        year, month = k.kuukausi.split("-")
        body.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="12" '
            f'fill="{INK}">{int(month)}/{year[2:]}</text>'
        )
    desc = "; ".join(f"{k.kuukausi}: {_pct(k.osuus)}" for k in kuukaudet) or _("No links in this period.")
    rows = tuple((k.kuukausi, str(k.linkkeja), str(k.vastattu), _pct(k.osuus)) for k in kuukaudet)
    return Kaavio(
        title,
        _svg(ids, title, desc, width, height, body),
        (_("Month of the trigger date"), _("Links made"), _("Answered"), _("Response rate")),
        rows,
    )


def arvon_nimi(kysymys: Kysymys, arvo: str, lang: str, _: Callable[[str], str]) -> str:
    """What a distribution value is called on the page, in the page's language."""
    if kysymys.tyyppi == LIKERT:
        return _("Don't know") if arvo == str(EN_OSAA_SANOA) else arvo
    if kysymys.tyyppi == KYLLA_EI:
        return {KYLLA: _("Yes"), EI: _("No")}[arvo]
    vaihtoehto = next((v for v in kysymys.vaihtoehdot if v.koodi == arvo), None)
    return vaihtoehto.teksti.kielella(lang) if vaihtoehto else arvo


def jakaumakaavio(jakauma: Jakauma, lang: str, _: Callable[[str], str], ids: str) -> Kaavio:
    """One question's answers as horizontal bars with the count at the end of each bar."""
    title = jakauma.kysymys.teksti.kielella(lang)
    names = [(arvon_nimi(jakauma.kysymys, a, lang, _), m) for a, m in jakauma.maarat.items()]
    label_w, width, row_h = 250, 640, 26
    height = row_h * len(names) + 8
    most = max((m for _n, m in names), default=0) or 1
    body = []
    for i, (name, maara) in enumerate(names):
        y = 4 + i * row_h
        w = (width - label_w - 50) * maara / most
        short = name if len(name) <= 38 else name[:37] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="{INK}">{escape(short)}</text>'
        )
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}"/>')
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="13" fill="{INK}">{maara}</text>')
    desc = "; ".join(f"{n}: {m}" for n, m in names)
    if jakauma.keskiarvo is not None:
        desc += f". {_('Mean')}: {jakauma.keskiarvo:.2f}"
    return Kaavio(
        title,
        _svg(ids, title, desc, width, height, body),
        (_("Answer"), _("Respondents")),
        tuple((n, str(m)) for n, m in names),
    )


def kyselyn_nimi(kyselytyyppi: str, lang: str, _: Callable[[str], str]) -> str:
    versions = [k for k in load_all().values() if k.kyselytyyppi == kyselytyyppi]
    if not versions:
        return _("Workplace survey")
    return nykyinen_nimi(max(versions, key=lambda k: k.versio).nimi.kielella(lang))


@dataclass(frozen=True)
class Raporttidata:
    """One provider's figures for the page; `oppilaitokset` names the oppilaitos OIDs of the rates."""

    koulutustoimija: Any
    kuukaudet: Sequence[Kuukausi]
    osuudet: Sequence[Vastausosuus]
    ryhmat: Sequence[TilastoRyhma]
    oppilaitokset: Mapping[str, str]
    saa_vieda: bool


# The page's groupings of the response rates (the survey is always one key).
RYHMITTELYT = ("kyselytyyppi", "oppilaitos", "tutkinto")


def virheilmoitus(code: str, field: str | None, _: Callable[[str], str]) -> str:
    """A report page error in the page's language, for a DomainError's code."""
    messages = {
        "INVALID_DATE": _("Give the dates of the period as YYYY-MM-DD."),
        "INVALID_PERIOD": _("The end of the period must not be before its start."),
        "NOT_FOUND": _("There is no education provider with this identifier."),
        "FORBIDDEN": _("Your access token gives no right to read the reports of this education provider."),
        "INVALID_VALUE": _("Choose one of the groupings offered."),
    }
    return messages.get(code, _("The report could not be made from these choices."))


def render_sivu(
    *,
    lang: str,
    params: dict[str, str],
    valinnat: Sequence[Any],
    valittu: str,
    alku: Any,
    loppu: Any,
    ryhmittely: str,
    data: Raporttidata | None = None,
    virhe: tuple[str, str | None] | None = None,
) -> str:
    """The report page: the pickers, an error if any, and the provider's figures when there are some."""
    t = translations(lang)
    _ = t.gettext
    ids = (f"k{n}" for n in itertools.count(1))
    names = {"kyselytyyppi": _("Survey"), "oppilaitos": _("Educational institution"), "tutkinto": _("Qualification")}
    context: dict[str, Any] = {
        "lang": lang,
        "params": params,
        "kirjautunut": True,
        "valinnat": valinnat,
        "valittu": valittu,
        "alku": alku,
        "loppu": loppu,
        "ryhmittely": ryhmittely,
        "ryhmittelyt": [(r, names[r]) for r in RYHMITTELYT],
        "virhe": virheilmoitus(*virhe, _) if virhe else None,
        "kt": data.koulutustoimija if data else None,
    }
    if data is not None:
        context |= {
            "saa_vieda": data.saa_vieda,
            "trendi": trendikaavio(data.kuukaudet, _, next(ids)),
            "osuussarakkeet": [names["kyselytyyppi"]] + ([names[ryhmittely]] if ryhmittely != "kyselytyyppi" else []),
            "osuudet": [
                (_osuuden_nimet(o, ryhmittely, data.oppilaitokset, lang, _), o, _pct(o.osuus)) for o in data.osuudet
            ],
            "jakaumat": [
                (
                    kyselyn_nimi(g.kyselytyyppi, lang, _),
                    g,
                    [jakaumakaavio(j, lang, _, next(ids)) for j in g.jakaumat if j.vastauksia],
                )
                for g in data.ryhmat
            ],
        }
    return _render("sivu.html", t, **context)


def _osuuden_nimet(
    o: Vastausosuus, ryhmittely: str, oppilaitokset: Mapping[str, str], lang: str, _: Callable[[str], str]
) -> tuple[str, ...]:
    kysely = kyselyn_nimi(o.kyselytyyppi or "", lang, _)
    if ryhmittely == "oppilaitos":
        return (kysely, oppilaitokset.get(o.oppilaitos_oid or "", o.oppilaitos_oid or "–"))
    if ryhmittely == "tutkinto":
        return (kysely, o.tutkinto_koodi or "–")
    return (kysely,)


def render_kirjaudu(*, lang: str, params: dict[str, str], virhe: bool) -> str:
    """The sign-in form; `params` (the page's query) ride along so the page reopens as it was asked for."""
    return _render("kirjaudu.html", translations(lang), lang=lang, params=params, virhe=virhe, kirjautunut=False)


def _render(name: str, t: gettext.NullTranslations, **context: Any) -> str:
    """Translations go in the render context, so concurrent pages in different languages can't mix."""
    return _env.get_template(name).render(_=t.gettext, **context)
