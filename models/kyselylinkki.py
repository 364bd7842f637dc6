"""Kyselylinkki (one-time survey answer link), its bundle members and delivery records (DOMAIN.md §3–4).

The tunnus is the only secret a respondent holds: 256 random bits, URL-safe. A link is cancelled (not deleted)
when its OO is voided, so reports and the respondent's "expired" page still find it.
"""

from __future__ import annotations

import secrets
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.hoks import Hankkimistapa, Hoks
from models.oppija import Oppija
from models.organisation import Organisation


class Kyselytyyppi(StrEnum):
    ALOITTANEET = "aloittaneet"
    TUTKINNON_SUORITTANEET = "tutkinnon_suorittaneet"
    TUTKINNON_OSIA_SUORITTANEET = "tutkinnon_osia_suorittaneet"
    TYOPAIKKAOHJAAJAKYSELY = "tyopaikkaohjaajakysely"
    TYOPAIKKAKYSELY = "tyopaikkakysely"


class Kanava(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class ToimitusTila(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    DELIVERED = "delivered"


def new_tunnus() -> str:
    return secrets.token_urlsafe(32)


class Kyselylinkki(Model):
    id = fields.IntField(primary_key=True)
    tunnus = fields.CharField(max_length=64, unique=True, default=new_tunnus)
    kyselytyyppi = fields.CharEnumField(Kyselytyyppi, max_length=40)
    koulutustoimija: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="kyselylinkit", db_index=True, on_delete=fields.RESTRICT
    )
    oppilaitos: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="oppilaitoksen_kyselylinkit", null=True, on_delete=fields.RESTRICT
    )
    tutkinto_koodi = fields.CharField(max_length=32, null=True)
    tutkinto_nimi = fields.CharField(max_length=255, null=True)
    hoks: fields.ForeignKeyNullableRelation[Hoks] = fields.ForeignKeyField(
        "models.Hoks", related_name="kyselylinkit", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    # indexed: every HOKS save reads the learner's earlier links ("once per rahoituskausi"), and without it
    # that read scanned every link in the country (per-save p99 grew with the table, issue 18)
    oppija: fields.ForeignKeyNullableRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="kyselylinkit", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    ytunnus = fields.CharField(max_length=9, null=True)
    heratepvm = fields.DateField()
    rahoituskausi = fields.CharField(max_length=9)
    lahetyspvm = fields.DateField(null=True, db_index=True)
    vastausaika_alku = fields.DateField(null=True)
    vastausaika_loppu = fields.DateField(null=True, db_index=True)
    sahkoposti = fields.CharField(max_length=320, null=True)
    puhelinnumero = fields.CharField(max_length=32, null=True)
    muistutuksia = fields.IntField(default=0)
    vastattu_at = fields.DatetimeField(null=True)
    peruttu_at = fields.DatetimeField(null=True)
    peruutuksen_syy = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    jasenet: fields.ReverseRelation[NippuJasen]
    toimitukset: fields.ReverseRelation[Toimitus]

    class Meta:
        table = "kyselylinkki"


class NippuJasen(Model):
    """A työpaikkajakso answered through a bundled instructor link: reports unbundle through these rows."""

    id = fields.IntField(primary_key=True)
    kyselylinkki: fields.ForeignKeyRelation[Kyselylinkki] = fields.ForeignKeyField(
        "models.Kyselylinkki", related_name="jasenet", on_delete=fields.CASCADE
    )
    hankkimistapa: fields.ForeignKeyRelation[Hankkimistapa] = fields.ForeignKeyField(
        "models.Hankkimistapa", related_name="nippujasenyydet", db_index=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "nippu_jasen"
        unique_together = (("kyselylinkki", "hankkimistapa"),)


class Toimitus(Model):
    """One message on one channel: the original send, a reminder or a resend, with its outcome."""

    id = fields.IntField(primary_key=True)
    kyselylinkki: fields.ForeignKeyRelation[Kyselylinkki] = fields.ForeignKeyField(
        "models.Kyselylinkki", related_name="toimitukset", on_delete=fields.CASCADE
    )
    kanava = fields.CharEnumField(Kanava, max_length=8)
    tarkoitus = fields.CharField(max_length=32)
    osoite = fields.CharField(max_length=320)
    tila = fields.CharEnumField(ToimitusTila, max_length=16, default=ToimitusTila.QUEUED)
    yritykset = fields.IntField(default=0)
    virhe = fields.TextField(null=True)
    palvelun_tunnus = fields.CharField(max_length=64, null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "toimitus"
        unique_together = (("kyselylinkki", "kanava", "tarkoitus"),)
