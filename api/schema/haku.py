"""Finding one's way in (issue 14): who am I (`me`), which organisations may I see (`organisaatiot`), and which
learner is this (`oppijat(haku:)` by name, hetu or oppija OID, within the caller's rights, audited)."""

from __future__ import annotations

import base64
import json
from typing import Annotated

import strawberry

from api import authorization
from api.context import Info
from api.schema.enums import register
from api.schema.hoks import PageInfo
from api.schema.oppija import Oppija
from api.schema.organisation import Organisation
from models.oppija import Oppija as OppijaRow
from models.organisation import Organisation as OrganisationRow
from models.services import audit, oppijahaku
from models.services.errors import DomainError, Forbidden
from models.user import RoleName, UserKind
from models.user import User as UserRow

MAX_PAGE = 100

register(
    UserKind,
    name="Kayttajatyyppi",
    description="Who is behind a token.",
    by_value=True,
    values={
        "SERVICE": "A system: a provider's student information system or another service.",
        "OFFICIAL": "A person: an official of a provider, a kunta or OPH.",
    },
)


@strawberry.type(description="One role of the caller in one organisation (and every organisation below it).")
class Roolisuhde:
    rooli: RoleName = strawberry.field(description="The role.")
    organisaatio: Organisation = strawberry.field(description="The organisation it is held in.")


@strawberry.type(description="The caller: the user behind the bearer token.")
class Kayttaja:
    nimi: str = strawberry.field(description="The user's name (`polku users add NAME`).")
    tyyppi: UserKind = strawberry.field(description="A system or a person.")
    roolit: list[Roolisuhde] = strawberry.field(description="Every role with its organisation.")


@strawberry.type(description="One learner found, with its cursor.")
class OppijaEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Oppija = strawberry.field(description="The learner.")


@strawberry.type(description="One page of learners found, in name order.")
class OppijaConnection:
    edges: list[OppijaEdge] = strawberry.field(description="The learners of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page and its cursor.")


def _cursor(key: tuple[str, str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _parse_cursor(cursor: str | None) -> tuple[str, str, int] | None:
    if cursor is None:
        return None
    try:
        a, b, c = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(a), str(b), int(c)
    except (ValueError, TypeError) as e:
        raise DomainError("INVALID_CURSOR", "the cursor is not one this listing gave", "after") from e


@strawberry.type
class HakuQuery:
    @strawberry.field(description="The caller: name, kind and roles with their organisations.")
    async def me(self, info: Info) -> Kayttaja:
        principal = info.context.principal
        if principal.user_id is None:
            raise Forbidden("no user behind this request")
        user = await UserRow.get(id=principal.user_id)
        orgs = {o.oid: o for o in await OrganisationRow.filter(oid__in=[g.org_oid for g in principal.grants])}
        return Kayttaja(
            nimi=user.name,
            tyyppi=UserKind(user.kind),
            roolit=[
                Roolisuhde(rooli=g.role, organisaatio=Organisation.from_row(orgs[g.org_oid]))
                for g in sorted(principal.grants, key=lambda g: (g.org_path, g.role.value))
                if g.org_oid in orgs
            ],
        )

    @strawberry.field(
        description="The organisations the caller has a role in and every one below them, in tree order "
        "(ylaorganisaatioOid links each to its parent)."
    )
    async def organisaatiot(self, info: Info) -> list[Organisation]:
        paths = sorted({g.org_path for g in info.context.principal.grants})
        roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        if not roots:
            return []
        rows: list[OrganisationRow] = []
        for root in roots:
            rows += await OrganisationRow.filter(path__startswith=root).order_by("path")
        return [Organisation.from_row(r) for r in rows]

    @strawberry.field(
        description="Learners by name (every word, anywhere in the name, case-insensitive; a word of at least "
        "three characters), by hetu or by oppija OID, among those the caller may read; at most 100 a page. "
        "Each search and every learner shown is written to the audit log."
    )
    async def oppijat(
        self,
        info: Info,
        haku: Annotated[str, strawberry.argument(description="A name, a hetu or an oppija OID.")],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first.")
        ] = None,
    ) -> OppijaConnection:
        if not 1 <= first <= MAX_PAGE:
            raise DomainError("OUT_OF_RANGE", "first must be between 1 and {max}", "first", max=MAX_PAGE)
        principal = info.context.principal
        parsed = oppijahaku.parse(haku)
        found, more = await oppijahaku.search(principal, parsed, first, _parse_cursor(after), info.context.today)
        await audit.record(principal, "search", "oppija", parsed.kind)
        for osuma in found:  # each learner shown is audited as an Oppija read
            if osuma.luettava:
                authorization.oppija_read_rule_applied(info.context, osuma.id)
        rows = {r.id: r for r in await OppijaRow.filter(id__in=[o.id for o in found])}
        return OppijaConnection(
            edges=[OppijaEdge(cursor=_cursor(o.key), node=Oppija.from_row(rows[o.id])) for o in found],
            page_info=PageInfo(has_next_page=more, end_cursor=_cursor(found[-1].key) if found else None),
        )
