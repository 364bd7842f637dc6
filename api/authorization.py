"""One authorization layer per object type, not per root field (issue 10).

A strawberry type that carries personal or organisation data is marked `@guarded(check)`. `install` gives its
GraphQL type an `is_type_of` that runs the check on every object of that type, whatever field or path returned
it, so a new field that reaches a HOKS from elsewhere cannot skip the rule. A denied object completes as null
with a FORBIDDEN error at its path (the field must be nullable, or the null moves up to the nearest nullable
parent, as for any error). The executor's direct path (api/execution.py) never completes a type that has an
`is_type_of`, so the check also runs there.

The checks ask the access rules of `models.services.access` and `models.services.valpas`, and remember each
decision in the request's `Decisions`: a page of HOKSes of one oppilaitos costs one decision, and an object
whose owner was already decided on (a HOKS's oppija, a jakso's ohjaaja) is answered without awaiting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Hashable
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from tortoise.expressions import Q
from tortoise.models import Model

from api.audit_trail import ObjectForbidden, Person
from models.hoks import Hoks as HoksRow
from models.kyselylinkki import Kyselylinkki as LinkRow
from models.opiskeluoikeus import Opiskeluoikeus as OpiskeluoikeusRow
from models.oppija import Oppija as OppijaRow
from models.organisation import OPH_OID
from models.organisation import Organisation as OrganisationRow
from models.rules.viesti import Viesti
from models.services.access import Principal
from models.services.valpas import access as valpas
from models.user import RoleName

if TYPE_CHECKING:
    from api.context import Context

Decision = bool | Awaitable[bool]
Check = Callable[[Any, "Context"], Decision]
Seen = Callable[[Any], tuple[str, object, Person]]
"""What an object is for the audit log: entity, entity id and whose data it is."""
T = TypeVar("T")
OPH_PATH = f"/{OPH_OID}/"

_GUARDS: dict[type, tuple[Check, Seen | None]] = {}


def guarded(check: Check, audit: Seen | None = None) -> Callable[[type[T]], type[T]]:
    """Class decorator (outside `@strawberry.type`): every object of the type must pass `check`; with `audit`,
    each one read is recorded in the request's audit trail (types whose reads a service already records, or
    that are parts of an audited object, go without)."""

    def mark(cls: type[T]) -> type[T]:
        _GUARDS[cls] = (check, audit)
        return cls

    return mark


def guarded_types() -> list[type]:
    return list(_GUARDS)


class Decisions:
    """The request's authorization decisions by key, so each is computed once."""

    def __init__(self) -> None:
        self._known: dict[Hashable, bool] = {}

    def get(self, key: Hashable) -> bool | None:
        return self._known.get(key)

    def remember(self, key: Hashable, ok: bool = True) -> None:
        self._known[key] = ok

    def decide(self, key: Hashable, compute: Callable[[], Awaitable[bool]]) -> Decision:
        """The known decision, or an awaitable that computes and remembers it."""
        known = self._known.get(key)
        if known is not None:
            return known

        async def run() -> bool:
            ok = self._known[key] = await compute()
            return ok

        return run()


def install(schema: GraphQLSchema) -> None:
    """Give each guarded type's GraphQL object type its `is_type_of` (after the schema is built)."""
    installed = set()
    for gtype in schema.type_map.values():
        if not isinstance(gtype, GraphQLObjectType):
            continue
        origin = getattr(gtype.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF), "origin", None)
        guard = _GUARDS.get(origin) if isinstance(origin, type) else None
        if guard is not None:
            assert gtype.is_type_of is None, f"{gtype.name} already has an is_type_of"
            gtype.is_type_of = _is_type_of(origin, gtype.name, *guard)  # type: ignore[arg-type]
            installed.add(origin)
    missing = [t.__name__ for t in _GUARDS if t not in installed]
    if missing:
        raise RuntimeError(f"guarded types not in the schema: {', '.join(missing)}")


