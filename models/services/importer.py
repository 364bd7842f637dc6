"""`polku import-koski`: one Koski document per line; a bad line is reported and never stops the rest."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from models.rules.koski import parse_opiskeluoikeus
from models.services.access import SYSTEM, Principal
from models.services.errors import DomainError
from models.services.koski import save_opiskeluoikeus


@dataclass
class ImportSummary:
    accepted: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


async def import_lines(
    lines: Sequence[str],
    principal: Principal = SYSTEM,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    summary = ImportSummary()
    total = len(lines)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            reason = await _import_one(line, principal)
            if reason is None:
                summary.accepted += 1
            else:
                summary.refused.append((number, reason))
        if on_progress and (number % 100 == 0 or number == total):
            on_progress(number, total)
    return summary


async def _import_one(line: str, principal: Principal) -> str | None:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as e:
        return f"not JSON: {e.msg} at column {e.colno}"
    parsed, errors = parse_opiskeluoikeus(doc)
    if parsed is None:
        return "; ".join(f"{e.field}: {e.message}" for e in errors)
    try:
        await save_opiskeluoikeus(parsed, principal)
    except DomainError as e:
        return f"{e.field}: {e.message}" if e.field else e.message
    return None
