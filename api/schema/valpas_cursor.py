"""Cursors of the Valpas lists: the last row's sort key (names and OIDs) as URL-safe base64 JSON, so the next
page starts right after it however rows were added or removed meanwhile (keyset paging)."""

from __future__ import annotations

import base64
import json

from models.services.errors import DomainError


def encode(key: tuple[str, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode(cursor: str | None, size: int) -> tuple[str, ...] | None:
    """The key of a cursor this listing gave (`size` parts), or INVALID_CURSOR on field `after`."""
    if cursor is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong shape")
    except (ValueError, TypeError) as e:
        raise DomainError("INVALID_CURSOR", "the cursor is not one this listing gave", "after") from e
    return tuple(str(v) for v in values)
