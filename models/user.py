"""Users (service users of school systems, officials), their roles per organisation, and bearer tokens.

Tokens are stored only as SHA-256 hashes: a leaked table gives no usable credential.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.organisation import Organisation


class UserKind(StrEnum):
    SERVICE = "service"
    OFFICIAL = "official"


class RoleName(StrEnum):
    """eHOKS roles (read ⊂ write ⊂ admin) and the Valpas roles of DOMAIN.md §6.4."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    VASTUUKAYTTAJA = "vastuukayttaja"
    PAAKAYTTAJA = "paakayttaja"
    VALVOJA_HAKEUTUMINEN = "valvoja_hakeutuminen"
    VALVOJA_SUORITTAMINEN = "valvoja_suorittaminen"
    VALVOJA_MAKSUTTOMUUS = "valvoja_maksuttomuus"
    KUNTA_PAAKAYTTAJA = "kunta_paakayttaja"
    KUNTA_VALVOJA = "kunta_valvoja"


class User(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128, unique=True)
    kind = fields.CharEnumField(UserKind, max_length=16, default=UserKind.OFFICIAL)
    created_at = fields.DatetimeField(auto_now_add=True)

    roles: fields.ReverseRelation[Role]

    class Meta:
        table = "app_user"


class Role(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="roles", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="roles", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(RoleName, max_length=32)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="granted_roles", null=True, on_delete=fields.SET_NULL
    )
    granted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_role"
        unique_together = (("user", "organisation", "role"),)


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class RaporttiIstunto(Model):
    """A browser's sign-in to the report page: its cookie holds a random session id, never the bearer token.

    Only the id's SHA-256 is stored. A session lasts at most its `vanhenee_at` and ends with the token it was
    opened with (revoking the token ends every session opened with it).
    """

    id = fields.IntField(primary_key=True)
    api_token: fields.ForeignKeyRelation[ApiToken] = fields.ForeignKeyField(
        "models.ApiToken", related_name="istunnot", on_delete=fields.CASCADE
    )
    istunto_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    vanhenee_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "raportti_istunto"
