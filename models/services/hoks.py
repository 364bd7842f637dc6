"""Creating, replacing and patching a HOKS (DOMAIN.md §2): one transaction each, audited with a diff.

A HOKS can't be made for a voided OO, for another oppija's OO, or twice for one OO (the unique column catches
a race the check misses). Työpaikkajaksot keep their row, and so their survey history, by yksiloiva_tunniste.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks, Keskeytymisajanjakso
from models.kyselylinkki import NippuJasen
from models.opiskeluoikeus import Opiskeluoikeus
from models.rules.ehoks_tiedot import validate_tiedot
from models.rules.hoks import (
    FieldError,
    HankkimistapaPlan,
    HoksPlan,
    TutkinnonOsaPlan,
    validate_plan,
    validate_top_level,
)
from models.rules.hoks import (
    Keskeytymisajanjakso as KeskeytymisajanjaksoPlan,
)
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound, ValidationFailed
from models.services.facts import CHUNK, chunks, values_in
from models.services.herate import record_herateet
from models.services.sql import day, fetch
from models.user import RoleName

PATCHABLE = (
    "ensikertainen_hyvaksyminen",
    "osaamisen_hankkimisen_tarve",
    "osaamisen_saavuttamisen_pvm",
    "sahkoposti",
    "puhelinnumero",
)


async def load_visible_hoks(hoks_id: int, principal: Principal, need: RoleName) -> Hoks:
    """The HOKS if it exists, its OO is not voided, and the principal holds `need` on its oppilaitos."""
    hoks = await Hoks.filter(id=hoks_id).select_related("opiskeluoikeus__oppilaitos", "oppija").first()
    if hoks is None or hoks.opiskeluoikeus.mitatoity:
        raise NotFound("HOKS", hoks_id, "id")
    principal.require(need, hoks.opiskeluoikeus.oppilaitos.path, Viesti.of("HOKS {id}", id=hoks_id))
    return hoks


async def lock_visible_hoks(hoks_id: int, principal: Principal, need: RoleName) -> Hoks:
    """`load_visible_hoks` under the HOKS row lock, taken BEFORE the read (inside a transaction): what a writer
    reads is then what the database holds until it commits, so a concurrent writer's change is not overwritten
    with an older copy (issue 12 item 1)."""
    await Hoks.filter(id=hoks_id).select_for_update(no_key=True).only("id")  # values() would drop FOR UPDATE
    return await load_visible_hoks(hoks_id, principal, need)


async def create_hoks(plan: HoksPlan, principal: Principal, today: date, *, tyopaikka_required: bool = True) -> Hoks:
    _raise_if(_plan_errors(plan, today, tyopaikka_required))
    async with in_transaction():
        oo = await Opiskeluoikeus.get_or_none(oid=plan.opiskeluoikeus_oid).prefetch_related("oppija", "oppilaitos")
        if oo is None:
            raise NotFound("opiskeluoikeus", plan.opiskeluoikeus_oid, "opiskeluoikeus_oid")
        principal.require(RoleName.WRITE, oo.oppilaitos.path, Viesti.of("HOKS of opiskeluoikeus {oid}", oid=oo.oid))
        if oo.mitatoity:
            raise DomainError("OPISKELUOIKEUS_VOIDED", "the opiskeluoikeus is voided", "opiskeluoikeus_oid")
        if oo.oppija.oid != plan.oppija_oid:
            raise DomainError("OPPIJA_MISMATCH", "the opiskeluoikeus belongs to another oppija", "oppija_oid")
        if await Hoks.exists(opiskeluoikeus=oo):
            raise _duplicate()
        try:
            async with in_transaction():
                hoks = await Hoks.create(
                    opiskeluoikeus=oo,
                    oppija=oo.oppija,
                    lisatiedot=dict(plan.lisatiedot) or None,
                    **_arrivals(None, _top_level(plan)),
                )
        except IntegrityError as e:
            raise _duplicate() from e
        await _write_plan(hoks, plan, existing={})
        await record_herateet(hoks.id, today)
        await audit.record(principal, "create", "hoks", hoks.id, plan.oppija_oid, audit.diff(None, snapshot(plan)))
        return hoks


async def update_hoks(
    hoks_id: int, plan: HoksPlan, principal: Principal, today: date, *, tyopaikka_required: bool = True
) -> Hoks:
    """Replace the whole plan; jaksot whose yksiloiva_tunniste is kept are updated in place."""
    _raise_if(_plan_errors(plan, today, tyopaikka_required))
    async with in_transaction():
        hoks = await lock_visible_hoks(hoks_id, principal, RoleName.WRITE)
        _check_identity(hoks, plan)
        before = await load_plan(hoks)
        existing = {t.yksiloiva_tunniste: t for t in await Hankkimistapa.filter(hoks=hoks)}
        top = _arrivals(hoks, {**_top_level(plan), "lisatiedot": dict(plan.lisatiedot) or None})
        await hoks.update_from_dict(top).save(update_fields=[*top, "updated_at"])
        await _write_plan(hoks, plan, existing)
        await record_herateet(hoks.id, today)
        await audit.record(
            principal,
            "update",
            "hoks",
            hoks.id,
            plan.oppija_oid,
            audit.diff(snapshot(before), snapshot(plan)),
        )
        return hoks


async def patch_hoks(hoks_id: int, changes: dict[str, Any], principal: Principal, today: date) -> Hoks:
    """Change only the given top-level fields; the plan's tutkinnon osat stay as they are."""
    unknown = set(changes) - set(PATCHABLE)
    if unknown:
        raise DomainError(
            "UNKNOWN_FIELD", "cannot patch {fields}", sorted(unknown)[0], fields=", ".join(sorted(unknown))
        )
    async with in_transaction():
        hoks = await lock_visible_hoks(hoks_id, principal, RoleName.WRITE)
        before = {k: getattr(hoks, k) for k in PATCHABLE}
        after = {**before, **changes}
        if after["ensikertainen_hyvaksyminen"] is None:
            raise ValidationFailed([FieldError("ensikertainen_hyvaksyminen", "REQUIRED", "is required")])
        probe = HoksPlan(
            oppija_oid=hoks.oppija.oid,
            opiskeluoikeus_oid=hoks.opiskeluoikeus.oid,
            **after,
        )
        _raise_if(validate_top_level(probe, today))
        changed = _arrivals(hoks, changes)
        await hoks.update_from_dict(changed).save(update_fields=[*changed, "updated_at"])
        await record_herateet(hoks.id, today)
        await audit.record(principal, "update", "hoks", hoks.id, hoks.oppija.oid, audit.diff(before, after))
        return hoks


