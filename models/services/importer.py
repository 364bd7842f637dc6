"""`polku import-koski`: Koski documents one per line, or one JSON value (a list) over the whole file.

Each document is its own transaction; a refused one (bad shape, stale version, a database error) is reported
with its line and field paths and never stops the rest, and the summary counts study rights by what happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tortoise.exceptions import BaseORMException

from models.rules.koski import read_documents
from models.services.access import SYSTEM, Principal
from models.services.errors import DomainError
from models.services.koski import OppijaResult, save_oppija


@dataclass
class ImportSummary:
    accepted: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    new_version: int = 0
    unchanged: int = 0

    def add(self, result: OppijaResult) -> None:
        self.accepted += len(result.created)
        self.new_version += len(result.updated)
        self.unchanged += len(result.unchanged)


def split_documents(text: str) -> list[str]:
    """The file's documents: one JSON value spread over several lines is one document, else one per line."""
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip()) > 1:
        try:
            json.loads(text)
        except json.JSONDecodeError:
            return lines
        return [text]
    return lines


async def import_lines(
    lines: Sequence[str],
    principal: Principal = SYSTEM,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    summary = ImportSummary()
    total = len(lines)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            for reason in await _import_one(line, principal, summary):
                summary.refused.append((number, reason))
        if on_progress and (number % 100 == 0 or number == total):
            on_progress(number, total)
    return summary


async def _import_one(line: str, principal: Principal, summary: ImportSummary) -> list[str]:
    """Import every document of one line into `summary`; the reasons of those refused."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as e:
        return [f"not JSON: {e.msg} at column {e.colno}"]
    reasons = []
    for luettu in read_documents(value):
        prefix = f"{luettu.path} " if luettu.path else ""
        if luettu.oppija is None:
            reasons.append(prefix + "; ".join(f"{e.field}: {e.message}" for e in luettu.errors))
            continue
        try:
            summary.add(await save_oppija(luettu.oppija, principal))
        except DomainError as e:
            reasons.append(prefix + (f"{e.field}: {e.message}" if e.field else e.message))
        except BaseORMException as e:
            reasons.append(prefix + f"the database refused it: {e}")
    return reasons
