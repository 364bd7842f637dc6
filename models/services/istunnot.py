"""The report page's server-side sessions (issue 10 item 6): the cookie holds a random id, not the bearer token.

A stolen cookie then gives at most one session until it expires or the token is revoked, and the long-lived
token never sits in the browser. Sessions are looked up by the id's SHA-256, with the token, user and roles in
one statement, as bearer tokens are (models.services.users).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from models.services.access import Principal
from models.services.errors import DomainError
from models.services.sql import fetch
from models.services.users import hash_token, principal_from_rows
from models.user import ApiToken, RaporttiIstunto

KESTO = timedelta(hours=8)


async def aloita_istunto(token: str, now: datetime) -> str:
    """A new session for a valid bearer token: the id for the cookie (shown once, only its hash is kept)."""
    api_token = await ApiToken.get_or_none(token_hash=hash_token(token), revoked_at=None)
    if api_token is None:
        raise DomainError("UNAUTHENTICATED", "the bearer token is unknown or revoked")
    await RaporttiIstunto.filter(vanhenee_at__lt=now).delete()
    istunto = secrets.token_urlsafe(32)
    await RaporttiIstunto.create(api_token=api_token, istunto_hash=hash_token(istunto), vanhenee_at=now + KESTO)
    return istunto


async def principal_for_istunto(istunto: str, now: datetime) -> Principal:
    """The user of a live session; UNAUTHENTICATED for an unknown, expired or revoked one."""
    rows = await fetch(
        lambda p: (
            f"""SELECT t.user_id, u.name, o.oid, o.path, r.role
  FROM raportti_istunto s JOIN api_token t ON t.id = s.api_token_id JOIN app_user u ON u.id = t.user_id
  LEFT JOIN app_role r ON r.user_id = u.id LEFT JOIN organisation o ON o.id = r.organisation_id
 WHERE s.istunto_hash = {p(hash_token(istunto))} AND s.vanhenee_at > {p(now)} AND t.revoked_at IS NULL"""
        )
    )
    if not rows:
        raise DomainError("UNAUTHENTICATED", "the report session is unknown, expired or ended")
    return principal_from_rows(rows)


async def lopeta_istunto(istunto: str) -> None:
    await RaporttiIstunto.filter(istunto_hash=hash_token(istunto)).delete()
