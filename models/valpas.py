"""Valpas records made by kunnat and providers, and the yhteishaku data imported beside Koski (DOMAIN.md §6.3).

Kuntailmoitus is immutable once made (§6.3: corrections go to the kunta directly): the service has no update
path and the database refuses UPDATE and DELETE on its table (`models/sql_extras.py`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.oppija import Oppija
from models.organisation import Organisation
from models.user import User


class Kieli(StrEnum):
    """Contact language of a kuntailmoitus: the kunta contacts the family in Finnish or Swedish."""

    FI = "fi"
    SV = "sv"


class Vapautus(Model):
    """Exemption from compulsory education (OVL 2 §), recorded by the kunta; cancelled, never deleted.

    A mistaken one is cancelled (mitätöity): it stays in the person's history with who cancelled it and when.
    At most one uncancelled per person (a partial unique index, `models/sql_extras.py`)."""

    id = fields.IntField(primary_key=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="vapautukset", on_delete=fields.RESTRICT
    )
    kunta: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    alku = fields.DateField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    mitatoity_at = fields.DatetimeField(null=True)
    mitatoija: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "valpas_vapautus"


class Keskeytys(Model):
    """Keskeytys of compulsory education recorded by the kunta: shown to officials, changes no dates (§6.3).

    Corrections keep the old state on the row: ending an open one records who ended it and when (it was open
    until then); a mistaken one is cancelled (mitätöity), never deleted."""

    id = fields.IntField(primary_key=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="keskeytykset", db_index=True, on_delete=fields.RESTRICT
    )
    kunta: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    alku = fields.DateField()
    loppu = fields.DateField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    paatetty_at = fields.DatetimeField(null=True)
    paattaja: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    mitatoity_at = fields.DatetimeField(null=True)
    mitatoija: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "valpas_keskeytys"


class Kuntailmoitus(Model):
    """Ilmoitus asuinkunnalle: the learner has no study place (§6.3). Never edited, never deleted.

    `muu_haku` is a copy of the maker's "Muu haku" mark at the time: the mark is visible to the kunta only
    through a notification (FAQ), and the notification must not change afterwards.
    """

    id = fields.IntField(primary_key=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="kuntailmoitukset", db_index=True, on_delete=fields.RESTRICT
    )
    kunta: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="vastaanotetut_kuntailmoitukset", on_delete=fields.RESTRICT
    )
    tekija_organisaatio: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="lahetetyt_kuntailmoitukset", on_delete=fields.RESTRICT
    )
    tekija: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    lahiosoite = fields.CharField(max_length=200, null=True)
    postinumero = fields.CharField(max_length=5, null=True)
    postitoimipaikka = fields.CharField(max_length=100, null=True)
    maa = fields.CharField(max_length=100, null=True)
    puhelinnumero = fields.CharField(max_length=32, null=True)
    sahkoposti = fields.CharField(max_length=320, null=True)
    yhteydenottokieli = fields.CharEnumField(Kieli, max_length=2)
    hakenut_muualle = fields.BooleanField()
    muu_haku = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "valpas_kuntailmoitus"


class MuuHaku(Model):
    """A provider's own note that the pupil applied outside yhteishaku (§6.3), seen by that provider only."""

    id = fields.IntField(primary_key=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name=False, on_delete=fields.CASCADE
    )
    oppilaitos: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    merkitsija: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "valpas_muu_haku"
        unique_together = (("oppija", "oppilaitos"),)


class Hakemus(Model):
    """A yhteishaku application with its results, mirrored like Koski data: the newer `muokattu` wins.

    `hakutoiveet` keeps the imported preferences in order: `[{hakukohde, oppilaitosOid, valintatila,
    vastaanottotila}]`; `sai_paikan` is derived on import (None while no results are published).
    """

    id = fields.IntField(primary_key=True)
    oid = fields.CharField(max_length=64, unique=True)
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="hakemukset", db_index=True, on_delete=fields.RESTRICT
    )
    haku_oid = fields.CharField(max_length=64)
    haku_nimi = fields.CharField(max_length=255)
    muokattu = fields.DatetimeField()
    hakutoiveet: Any = fields.JSONField()
    sai_paikan = fields.BooleanField(null=True)

    class Meta:
        table = "valpas_hakemus"