def _plan_errors(plan: HoksPlan, today: date, tyopaikka_required: bool) -> list[FieldError]:
    """The plan's own rules and those of the parts kept as eHOKS holds them, all at once."""
    return validate_plan(plan, today, tyopaikka_required=tyopaikka_required) + validate_tiedot(plan)


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _duplicate() -> DomainError:
    return DomainError("DUPLICATE_HOKS", "the opiskeluoikeus already has a HOKS", "opiskeluoikeus_oid")


def _check_identity(hoks: Hoks, plan: HoksPlan) -> None:
    if plan.opiskeluoikeus_oid != hoks.opiskeluoikeus.oid:
        raise DomainError("IMMUTABLE", "a HOKS cannot move to another opiskeluoikeus", "opiskeluoikeus_oid")
    if plan.oppija_oid != hoks.oppija.oid:
        raise DomainError("IMMUTABLE", "a HOKS cannot move to another oppija", "oppija_oid")


def _top_level(source: HoksPlan | Hoks) -> dict[str, Any]:
    """The top-level fields of a plan or a stored HOKS (the same names on both)."""
    return {key: getattr(source, key) for key in PATCHABLE}


def _arrivals(hoks: Hoks | None, values: dict[str, Any]) -> dict[str, Any]:
    """`values` plus when the saavuttamisen pvm first arrived: kept while one stays stored, cleared with it (§3
    "Which of two dates is first stored")."""
    pvm = values.get("osaamisen_saavuttamisen_pvm", hoks.osaamisen_saavuttamisen_pvm if hoks else None)
    kept = hoks.osaamisen_saavuttamisen_pvm_tallennettu if hoks and hoks.osaamisen_saavuttamisen_pvm else None
    arrived = None if pvm is None else kept or datetime.now(UTC)
    return {**values, "osaamisen_saavuttamisen_pvm_tallennettu": arrived}


