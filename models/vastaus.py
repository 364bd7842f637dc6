"""Answers, providers' extra questions (lisäkysymykset) and per-survey settings (DOMAIN.md §5).

One answer per link is enforced by the unique `kyselylinkki` column, so even racing submits store one row.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.organisation import Organisation


class Vastaus(Model):
    id = fields.IntField(primary_key=True)
    kyselylinkki: fields.OneToOneRelation[Kyselylinkki] = fields.OneToOneField(
        "models.Kyselylinkki", related_name="vastaus", on_delete=fields.RESTRICT
    )
    kysely_tunnus = fields.CharField(max_length=64)
    kysely_versio = fields.IntField()
    kieli = fields.CharField(max_length=2)
    vastaukset: Any = fields.JSONField()
    vastattu_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "vastaus"


class Lisakysymys(Model):
    """A provider's own question appended to one of its surveys. Retired ones stay for old answers."""

    id = fields.IntField(primary_key=True)
    koulutustoimija: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="lisakysymykset", on_delete=fields.RESTRICT
    )
    kyselytyyppi = fields.CharEnumField(Kyselytyyppi, max_length=40)
    jarjestys = fields.IntField()
    maaritys: Any = fields.JSONField()
    lisatty_at = fields.DatetimeField(auto_now_add=True)
    muokattu_at = fields.DatetimeField(auto_now=True)
    poistettu_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lisakysymys"
        # Every form served reads its provider's questions for one survey (models.services.vastaus.lomakelinkki).
        indexes = (("koulutustoimija_id", "kyselytyyppi", "jarjestys"),)


class KyselyAsetus(Model):
    """A provider's settings for one survey: the redirect URL (uudelleenohjauslinkki)."""

    id = fields.IntField(primary_key=True)
    koulutustoimija: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="kyselyasetukset", on_delete=fields.RESTRICT
    )
    kyselytyyppi = fields.CharEnumField(Kyselytyyppi, max_length=40)
    uudelleenohjaus_url = fields.CharField(max_length=2048, null=True)

    class Meta:
        table = "kyselyasetus"
        unique_together = (("koulutustoimija", "kyselytyyppi"),)


class Luonnos(Model):
    """A respondent's answers so far (save and return): one per link, removed on submit, expiry or cancellation.

    Holds only values of the link's own questions, trimmed to their limits; the answer itself is still stored
    once, in Vastaus, by the submit.
    """

    id = fields.IntField(primary_key=True)
    kyselylinkki: fields.OneToOneRelation[Kyselylinkki] = fields.OneToOneField(
        "models.Kyselylinkki", related_name="luonnos", on_delete=fields.CASCADE
    )
    arvot: Any = fields.JSONField()
    tallennettu_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "luonnos"
