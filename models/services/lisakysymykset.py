"""A provider's extra questions (lisäkysymykset) and redirect URL per survey: the editor's write paths (DOMAIN.md §5).

Extra questions apply from the moment they are added: the next form served includes them. They are never deleted,
only retired (`poistettu_at`), so answers already given keep a question to refer to. Every change is checked
against the newest national survey, so a form can never be served with a broken follow-up chain. Only the
provider's admins may change them; every change is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.kyselylinkki import Kyselytyyppi
from models.organisation import Organisation, OrganisationTyyppi
from models.rules.hoks import FieldError
from models.rules.kysely import (
    DefinitionError,
    Kysely,
    Kysymys,
    check_lisakysymykset,
    lisa_tunnus,
    parse_kysymys,
)
from models.rules.vastaaminen import UrlVirhe, normalize_uudelleenohjaus_url
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound, ValidationFailed
from models.user import RoleName
from models.vastaus import KyselyAsetus, Lisakysymys

ENTITY = "lisakysymys"
# Placeholder tunnus while validating a question that has no id yet.
_UUSI = lisa_tunnus("uusi")


def kysymykseksi(lisakysymys_id: int, maaritys: Mapping[str, Any]) -> Kysymys:
    """A stored extra question as the rules see it; its tunnus (and form key) is `lisa:<id>`."""
    return parse_kysymys({**maaritys, "tunnus": lisa_tunnus(lisakysymys_id)})


async def uudelleenohjaus_url(koulutustoimija_id: int, kyselytyyppi: str) -> str | None:
    asetus = await KyselyAsetus.get_or_none(koulutustoimija_id=koulutustoimija_id, kyselytyyppi=kyselytyyppi)
    return asetus.uudelleenohjaus_url if asetus else None


async def koulutustoimija(oid: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid.strip())
    if org is None:
        raise NotFound("koulutustoimija", oid, "koulutustoimija_oid")
    if org.tyyppi != OrganisationTyyppi.KOULUTUSTOIMIJA:
        raise DomainError("NOT_A_PROVIDER", "{oid} is not a koulutustoimija", "koulutustoimija_oid", oid=oid)
    return org


async def listaa(
    principal: Principal, koulutustoimija_oid: str, kysely: Kysely, mukana_poistetut: bool
) -> list[Lisakysymys]:
    """Anyone reading the provider's data may see its questions; retired ones only on request."""
    org = await koulutustoimija(koulutustoimija_oid)
    principal.require(RoleName.READ, org.path, Viesti.of("the extra questions of {oid}", oid=org.oid))
    query = Lisakysymys.filter(koulutustoimija_id=org.id, kyselytyyppi=kysely.kyselytyyppi)
    if not mukana_poistetut:
        query = query.filter(poistettu_at__isnull=True)
    return await query.order_by("jarjestys", "id")


async def lue_uudelleenohjaus_url(principal: Principal, koulutustoimija_oid: str, kysely: Kysely) -> str | None:
    org = await koulutustoimija(koulutustoimija_oid)
    principal.require(RoleName.READ, org.path, Viesti.of("the survey settings of {oid}", oid=org.oid))
    return await uudelleenohjaus_url(org.id, kysely.kyselytyyppi)


async def lisaa(
    principal: Principal, koulutustoimija_oid: str, kysely: Kysely, maaritys: Mapping[str, Any]
) -> Lisakysymys:
    """Append a question after the provider's current ones; it is on the very next form served."""
    org = await _admin_org(principal, koulutustoimija_oid)
    async with in_transaction():
        active = await _active_rows(org.id, kysely.kyselytyyppi)
        _check_list(
            kysely, [*(kysymykseksi(r.id, r.maaritys) for r in active), _parse(maaritys, _UUSI)], edited=len(active)
        )
        row = await Lisakysymys.create(
            koulutustoimija=org,
            kyselytyyppi=Kyselytyyppi(kysely.kyselytyyppi),
            jarjestys=max((r.jarjestys for r in active), default=0) + 1,
            maaritys=dict(maaritys),
        )
        await audit.record(principal, "create", ENTITY, row.id, changes=audit.diff(None, _snapshot(row)))
    return row


async def muokkaa(
    principal: Principal, lisakysymys_id: int, kysely_for: Callable[[str], Kysely], maaritys: Mapping[str, Any]
) -> Lisakysymys:
    """Change an active question's wording or options; answers already given keep what they answered.

    `kysely_for(kyselytyyppi)` gives the newest national survey the question is appended to.
    """
    async with in_transaction():
        row = await _load_for_change(principal, lisakysymys_id)
        active = await _active_rows(row.koulutustoimija_id, row.kyselytyyppi)  # type: ignore[attr-defined]
        index = next(i for i, r in enumerate(active) if r.id == row.id)
        candidate = [kysymykseksi(r.id, r.maaritys) for r in active]
        candidate[index] = _parse(maaritys, lisa_tunnus(row.id))
        _check_list(kysely_for(row.kyselytyyppi), candidate, edited=index)
        before = _snapshot(row)
        row.maaritys = dict(maaritys)
        await row.save(update_fields=["maaritys", "muokattu_at"])
        await audit.record(principal, "update", ENTITY, row.id, changes=audit.diff(before, _snapshot(row)))
    return row


