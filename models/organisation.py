"""Organisations: OPH at the root, koulutustoimijat owning oppilaitokset, and kunnat.

A role in an organisation also covers its sub-organisations (DOMAIN.md §2, §6.4); the materialised `path`
("/root/…/self/") turns that into a prefix match instead of a recursive walk.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

OPH_OID = "1.2.246.562.10.00000000001"


class OrganisationTyyppi(StrEnum):
    OPH = "oph"
    KOULUTUSTOIMIJA = "koulutustoimija"
    OPPILAITOS = "oppilaitos"
    KUNTA = "kunta"


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    oid = fields.CharField(max_length=64, unique=True)
    tyyppi = fields.CharEnumField(OrganisationTyyppi, max_length=20)
    nimi = fields.CharField(max_length=255)
    nimi_sv = fields.CharField(max_length=255, null=True)
    nimi_en = fields.CharField(max_length=255, null=True)
    parent: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=1024, db_index=True)
    kuntakoodi = fields.CharField(max_length=3, null=True, db_index=True)

    class Meta:
        table = "organisation"

    def __str__(self) -> str:
        return f"{self.nimi} ({self.oid})"
