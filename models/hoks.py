"""HOKS, its hankittavat tutkinnon osat and their hankkimistavat (DOMAIN.md §2).

A hankittava tutkinnon osa row is an ammatillinen or a paikallinen osa, or one osa-alue of a yhteinen osa, so a
työpaikkajakso under any of them is a hankkimistapa like any other. What eHOKS's HOKS document holds beyond the
columns Polku acts on is kept as given in `lisatiedot` (models/rules/ehoks.py), so an imported HOKS exports back.

A työpaikkajakso is a hankkimistapa of type oppisopimus or koulutussopimus; it keeps its identity across plan
updates through `yksiloiva_tunniste`, unique within the HOKS.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Oppija


class Hoks(Model):
    id = fields.IntField(primary_key=True)
    opiskeluoikeus: fields.OneToOneRelation[Opiskeluoikeus] = fields.OneToOneField(
        "models.Opiskeluoikeus", related_name="hoks", on_delete=fields.RESTRICT
    )
    oppija: fields.ForeignKeyRelation[Oppija] = fields.ForeignKeyField(
        "models.Oppija", related_name="hoksit", db_index=True, on_delete=fields.RESTRICT
    )
    ensikertainen_hyvaksyminen = fields.DateField()
    hyvaksytty = fields.DatetimeField(null=True)
    paivitetty = fields.DatetimeField(null=True)
    osaamisen_hankkimisen_tarve = fields.BooleanField(null=True)
    osaamisen_saavuttamisen_pvm = fields.DateField(null=True)
    # when a saavuttamisen pvm was first stored (cleared with it): "the first stored" trigger of §3
    osaamisen_saavuttamisen_pvm_tallennettu = fields.DatetimeField(null=True)
    sahkoposti = fields.CharField(max_length=320, null=True)
    puhelinnumero = fields.CharField(max_length=32, null=True)
    lisatiedot: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tutkinnon_osat: fields.ReverseRelation[HankittavaTutkinnonOsa]

    class Meta:
        table = "hoks"


class HankittavaTutkinnonOsa(Model):
    id = fields.IntField(primary_key=True)
    hoks: fields.ForeignKeyRelation[Hoks] = fields.ForeignKeyField(
        "models.Hoks", related_name="tutkinnon_osat", db_index=True, on_delete=fields.CASCADE
    )
    jarjestys = fields.IntField()
    tutkinnon_osa_koodi = fields.CharField(max_length=64)
    nimi = fields.CharField(max_length=255, null=True)
    tyyppi = fields.CharField(max_length=16, default="ammatillinen")
    osa_alue_koodi = fields.CharField(max_length=128, null=True)
    lisatiedot: Any = fields.JSONField(null=True)
    yhteinen_osa: Any = fields.JSONField(null=True)

    hankkimistavat: fields.ReverseRelation[Hankkimistapa]

    class Meta:
        table = "hankittava_tutkinnon_osa"


class Hankkimistapa(Model):
    id = fields.IntField(primary_key=True)
    hoks: fields.ForeignKeyRelation[Hoks] = fields.ForeignKeyField(
        "models.Hoks", related_name="hankkimistavat", on_delete=fields.CASCADE
    )
    tutkinnon_osa: fields.ForeignKeyRelation[HankittavaTutkinnonOsa] = fields.ForeignKeyField(
        "models.HankittavaTutkinnonOsa", related_name="hankkimistavat", db_index=True, on_delete=fields.CASCADE
    )
    jarjestys = fields.IntField()
    yksiloiva_tunniste = fields.CharField(max_length=128)
    tyyppi = fields.CharField(max_length=32)
    alku = fields.DateField()
    loppu = fields.DateField(db_index=True)
    tyopaikan_nimi = fields.CharField(max_length=255, null=True)
    ytunnus = fields.CharField(max_length=9, null=True)
    ohjaaja_nimi = fields.CharField(max_length=255, null=True)
    ohjaaja_sahkoposti = fields.CharField(max_length=320, null=True)
    ohjaaja_puhelinnumero = fields.CharField(max_length=32, null=True)
    osa_aikaisuus = fields.IntField(null=True)
    oppisopimuksen_perusta = fields.CharField(max_length=16, null=True)
    lisatiedot: Any = fields.JSONField(null=True)

    keskeytymisajanjaksot: fields.ReverseRelation[Keskeytymisajanjakso]

    class Meta:
        table = "hankkimistapa"
        unique_together = (("hoks", "yksiloiva_tunniste"),)


class Keskeytymisajanjakso(Model):
    id = fields.IntField(primary_key=True)
    hankkimistapa: fields.ForeignKeyRelation[Hankkimistapa] = fields.ForeignKeyField(
        "models.Hankkimistapa", related_name="keskeytymisajanjaksot", db_index=True, on_delete=fields.CASCADE
    )
    alku = fields.DateField()
    loppu = fields.DateField(null=True)

    class Meta:
        table = "keskeytymisajanjakso"