def _tapa_fields(tapa: HankkimistapaPlan) -> dict[str, Any]:
    return {
        "tyyppi": tapa.tyyppi,
        "alku": tapa.alku,
        "loppu": tapa.loppu,
        "tyopaikan_nimi": tapa.tyopaikan_nimi,
        "ytunnus": tapa.ytunnus,
        "ohjaaja_nimi": tapa.ohjaaja_nimi,
        "ohjaaja_sahkoposti": tapa.ohjaaja_sahkoposti,
        "ohjaaja_puhelinnumero": tapa.ohjaaja_puhelinnumero,
        "osa_aikaisuus": tapa.osa_aikaisuus,
        "oppisopimuksen_perusta": tapa.oppisopimuksen_perusta,
        "lisatiedot": dict(tapa.lisatiedot) or None,
    }


async def _write_plan(hoks: Hoks, plan: HoksPlan, existing: dict[str, Hankkimistapa]) -> None:
    """Write the tutkinnon osat anew, re-pointing kept hankkimistavat before the old osat go."""
    old_osa_ids = await HankittavaTutkinnonOsa.filter(hoks=hoks).values_list("id", flat=True)
    kept: set[int] = set()
    for i, osa in enumerate(plan.tutkinnon_osat):
        osa_row = await HankittavaTutkinnonOsa.create(
            hoks=hoks,
            jarjestys=i,
            tutkinnon_osa_koodi=osa.tutkinnon_osa_koodi,
            nimi=osa.nimi,
            tyyppi=osa.tyyppi,
            osa_alue_koodi=osa.osa_alue_koodi,
            lisatiedot=dict(osa.lisatiedot) or None,
            yhteinen_osa=dict(osa.yhteinen_osa) or None,
        )
        for j, tapa in enumerate(osa.hankkimistavat):
            tunniste = tapa.yksiloiva_tunniste or str(uuid.uuid4())
            row = existing.get(tunniste)
            if row is not None:
                await row.update_from_dict({**_tapa_fields(tapa), "tutkinnon_osa": osa_row, "jarjestys": j}).save()
                await Keskeytymisajanjakso.filter(hankkimistapa=row).delete()
                kept.add(row.id)
            else:
                row = await Hankkimistapa.create(
                    hoks=hoks,
                    tutkinnon_osa=osa_row,
                    jarjestys=j,
                    yksiloiva_tunniste=tunniste,
                    **_tapa_fields(tapa),
                )
            if tapa.keskeytymisajanjaksot:
                await Keskeytymisajanjakso.bulk_create(
                    [
                        Keskeytymisajanjakso(hankkimistapa=row, alku=k.alku, loppu=k.loppu)
                        for k in tapa.keskeytymisajanjaksot
                    ],
                    batch_size=CHUNK,
                )
    # In chunks: a plan stored before the size limits may hold more rows than one statement takes parameters
    # (asyncpg's limit is 32 767), and it must still be possible to shrink it.
    dropped = [t.id for t in existing.values() if t.id not in kept]
    await _refuse_dropping_surveyed(dropped, existing)
    for chunk in chunks(dropped):
        await Hankkimistapa.filter(id__in=chunk).delete()
    for chunk in chunks(old_osa_ids):
        await HankittavaTutkinnonOsa.filter(id__in=chunk).delete()


async def _refuse_dropping_surveyed(ids: list[int], existing: dict[str, Hankkimistapa]) -> None:
    """A jakso in an instructor survey already made stays: its answer is reported per jakso (DOMAIN.md §4.1)."""
    surveyed = {
        row["hankkimistapa_id"] for row in await values_in(NippuJasen, "hankkimistapa_id", ids, ("hankkimistapa_id",))
    }
    if surveyed:
        tunnisteet = sorted(t.yksiloiva_tunniste for t in existing.values() if t.id in surveyed)
        raise DomainError(
            "JAKSO_IN_SURVEY",
            "työpaikkajakso {tunnisteet} is in an instructor survey already made and cannot be removed",
            "tutkinnon_osat",
            tunnisteet=", ".join(tunnisteet),
        )


async def load_plan(hoks: Hoks) -> HoksPlan:
    """The stored plan as the rules see it (used for diffs and by the feedback decisions)."""
    osat = (await stored_osat([hoks.id]))[hoks.id]
    await hoks.fetch_related("oppija", "opiskeluoikeus")
    return HoksPlan(
        oppija_oid=hoks.oppija.oid,
        opiskeluoikeus_oid=hoks.opiskeluoikeus.oid,
        tutkinnon_osat=tuple(o.plan for o in osat),
        lisatiedot=hoks.lisatiedot or {},
        **_top_level(hoks),
    )


@dataclass(frozen=True)
class StoredJakso:
    """A stored hankkimistapa: its row id and what it plans."""

    id: int
    plan: HankkimistapaPlan


