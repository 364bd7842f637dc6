"""Opaque page cursors of listings ordered by row id (HOKSes, the audit log): `kind:id`, base64url."""

from __future__ import annotations

import base64

from models.services.errors import DomainError


def id_cursor(kind: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode()


def after_id(kind: str, cursor: str | None) -> int:
    """The id after which the next page starts (0 without a cursor); a cursor of another listing is refused."""
    if cursor is None:
        return 0
    try:
        found, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if found != kind:
            raise ValueError(found)
        return int(value)
    except ValueError as e:
        raise DomainError("INVALID_CURSOR", "the cursor is not one this listing gave", "after") from e