def _is_type_of(
    origin: type, name: str, check: Check, seen: Seen | None
) -> Callable[[Any, GraphQLResolveInfo], Decision]:
    def is_type_of(value: Any, info: GraphQLResolveInfo) -> Decision:
        if not isinstance(value, origin):
            return False
        context: Context = info.context
        allowed = check(value, context)
        if isawaitable(allowed):
            return _await_decision(allowed, value, context, name, seen)
        return _decided(allowed, value, context, name, seen)

    def direct(value: Any, context: Context | None) -> bool | None:
        """For the executor's direct path (api/execution.py): the decision when it is known without awaiting,
        None when it is not (graphql-core then completes the object through `is_type_of`)."""
        if context is None or not isinstance(value, origin):
            return None
        allowed = check(value, context)
        if isawaitable(allowed):
            cast(Coroutine[Any, Any, bool], allowed).close()  # not started: the graphql-core path asks again
            return None
        return _decided(allowed, value, context, name, seen)

    is_type_of.direct = direct  # type: ignore[attr-defined]
    return is_type_of


async def _await_decision(allowed: Awaitable[bool], value: Any, context: Context, name: str, seen: Seen | None) -> bool:
    return _decided(await allowed, value, context, name, seen)


def _decided(allowed: bool, value: Any, context: Context, name: str, seen: Seen | None) -> bool:
    """Record the read, or raise the refusal (the audit trail records it from the request's errors)."""
    entity, entity_id, person = seen(value) if seen else (name, "-", None)
    if not allowed:
        raise ObjectForbidden(
            Viesti.of("{user} may not read this {what}", user=context.principal.name, what=name),
            entity,
            entity_id,
            person,
        )
    if seen is not None:
        context.audit.read(entity, entity_id, person)
    return True


# --- The checks -----------------------------------------------------------------------------------------------


def _fetched(value: Any, model: type[Model]) -> Any:
    """A relation's row when it was fetched with its parent, else None (tortoise gives a query otherwise)."""
    return value if isinstance(value, model) else None


def may_read_org(context: Context, org_id: int, need: RoleName = RoleName.READ) -> Decision:
    """An eHOKS right in the organisation (or above it)."""

    async def compute() -> bool:
        org = await context.loaders.organisation.load(org_id)
        return org is not None and context.principal.can(need, org.path)

    return context.decisions.decide(("org", need, org_id), compute)


def may_read_hoks_of(context: Context, opiskeluoikeus_id: int, oppija_id: int | None = None) -> Decision:
    """A HOKS and everything in it (its jaksot's instructors, its links) are read with an eHOKS read right in
    the study right's oppilaitos; a Valpas right to follow the person does not reach the plan (DOMAIN.md §6.4)."""

    async def compute() -> bool:
        oo = await context.loaders.opiskeluoikeus.load(opiskeluoikeus_id)
        if oo is None:
            return False
        allowed = may_read_org(context, oo.oppilaitos_id)  # type: ignore[attr-defined]
        ok = await allowed if isawaitable(allowed) else allowed
        if ok:
            context.decisions.remember(("oppija", oo.oppija_id))  # type: ignore[attr-defined]
        return ok

    return context.decisions.decide(("hoks", opiskeluoikeus_id), compute)


def hoks(value: Any, context: Context) -> Decision:
    row = value.row
    oo = _fetched(row.opiskeluoikeus, OpiskeluoikeusRow)
    oppilaitos = _fetched(oo.oppilaitos, OrganisationRow) if oo is not None else None
    if oppilaitos is not None and context.decisions.get(("hoks", oo.id)) is None:
        ok = context.principal.can(RoleName.READ, oppilaitos.path)
        context.decisions.remember(("hoks", oo.id), ok)
        if ok:
            context.decisions.remember(("oppija", row.oppija_id))
    return may_read_hoks_of(context, row.opiskeluoikeus_id)


def tyopaikkaohjaaja(value: Any, context: Context) -> Decision:
    return may_read_hoks_of(context, value.opiskeluoikeus_id)