@dataclass(frozen=True)
class StoredOsa:
    """A stored tutkinnon osa with its jaksot in plan order, each with its breaks by start."""

    id: int
    osa: TutkinnonOsaPlan  # without its hankkimistavat, which are `jaksot`
    jaksot: tuple[StoredJakso, ...]

    @property
    def tutkinnon_osa_koodi(self) -> str:
        return self.osa.tutkinnon_osa_koodi

    @property
    def nimi(self) -> str | None:
        return self.osa.nimi

    @property
    def plan(self) -> TutkinnonOsaPlan:
        return replace(self.osa, hankkimistavat=tuple(j.plan for j in self.jaksot))


async def stored_osat(hoks_ids: Sequence[int]) -> dict[int, list[StoredOsa]]:
    """The units, jaksot and breaks of many HOKSes (every id a key), in one statement.

    Raw SQL: a page of 100 HOKSes has some 300 units and 700 jaksot, and making and filling ORM objects for them
    cost more than the rest of the page (bench/graphql_hoks.py).
    """
    found: dict[int, list[StoredOsa]] = {i: [] for i in hoks_ids}
    if not hoks_ids:
        return found
    rows = await fetch(
        lambda p: (
            f"""SELECT t.hoks_id, t.id, {_OSA_COLUMNS}, ht.id, {_TAPA_COLUMNS}, k.alku, k.loppu
  FROM hankittava_tutkinnon_osa t
  LEFT JOIN hankkimistapa ht ON ht.tutkinnon_osa_id = t.id
  LEFT JOIN keskeytymisajanjakso k ON k.hankkimistapa_id = ht.id
 WHERE t.hoks_id IN ({p.many(hoks_ids)})
 ORDER BY t.hoks_id, t.jarjestys, t.id, ht.jarjestys, ht.id, k.alku, k.id"""
        )
    )
    tapa_start = 3 + len(_OSA_KEYS)
    tapa_end = tapa_start + len(_TAPA_KEYS)
    for (hoks_id, osa_id), osa_group in groupby(rows, key=lambda r: (r[0], r[1])):
        osa_rows = list(osa_group)
        osa = dict(zip(_OSA_KEYS, osa_rows[0][2 : tapa_start - 1], strict=True))
        for key in ("lisatiedot", "yhteinen_osa"):
            osa[key] = _json(osa[key])
        jaksot = []
        for tapa_id, tapa_group in groupby(osa_rows, key=lambda r: r[tapa_start - 1]):
            if tapa_id is None:  # a unit without jaksot: its one row has none
                continue
            tapa_rows = list(tapa_group)
            values = dict(zip(_TAPA_KEYS, tapa_rows[0][tapa_start:tapa_end], strict=True))
            values["alku"], values["loppu"] = day(values["alku"]), day(values["loppu"])
            values["lisatiedot"] = _json(values["lisatiedot"])
            breaks = tuple(
                KeskeytymisajanjaksoPlan(day(r[tapa_end]), day(r[tapa_end + 1]))  # type: ignore[arg-type]
                for r in tapa_rows
                if r[tapa_end] is not None
            )
            jaksot.append(StoredJakso(tapa_id, HankkimistapaPlan(**values, keskeytymisajanjaksot=breaks)))
        found[hoks_id].append(StoredOsa(osa_id, TutkinnonOsaPlan(**osa), tuple(jaksot)))
    return found


def _json(value: Any) -> dict[str, Any]:
    """A JSON column as read by raw SQL: text from SQLite and from asyncpg's jsonb, absent as empty."""
    if value is None:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


_OSA_KEYS = ("tutkinnon_osa_koodi", "nimi", "tyyppi", "osa_alue_koodi", "lisatiedot", "yhteinen_osa")
_OSA_COLUMNS = ", ".join(f"t.{key}" for key in _OSA_KEYS)

_TAPA_KEYS = ("yksiloiva_tunniste", *_tapa_fields(HankkimistapaPlan("muu", date.min, date.min)).keys())
_TAPA_COLUMNS = ", ".join(f"ht.{key}" for key in _TAPA_KEYS)


def snapshot(plan: HoksPlan) -> dict[str, Any]:
    """A JSON-able view of the plan with jaksot keyed by tunniste, so the audit diff follows a jakso."""
    data = asdict(plan)
    for osa in data["tutkinnon_osat"]:
        osa["hankkimistavat"] = {(t["yksiloiva_tunniste"] or f"#{i}"): t for i, t in enumerate(osa["hankkimistavat"])}
    return data
