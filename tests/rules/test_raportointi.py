"""Reporting rules (DOMAIN.md §5): response rate, n < 5 suppression, aggregation and Excel-safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from models.rules.csv_writer import BOM, CsvRivit, cell_text, neutralise
from models.rules.kysely import parse_kysymys
from models.rules.raportointi import (
    Jakauma,
    Kooste,
    is_piilotettu,
    merged_questions,
    vastausosuus,
)
from survey_ui.kyselyt import latest

TEKSTI = {"fi": "Kysymys", "sv": "Fråga", "en": "Question"}


def likert(eos: bool = True):  # type: ignore[no-untyped-def]
    return parse_kysymys(
        {"tunnus": "k", "tyyppi": "likert", "teksti": TEKSTI, "pakollinen": True, "en_osaa_sanoa": eos}
    )


def valinta(tyyppi: str = "monivalinta"):  # type: ignore[no-untyped-def]
    return parse_kysymys(
        {
            "tunnus": "v",
            "tyyppi": tyyppi,
            "teksti": TEKSTI,
            "pakollinen": False,
            "vaihtoehdot": [{"koodi": c, "teksti": TEKSTI} for c in ("a", "b", "c")],
        }
    )


class TestVastausosuus:
    def test_answered_over_links_made(self) -> None:
        assert vastausosuus(3, 12) == 0.25
        assert vastausosuus(0, 7) == 0.0
        assert vastausosuus(5, 5) == 1.0

    def test_no_links_is_no_rate_not_zero(self) -> None:
        assert vastausosuus(0, 0) is None

    @pytest.mark.parametrize(("answered", "made"), [(3, 2), (-1, 4), (1, -1)])
    def test_impossible_counts_refused(self, answered: int, made: int) -> None:
        with pytest.raises(ValueError, match="impossible"):
            vastausosuus(answered, made)


@pytest.mark.parametrize(("n", "hidden"), [(0, True), (1, True), (4, True), (5, False), (6, False), (100, False)])
def test_groups_under_five_are_hidden(n: int, hidden: bool) -> None:
    assert is_piilotettu(n) is hidden


class TestJakauma:
    def test_likert_counts_en_osaa_sanoa_but_leaves_it_out_of_the_mean(self) -> None:
        j = Jakauma(likert())
        for value in (5, 4, 0, "0", 1, None, ""):
            j.add(value)
        assert j.maarat == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1, "0": 2}
        assert j.vastauksia == 5
        assert j.keskiarvo == pytest.approx(10 / 3)

    def test_only_en_osaa_sanoa_has_no_mean(self) -> None:
        j = Jakauma(likert())
        j.add(0)
        assert j.keskiarvo is None and j.vastauksia == 1

    def test_likert_without_eos_has_no_zero_bucket(self) -> None:
        j = Jakauma(likert(eos=False))
        j.add(0)
        assert "0" not in j.maarat and j.vastauksia == 0

    def test_monivalinta_counts_each_ticked_option_once_per_respondent(self) -> None:
        j = Jakauma(valinta())
        j.add(["a", "c"])
        j.add(["a"])
        j.add(["zz"])  # unknown option: ignored, the respondent didn't answer this question
        assert j.maarat == {"a": 2, "b": 0, "c": 1}
        assert j.vastauksia == 2 and j.keskiarvo is None

    def test_kylla_ei_typed_or_posted(self) -> None:
        k = parse_kysymys({"tunnus": "ke", "tyyppi": "kylla_ei", "teksti": TEKSTI, "pakollinen": False})
        j = Jakauma(k)
        for value in (True, False, "kylla", True):
            j.add(value)
        assert j.maarat == {"kylla": 3, "ei": 1}

    def test_free_text_is_never_aggregated(self) -> None:
        k = parse_kysymys({"tunnus": "t", "tyyppi": "teksti", "teksti": TEKSTI, "pakollinen": False, "max_pituus": 9})
        with pytest.raises(ValueError, match="free text"):
            Jakauma(k)


def test_kooste_uses_national_non_text_questions_only() -> None:
    kysely = latest("aloittaneet")
    kooste = Kooste(merged_questions([kysely]))
    assert "vapaa_palaute" not in kooste.jakaumat and "hakeutumisen_syy_muu" not in kooste.jakaumat
    for value in (5, 5, 4, 4, 4):
        kooste.add({"suosittelu": value, "lisa:3": "ei mukaan", "vapaa_palaute": "x"})
    assert kooste.vastaajia == 5 and not kooste.piilotettu
    assert kooste.jakaumat["suosittelu"].keskiarvo == pytest.approx(4.4)
    assert kooste.jakaumat["vastaanotto"].vastauksia == 0


class TestCsv:
    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("=1+2", "'=1+2"),
            ("+358401234567", "'+358401234567"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tpiilo", "'\tpiilo"),
            ("\rrivi", "'\rrivi"),
            ("tavallinen = teksti", "tavallinen = teksti"),
            ("", ""),
            ("5", "5"),
        ],
    )
    def test_formula_looking_cells_are_neutralised(self, cell: str, expected: str) -> None:
        assert neutralise(cell) == expected

    def test_cell_text(self) -> None:
        assert cell_text(None) == ""
        assert cell_text(True) == "kylla" and cell_text(False) == "ei"
        assert cell_text(date(2021, 9, 1)) == "2021-09-01"
        assert cell_text(datetime(2021, 9, 1, 12, 30)) == "2021-09-01T12:30:00"
        assert cell_text(["a", "b"]) == "a, b"
        assert cell_text(0.25) == "0.25" and cell_text(1.0) == "1"

    def test_rows_are_semicolon_separated_crlf_with_doubled_quotes(self) -> None:
        rows = CsvRivit()
        assert rows.alku == BOM == "\ufeff"
        line = rows.rivi(["a;b", 'sanoi "hei"', "kaksi\nriviä", "=kaava", None, 3])
        assert line.endswith("\r\n")
        assert line == '"a;b";"sanoi ""hei""";"kaksi\nriviä";\'=kaava;;3\r\n'
        [parsed] = list(csv.reader(io.StringIO(line, newline=""), delimiter=";"))
        assert parsed == ["a;b", 'sanoi "hei"', "kaksi\nriviä", "'=kaava", "", "3"]

    def test_writer_is_reusable_row_after_row(self) -> None:
        rows = CsvRivit()
        assert rows.rivi(["x"]) == "x\r\n"
        assert rows.rivi(["y", "z"]) == "y;z\r\n"
