"""Audit log: every read and write of personal data, who did it, and the field diff (DOMAIN.md §2)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    user_id = fields.IntField(null=True)
    user_name = fields.CharField(max_length=128)
    action = fields.CharField(max_length=32)
    entity = fields.CharField(max_length=64)
    entity_id = fields.CharField(max_length=64)
    oppija_oid = fields.CharField(max_length=64, null=True, db_index=True)
    changes: Any = fields.JSONField(null=True)

    class Meta:
        table = "audit_event"