def _valpas_follows(context: Context, oppija_id: int) -> Decision:
    """A Valpas user's right to follow the person (`models.services.valpas.access.may_read_oppija`)."""

    async def compute() -> bool:
        row = await OppijaRow.get_or_none(id=oppija_id)
        return row is not None and await valpas.may_read_oppija(context.principal, row, context.today)

    return context.decisions.decide(("valpas", oppija_id), compute)


async def _resolved(decision: Decision) -> bool:
    return await decision if isawaitable(decision) else decision


def oppija(value: Any, context: Context) -> Decision:
    return may_read_oppija(context, value.row.id)


def oppivelvollisuus(value: Any, context: Context) -> Decision:
    return may_read_oppija(context, value.oppija_id)


def may_read_oppija(context: Context, oppija_id: int) -> Decision:
    """A learner: an eHOKS read right in one of the person's oppilaitokset, or a Valpas right to follow them."""

    async def compute() -> bool:
        principal = context.principal
        mine = OpiskeluoikeusRow.filter(oppija_id=oppija_id).filter(
            principal.path_filter(RoleName.READ, "oppilaitos__path")
        )
        return await mine.exists() or await _resolved(_valpas_follows(context, oppija_id))

    return context.decisions.decide(("oppija", oppija_id), compute)


def oppija_read_rule_applied(context: Context, oppija_id: int) -> None:
    """The caller's query already kept to `may_read_oppija`'s rule for this person (the oppija search does it in
    SQL), so a page of learners costs no check per person."""
    context.decisions.remember(("oppija", oppija_id))


def opiskeluoikeus(value: Any, context: Context) -> Decision:
    """A study right: an eHOKS read right in its oppilaitos (voided ones too), or, when valid, a Valpas right to
    follow its person (who then sees every valid study right of the person, DOMAIN.md §6.3–6.4)."""
    row = value.row

    async def compute() -> bool:
        if await _resolved(may_read_org(context, row.oppilaitos_id)):
            context.decisions.remember(("oppija", row.oppija_id))
            return True
        return not row.mitatoity and await _resolved(_valpas_follows(context, row.oppija_id))

    return context.decisions.decide(("oo", row.id), compute)


def kyselylinkki_row(row: Any, context: Context) -> Decision:
    """A link (and its deliveries): an eHOKS read right in its oppilaitos, or its koulutustoimija for a
    workplace link that has no oppilaitos."""
    return may_read_org(context, row.oppilaitos_id or row.koulutustoimija_id)


def kyselylinkki(value: Any, context: Context) -> Decision:
    return kyselylinkki_row(value.row, context)


def toimitus(value: Any, context: Context) -> Decision:
    return kyselylinkki_row(value.linkki, context)


def tyopaikkakysely(value: Any, context: Context) -> Decision:
    return kyselylinkki_row(value.linkki.row, context)


def tuleva_lahetys(value: Any, context: Context) -> Decision:
    return context.principal.can(RoleName.READ, value.koulutustoimija_path)


def kuntailmoitus(value: Any, context: Context) -> Decision:
    """The receiving kunta's users, and the maker organisation's ilmoittajat and kunta users (§6.3)."""
    row = value.row
    principal = context.principal
    return principal.can_any(valpas.KUNTA_ROLES, row.kunta.path) or principal.can_any(
        (*valpas.ILMOITTAJA_ROLES, *valpas.KUNTA_ROLES), row.tekija_organisaatio.path
    )


def tarkistusrivi(value: Any, context: Context) -> Decision:
    """A row of a kunta's check list: that kunta's users."""
    return context.principal.can_any(valpas.KUNTA_ROLES, value.kunta_path)


def hakeutumisrivi(value: Any, context: Context) -> Decision:
    """A row of an oppilaitos' hakeutumisvalvonta: its hakeutumisen valvojat."""
    return context.principal.can(RoleName.VALVOJA_HAKEUTUMINEN, value.oppilaitos_path)