async def jarjesta(
    principal: Principal, koulutustoimija_oid: str, kysely: Kysely, ids: Sequence[int]
) -> list[Lisakysymys]:
    """Put the provider's active questions in the given order; `ids` must name each of them exactly once."""
    org = await _admin_org(principal, koulutustoimija_oid)
    async with in_transaction():
        active = {r.id: r for r in await _active_rows(org.id, kysely.kyselytyyppi)}
        if sorted(ids) != sorted(active):
            raise DomainError("INVALID", "ids must list every active extra question of this survey once", "ids")
        ordered = [active[i] for i in ids]
        try:
            check_lisakysymykset(kysely, [kysymykseksi(r.id, r.maaritys) for r in ordered])
        except DefinitionError as e:
            raise ValidationFailed(
                [FieldError.of("ids", "INVALID", "a follow-up must come after its trigger: {problem}", problem=e)]
            ) from None
        before = {str(r.id): r.jarjestys for r in ordered}
        for position, row in enumerate(ordered, start=1):
            if row.jarjestys != position:
                row.jarjestys = position
                await row.save(update_fields=["jarjestys", "muokattu_at"])
        after = {str(r.id): r.jarjestys for r in ordered}
        await audit.record(principal, "reorder", ENTITY, org.oid, changes=audit.diff(before, after))
    return ordered


async def poista(principal: Principal, lisakysymys_id: int, now: datetime | None = None) -> Lisakysymys:
    """Retire a question: it leaves the form at once, its row and old answers stay (never deleted)."""
    async with in_transaction():
        row = await _load_for_change(principal, lisakysymys_id)
        tunnus = lisa_tunnus(row.id)
        active = await _active_rows(row.koulutustoimija_id, row.kyselytyyppi)  # type: ignore[attr-defined]
        followers = [r.id for r in active if (r.maaritys.get("nayta_kun") or {}).get("kysymys") == tunnus]
        if followers:
            raise DomainError(
                "IN_USE",
                "retire the follow-up questions {followers} first: they are shown by this one",
                "id",
                followers=followers,
            )
        row.poistettu_at = now or datetime.now(UTC)
        await row.save(update_fields=["poistettu_at", "muokattu_at"])
        await audit.record(
            principal, "retire", ENTITY, row.id, changes={"poistettu_at": [None, row.poistettu_at.isoformat()]}
        )
    return row


async def aseta_uudelleenohjaus_url(
    principal: Principal, koulutustoimija_oid: str, kysely: Kysely, url: str | None
) -> KyselyAsetus:
    """Set (or clear with None or "") where respondents go after answering; https only (DOMAIN.md §5)."""
    org = await _admin_org(principal, koulutustoimija_oid)
    try:
        clean = normalize_uudelleenohjaus_url(url) if url and url.strip() else None
    except UrlVirhe as e:
        raise DomainError("INVALID_URL", str(e), "url") from None
    async with in_transaction():
        asetus, _ = await KyselyAsetus.get_or_create(
            koulutustoimija=org, kyselytyyppi=Kyselytyyppi(kysely.kyselytyyppi)
        )
        before = asetus.uudelleenohjaus_url
        asetus.uudelleenohjaus_url = clean
        await asetus.save(update_fields=["uudelleenohjaus_url"])
        await audit.record(
            principal, "update", "kyselyasetus", asetus.id, changes={"uudelleenohjaus_url": [before, clean]}
        )
    return asetus


async def _admin_org(principal: Principal, oid: str) -> Organisation:
    org = await koulutustoimija(oid)
    principal.require(RoleName.ADMIN, org.path, Viesti.of("the surveys of {oid}", oid=org.oid))
    return org


async def _load_for_change(principal: Principal, lisakysymys_id: int) -> Lisakysymys:
    row = await Lisakysymys.filter(id=lisakysymys_id).select_for_update().first()
    if row is None:
        raise NotFound("lisakysymys", lisakysymys_id, "id")
    org = await Organisation.get(id=row.koulutustoimija_id)  # type: ignore[attr-defined]
    principal.require(RoleName.ADMIN, org.path, Viesti.of("the surveys of {oid}", oid=org.oid))
    if row.poistettu_at is not None:
        raise DomainError("RETIRED", "a retired question can't be changed; add a new one instead", "id")
    return row


async def _active_rows(koulutustoimija_id: int, kyselytyyppi: str) -> list[Lisakysymys]:
    return await Lisakysymys.filter(
        koulutustoimija_id=koulutustoimija_id, kyselytyyppi=kyselytyyppi, poistettu_at__isnull=True
    ).order_by("jarjestys", "id")


def _parse(maaritys: Mapping[str, Any], tunnus: str) -> Kysymys:
    if "tunnus" in maaritys:
        raise ValidationFailed([FieldError("maaritys.tunnus", "INVALID", "the tunnus is given by the system")])
    try:
        return parse_kysymys({**maaritys, "tunnus": tunnus})
    except DefinitionError as e:
        raise ValidationFailed([FieldError(_field("maaritys", e.path), "INVALID", e.message)]) from None


def _check_list(kysely: Kysely, candidate: list[Kysymys], *, edited: int) -> None:
    """The provider's questions with the `edited`th in place must still form a valid survey after the national ones."""
    try:
        check_lisakysymykset(kysely, candidate)
    except DefinitionError as e:
        prefix = f"lisakysymykset[{edited}]"
        if e.path.startswith(prefix):
            field = _field("maaritys", e.path[len(prefix) :].lstrip("."))
            raise ValidationFailed([FieldError(field, "INVALID", e.message)]) from None
        raise ValidationFailed(
            [FieldError.of("maaritys", "INVALID", "another question would break: {problem}", problem=e)]
        ) from None


def _field(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if path else prefix


def _snapshot(row: Lisakysymys) -> dict[str, Any]:
    return {"jarjestys": row.jarjestys, "maaritys": row.maaritys, "kyselytyyppi": str(row.kyselytyyppi)}
