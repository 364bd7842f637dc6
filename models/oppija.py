"""Oppija (learner) with kotikunta history and turvakielto (DOMAIN.md §2, §6.1)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Oppija(Model):
    id = fields.IntField(primary_key=True)
    oid = fields.CharField(max_length=64, unique=True)
    hetu = fields.CharField(max_length=11, null=True)
    etunimet = fields.CharField(max_length=255)
    sukunimi = fields.CharField(max_length=255)
    syntymaaika = fields.DateField(null=True)
    turvakielto = fields.BooleanField(default=False)
    sahkoposti = fields.CharField(max_length=320, null=True)
    puhelinnumero = fields.CharField(max_length=32, null=True)
    # Data-quality items: details a Koski transfer left unknown (a person given by OID alone), e.g. "syntymaaika".
    puuttuvat_tiedot: list[str] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    updated_at = fields.DatetimeField(auto_now=True)
    # PostgreSQL also has `hakuavaimet` (text[]), kept by triggers for the name search: see models/sql_extras.py.

    kotikunnat: fields.ReverseRelation[Kotikunta]

    class Meta:
        table = "oppija"


class Kotikunta(Model):
    """One period of a kotikunta. The history matters for Valpas coverage (a kotikunta gained after 18)."""

    id = fields.IntField(primary_key=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="kotikunnat", on_delete=fields.CASCADE
    )
    kuntakoodi = fields.CharField(max_length=3)
    alku = fields.DateField()
    loppu = fields.DateField(null=True)

    class Meta:
        table = "kotikunta"
