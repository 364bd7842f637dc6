"""The one CSV writer of every CSV route (answer export, tilastot, työpaikkakysely, the Valpas check list).

CSV for Excel (DOMAIN.md §5 "UTF-8 with BOM, `;`"): a BOM so Excel detects UTF-8, `;` because Finnish Excel uses
the comma as decimal separator, CRLF rows, quotes doubled. A cell Excel would read as a formula (starting with
`=`, `+`, `-`, `@`, a tab or a CR) is neutralised with a leading `'` (OWASP "CSV injection"): respondents,
providers and Koski all supply free text (names, workplace names) that ends up in an official's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from models.rules.kysely import EI, KYLLA

BOM = "\ufeff"
DELIMITER = ";"
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a formula-looking cell with `'` so Excel shows it as text instead of evaluating it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def cell_text(value: object) -> str:
    """A value as CSV cell text: dates ISO, booleans kylla/ei, lists joined with ", ", None empty."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return KYLLA if value else EI
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def _cell(value: object) -> str:
    return neutralise(cell_text(value))


class CsvRivit:
    """Turns rows into Excel-ready CSV lines, one string per row, for streaming.

    Every cell goes through `cell_text` and `neutralise`; quoting (cells holding `;`, `"`, CR or LF are quoted,
    quotes doubled) is the csv module's. The BOM is its own first chunk (`alku`), so a streamed file starts with
    it exactly once.
    """

    alku = BOM

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=DELIMITER, lineterminator=LINE_END)

    def rivi(self, cells: Sequence[object]) -> str:
        return self.rivit([cells])

    def rivit(self, rows: Iterable[Sequence[object]]) -> str:
        """Several rows as one string: a streamed export writes a chunk of rows per call."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows([_cell(c) for c in cells] for cells in rows)
        return self._buffer.getvalue()
