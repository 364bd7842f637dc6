"""Service and official users, their roles and bearer tokens (stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from models.organisation import Organisation
from models.services.access import Grant, Principal
from models.services.errors import DomainError, NotFound
from models.services.sql import fetch
from models.user import ApiToken, Role, RoleName, User, UserKind


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def add_user(name: str, kind: UserKind, org_oid: str, role: RoleName) -> User:
    """Create the user if new and give it `role` in the organisation (idempotent)."""
    org = await Organisation.get_or_none(oid=org_oid)
    if org is None:
        raise NotFound("organisation", org_oid, "org")
    user, _ = await User.get_or_create(name=name, defaults={"kind": kind})
    await Role.get_or_create(user=user, organisation=org, role=role)
    return user


async def issue_token(name: str) -> str:
    """A new random token for the user; only its hash is kept, so it is shown once."""
    user = await User.get_or_none(name=name)
    if user is None:
        raise NotFound("user", name, "name")
    token = secrets.token_urlsafe(32)
    await ApiToken.create(user=user, token_hash=hash_token(token))
    return token


async def principal_for_token(token: str) -> Principal:
    """Every request pays for this: token, user and roles come back in one joined query (raw SQL, as building it
    through the ORM cost more than running it)."""
    rows = await fetch(
        lambda p: (
            f"""SELECT t.user_id, u.name, o.oid, o.path, r.role
  FROM api_token t JOIN app_user u ON u.id = t.user_id
  LEFT JOIN app_role r ON r.user_id = u.id LEFT JOIN organisation o ON o.id = r.organisation_id
 WHERE t.token_hash = {p(hash_token(token))} AND t.revoked_at IS NULL"""
        )
    )
    if not rows:
        raise DomainError("UNAUTHENTICATED", "the bearer token is unknown or revoked")
    return principal_from_rows(rows)


def principal_from_rows(rows: list[Any]) -> Principal:
    """A principal from rows of (user id, user name, organisation oid, path, role), one per role."""
    user_id, name = rows[0][0], rows[0][1]
    grants = tuple(Grant(oid, path, RoleName(role)) for _, _, oid, path, role in rows if role is not None)
    return Principal(user_id=user_id, name=name, grants=grants)
