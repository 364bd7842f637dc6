"""Where the Koski change feed was left: its cursor, and the lease that keeps one sync running at a time.

The lease is a compare-and-set on this row (`lukittu_asti` in the past or empty → ours), so it holds across
workers and processes on PostgreSQL and SQLite alike; a crashed holder's lease simply runs out.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class KoskiSynkronointi(Model):
    id = fields.IntField(primary_key=True)
    nimi = fields.CharField(max_length=64, unique=True)
    cursor = fields.TextField(null=True)
    lukittu_asti = fields.DatetimeField(null=True)
    lukitsija = fields.CharField(max_length=64, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "koski_synkronointi"