async def listed_opiskeluoikeudet(context: Context, oppija_id: int) -> list[OpiskeluoikeusRow]:
    """What `Oppija.opiskeluoikeudet` lists: the person's study rights that the `opiskeluoikeus` check allows,
    chosen in one query (each is still checked as it completes)."""
    scope = context.principal.path_filter(RoleName.READ, "oppilaitos__path")
    if await _resolved(_valpas_follows(context, oppija_id)):
        scope |= Q(mitatoity=False)
    return await OpiskeluoikeusRow.filter(scope, oppija_id=oppija_id).order_by("id")


# --- What each audited type is, for the audit log -------------------------------------------------------------


def seen_hoks(value: Any) -> tuple[str, object, Person]:
    return "hoks", value.id, ("oid", value.oppija.oid)


def seen_oppija(value: Any) -> tuple[str, object, Person]:
    return "oppija", value.oid, ("oid", value.oid)


def seen_opiskeluoikeus(value: Any) -> tuple[str, object, Person]:
    return "opiskeluoikeus", value.oid, ("oppija", value.row.oppija_id)


def seen_kyselylinkki(value: Any) -> tuple[str, object, Person]:
    return "kyselylinkki", value.row.id, ("link", value.row.id)


def seen_tyopaikkakysely(value: Any) -> tuple[str, object, Person]:
    return "tyopaikkakysely", value.linkki.row.id, ("link", value.linkki.row.id)


def seen_tuleva_lahetys(value: Any) -> tuple[str, object, Person]:
    """A send not yet made has no link: its address is an instructor's, who has no oppija OID."""
    if value.linkki_id is None:
        return "tuleva_lahetys", value.kyselytyyppi, None
    return "tuleva_lahetys", value.linkki_id, ("link", value.linkki_id)


def reads_whole_audit_log(principal: Principal) -> bool:
    """OPH's eHOKS users read every audit row."""
    return principal.can(RoleName.READ, OPH_PATH)


def audit_event(value: Any, context: Context) -> Decision:
    """An audit row: OPH; or an organisation's admin, for a row about a HOKS, study right or link of their
    organisation (rows of other organisations' reads of the same learner are not theirs)."""
    principal = context.principal
    if reads_whole_audit_log(principal):
        return True
    entity, entity_id = value.row.entity, value.row.entity_id
    if entity not in AUDIT_ENTITIES or not principal.scope(RoleName.ADMIN):
        return False

    async def compute() -> bool:
        return entity_id in (await audit_entities(principal, entity, [entity_id]))

    return context.decisions.decide(("audit", entity, entity_id), compute)


AUDIT_ENTITIES = ("hoks", "opiskeluoikeus", "kyselylinkki")


async def audit_entities(principal: Principal, entity: str, ids: list[str] | None = None, **where: Any) -> set[str]:
    """Ids (as the audit log stores them) of `entity` objects in the principal's ADMIN scope, among `ids` or
    matching `where` (e.g. `oppija__oid`)."""
    numeric = [int(i) for i in ids if i.isdigit()] if ids is not None else None
    found: list[Any]
    if entity == "hoks":
        hoksit = HoksRow.filter(principal.path_filter(RoleName.ADMIN, "opiskeluoikeus__oppilaitos__path"), **where)
        found = await (hoksit if numeric is None else hoksit.filter(id__in=numeric)).values_list("id", flat=True)
    elif entity == "opiskeluoikeus":
        oot = OpiskeluoikeusRow.filter(principal.path_filter(RoleName.ADMIN, "oppilaitos__path"), **where)
        found = await (oot if ids is None else oot.filter(oid__in=ids)).values_list("oid", flat=True)
    else:
        scope = principal.path_filter(RoleName.ADMIN, "hoks__opiskeluoikeus__oppilaitos__path")
        links = LinkRow.filter(scope, **{f"hoks__{k}": v for k, v in where.items()})
        found = await (links if numeric is None else links.filter(id__in=numeric)).values_list("id", flat=True)
    return {str(f) for f in found}
