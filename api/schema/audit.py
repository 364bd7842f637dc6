"""The audit log through the API (issue 10.5): the HOKS history that officials ask for.

OPH reads all of it; an organisation's admin reads the rows about learners who have a study right in their
organisation (which includes what other organisations did with that learner's data). Each row is also checked
by the guard, like any other object, so no other field can hand one out more widely.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from tortoise.expressions import Q

from api import authorization
from api.context import Info
from api.schema.hoks import PageInfo
from api.schema.id_cursor import after_id, id_cursor
from models.audit import AuditEvent as AuditEventRow
from models.services.access import Principal
from models.services.errors import DomainError, Forbidden
from models.user import RoleName

MAX_PAGE = 100


@authorization.guarded(authorization.audit_event)
@strawberry.type(description="One audit row: who read, changed or was refused what, and whose data it was.")
class AuditEvent:
    id: int = strawberry.field(description="The row's id; rows are numbered in the order they were written.")
    at: datetime = strawberry.field(description="When it happened (UTC).")
    user: str = strawberry.field(description="The user's name.")
    action: str = strawberry.field(
        description="read, create, update, patch, void, resend, export, denied (a refused read), …"
    )
    entity: str = strawberry.field(description="What was touched: hoks, oppija, opiskeluoikeus, kyselylinkki, …")
    entity_id: str = strawberry.field(description="Its id, OID or tunnus.")
    oppija_oid: str | None = strawberry.field(description="Whose data it was, when it is a person's.")
    changes: JSON | None = strawberry.field(
        description="A write's field diff {path: [old, new]}; a refusal's reason {why}."
    )
    row: strawberry.Private[AuditEventRow]

    @classmethod
    def from_row(cls, row: AuditEventRow) -> AuditEvent:
        return cls(
            id=row.id,
            at=row.at,
            user=row.user_name,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            oppija_oid=row.oppija_oid,
            changes=row.changes,
            row=row,
        )


@strawberry.type(description="One audit row with its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: AuditEvent = strawberry.field(description="The row.")


@strawberry.type(description="A page of the audit log.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="The rows of this page, oldest first.")
    page_info: PageInfo = strawberry.field(description="Whether more rows follow, and the cursor to ask for them.")


async def _admin_scope(principal: Principal, oppija_oid: str | None, hoks_id: int | None) -> Q:
    """An organisation's admin pages through one learner's or one HOKS's rows: those about the HOKSes, study
    rights and links of the admin's own organisation (the same rule as the guard's `audit_event`)."""
    if not principal.scope(RoleName.ADMIN):
        raise Forbidden("{user} is neither OPH nor an organisation's admin", user=principal.name)
    if oppija_oid is None and hoks_id is None:
        raise DomainError("REQUIRED", "an organisation's admin reads one learner's or one HOKS's history", "oppijaOid")
    where: dict[str, Any] = {"oppija__oid": oppija_oid} if oppija_oid is not None else {}
    if hoks_id is not None:
        where["id"] = hoks_id
    hoksit = await authorization.audit_entities(principal, "hoks", **where)
    scope = Q(entity="hoks", entity_id__in=list(hoksit))
    if hoks_id is None:
        oot = await authorization.audit_entities(principal, "opiskeluoikeus", **where)
        links = await authorization.audit_entities(principal, "kyselylinkki", **where)
        scope |= Q(entity="opiskeluoikeus", entity_id__in=list(oot)) | Q(
            entity="kyselylinkki", entity_id__in=list(links)
        )
    return scope


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit log, oldest first, at most 100 a page. OPH reads all of it; an organisation's "
        "admin the rows about learners with a study right in their organisation. `oppijaOid` narrows it to one "
        "learner, `hoksId` to one HOKS's reads, writes and refusals (its history)."
    )
    async def audit_log(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="Page size, 1–100.")] = 50,
        after: Annotated[str | None, strawberry.argument(description="The endCursor of the previous page.")] = None,
        oppija_oid: Annotated[str | None, strawberry.argument(description="Only rows about this learner.")] = None,
        hoks_id: Annotated[
            int | None, strawberry.argument(description="Only this HOKS's rows: its history of writes and reads.")
        ] = None,
    ) -> AuditEventConnection:
        principal = info.context.principal
        if not 1 <= first <= MAX_PAGE:
            raise DomainError("OUT_OF_RANGE", "first must be between 1 and {max}", "first", max=MAX_PAGE)
        query = AuditEventRow.filter(id__gt=after_id("audit", after))
        if oppija_oid is not None:
            query = query.filter(oppija_oid=oppija_oid)
        if hoks_id is not None:
            query = query.filter(entity="hoks", entity_id=str(hoks_id))
        if not authorization.reads_whole_audit_log(principal):
            query = query.filter(await _admin_scope(principal, oppija_oid, hoks_id))
        rows = await query.order_by("id").limit(first + 1)
        page = rows[:first]
        return AuditEventConnection(
            edges=[AuditEventEdge(cursor=id_cursor("audit", r.id), node=AuditEvent.from_row(r)) for r in page],
            page_info=PageInfo(
                has_next_page=len(rows) > first, end_cursor=id_cursor("audit", page[-1].id) if page else None
            ),
        )
