"""Opiskeluoikeus mirrored from Koski: newest version overwrites, a voided one hides its HOKS (DOMAIN.md §2)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.oppija import Oppija
from models.organisation import Organisation


class Opiskeluoikeus(Model):
    id = fields.IntField(primary_key=True)
    oid = fields.CharField(max_length=64, unique=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="opiskeluoikeudet", on_delete=fields.RESTRICT
    )
    koulutustoimija: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="koulutustoimijan_opiskeluoikeudet", on_delete=fields.RESTRICT
    )
    oppilaitos: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="oppilaitoksen_opiskeluoikeudet", on_delete=fields.RESTRICT
    )
    # Koski's code sets are open (DOMAIN.md §2): code columns are wide enough for any real code.
    tyyppi = fields.CharField(max_length=255)
    alku = fields.DateField(null=True)
    arvioitu_loppu = fields.DateField(null=True)
    versio = fields.IntField()
    mitatoity = fields.BooleanField(default=False, db_index=True)
    mitatoity_at = fields.DatetimeField(null=True)
    mitatoinnin_syy = fields.CharField(max_length=64, null=True)
    # Data-quality problems (models.rules.tietojen_laatu codes, comma-separated; NULL: none), kept by every write
    # (models/services/valpas/laatuliput.py) so the data-quality list reads a partial index.
    laatuongelmat = fields.CharField(max_length=255, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tilat: fields.ReverseRelation[OpiskeluoikeudenTila]
    suoritukset: fields.ReverseRelation[PaatasonSuoritus]

    class Meta:
        table = "opiskeluoikeus"


class OpiskeluoikeudenTila(Model):
    id = fields.IntField(primary_key=True)
    opiskeluoikeus: fields.ForeignKeyRelation[Opiskeluoikeus] = fields.ForeignKeyField(
        "models.Opiskeluoikeus", related_name="tilat", on_delete=fields.CASCADE
    )
    alku = fields.DateField()
    tila = fields.CharField(max_length=255)

    class Meta:
        table = "opiskeluoikeuden_tila"


class PaatasonSuoritus(Model):
    id = fields.IntField(primary_key=True)
    opiskeluoikeus: fields.ForeignKeyRelation[Opiskeluoikeus] = fields.ForeignKeyField(
        "models.Opiskeluoikeus", related_name="suoritukset", on_delete=fields.CASCADE
    )
    tyyppi = fields.CharField(max_length=255)
    tutkinto_koodi = fields.CharField(max_length=255, null=True)
    tutkinto_nimi = fields.CharField(max_length=255, null=True)
    vahvistus = fields.DateField(null=True)
    # when Polku first stored this vahvistus: kept across transfers, it decides the päättökysely trigger (§3)
    vahvistus_tallennettu = fields.DatetimeField(null=True)

    class Meta:
        table = "paatason_suoritus"
