"""Herätteet: every feedback decision, stored with the data change that caused it (DOMAIN.md §3–4).

`Opiskelijaherate` is the student-survey decision per HOKS and survey slot (aloitus / päättö): either the link
that was made or the reason code why none was. `Tyopaikkajaksoherate` is a työpaikkajakso's scheduling state:
its scheduled send day (the 1st or the 16th) and the reason it does not qualify; once bundled, its `NippuJasen`
row names the link and the state is no longer re-decided.
`Ajo` marks the runs that must happen once (a send day's bundling, a työpaikkakysely window), so a replayed or
restarted tick never bundles twice.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.hoks import Hankkimistapa, Hoks
from models.kyselylinkki import Kyselylinkki

# The two student survey slots: the päättökyselyt share one (DOMAIN.md §3 "once per year").
ALOITUS = "aloitus"
PAATTO = "paatto"


class Opiskelijaherate(Model):
    """The latest decision for one slot of one HOKS. A made link is final, a reason is re-decided on each save."""

    id = fields.IntField(primary_key=True)
    hoks: fields.ForeignKeyRelation[Hoks] = fields.ForeignKeyField(
        "models.Hoks", related_name="opiskelijaherateet", on_delete=fields.CASCADE
    )
    vaihe = fields.CharField(max_length=8)
    kyselytyyppi = fields.CharField(max_length=40)
    heratepvm = fields.DateField()
    rahoituskausi = fields.CharField(max_length=9)
    syy = fields.CharField(max_length=64, null=True)
    kyselylinkki: fields.ForeignKeyNullableRelation[Kyselylinkki] = fields.ForeignKeyField(
        "models.Kyselylinkki", related_name="opiskelijaherateet", null=True, on_delete=fields.RESTRICT
    )
    paatetty_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "opiskelijaherate"
        unique_together = (("hoks", "vaihe"),)


class Tyopaikkajaksoherate(Model):
    """A työpaikkajakso's instructor-survey schedule, dropped with the jakso when it is removed before sending."""

    id = fields.IntField(primary_key=True)
    hankkimistapa: fields.OneToOneRelation[Hankkimistapa] = fields.OneToOneField(
        "models.Hankkimistapa", related_name="herate", on_delete=fields.CASCADE
    )
    hoks: fields.ForeignKeyRelation[Hoks] = fields.ForeignKeyField(
        "models.Hoks", related_name="tyopaikkajaksoherateet", db_index=True, on_delete=fields.CASCADE
    )
    heratepvm = fields.DateField(null=True, db_index=True)
    syy = fields.CharField(max_length=64, null=True)
    paatetty_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tyopaikkajaksoherate"


class Ajo(Model):
    """A once-only run: (`niputus`, send day) or (`tyopaikkakysely`, window start)."""

    id = fields.IntField(primary_key=True)
    tyyppi = fields.CharField(max_length=32)
    paiva = fields.DateField()
    valmis_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ajo"
        unique_together = (("tyyppi", "paiva"),)
