"""What a GraphQL request read and what it was refused, written to the audit log once, at its end (issue 10.5).

The authorization guard (`api.authorization`) sees every object of a guarded type that a request completes,
whatever path reached it, so it notes here each HOKS, oppija, study right and link read, and each refusal. At
the end of the request `AuditTrail.flush` finds the oppija OIDs (one query for study rights, two for links,
whose persons are the HOKS's learner or a bundle's learners) and writes all rows in one insert. Refusals
raised by resolvers themselves (a root field's argument check) are recorded from the request's errors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension

from models.kyselylinkki import Kyselylinkki as LinkRow
from models.kyselylinkki import NippuJasen
from models.oppija import Oppija as OppijaRow
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden

Person = tuple[str, Any] | None
"""Whose data an object is: ("oid", oppija OID), ("oppija", oppija id), ("link", kyselylinkki id) or None."""


class ObjectForbidden(Forbidden):
    """The guard's refusal of one object: what it was and whose, for the audit row."""

    def __init__(self, message: Viesti, entity: str, entity_id: object, person: Person) -> None:
        super().__init__(message)
        self.entity, self.entity_id, self.person = entity, entity_id, person


class AuditTrail:
    """`action` names what the reads were: "read" in GraphQL, "export" for a CSV download."""

    def __init__(self, action: str = "read") -> None:
        self._action = action
        self._reads: dict[tuple[str, str], Person] = {}
        self._denied: list[tuple[str, str, Person, str]] = []

    def read(self, entity: str, entity_id: object, person: Person) -> None:
        self._reads.setdefault((entity, str(entity_id)), person)

    def denied(self, entity: str, entity_id: object, person: Person, why: str) -> None:
        self._denied.append((entity, str(entity_id), person, why))

    async def flush(self, principal: Principal) -> None:
        if not self._reads and not self._denied:
            return
        people = await _people([p for p in (*self._reads.values(), *(d[2] for d in self._denied)) if p])
        rows: list[audit.Row] = []
        for (entity, entity_id), person in self._reads.items():
            rows.extend((self._action, entity, entity_id, oid, None) for oid in people.get(person, [None]))
        for entity, entity_id, person, why in self._denied:
            rows.extend(("denied", entity, entity_id, oid, {"why": why}) for oid in people.get(person, [None]))
        self._reads.clear()
        self._denied.clear()
        await audit.record_many(principal, rows)


async def _people(persons: list[tuple[str, Any]]) -> dict[Person, list[str | None]]:
    """Each person reference as the oppija OIDs it stands for."""
    out: dict[Person, list[str | None]] = {p: [p[1]] for p in persons if p[0] == "oid"}
    oppija_ids = {p[1] for p in persons if p[0] == "oppija"}
    if oppija_ids:
        rows = await OppijaRow.filter(id__in=list(oppija_ids)).values_list("id", "oid")
        out.update({("oppija", i): [oid] for i, oid in rows})
    link_ids = list({p[1] for p in persons if p[0] == "link"})
    if link_ids:
        found: dict[int, set[str]] = defaultdict(set)
        for i, oid in await LinkRow.filter(id__in=link_ids, hoks_id__not_isnull=True).values_list(
            "id", "hoks__oppija__oid"
        ):
            found[i].add(oid)
        for i, oid in await NippuJasen.filter(kyselylinkki_id__in=link_ids).values_list(
            "kyselylinkki_id", "hankkimistapa__hoks__oppija__oid"
        ):
            found[i].add(oid)
        for i in link_ids:
            out[("link", i)] = [*sorted(found[i])] or [None]
    return out


class AuditReads(SchemaExtension):
    """Writes the request's trail after execution, with every FORBIDDEN the request met."""

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        trail: AuditTrail | None = getattr(context, "audit", None)
        if trail is None:
            return
        result = self.execution_context.result
        for error in (result.errors or []) if result is not None else []:
            original = error.original_error
            if isinstance(original, ObjectForbidden):
                trail.denied(original.entity, original.entity_id, original.person, original.message)
            elif isinstance(original, Forbidden):
                where = ".".join(str(p) for p in error.path or [])
                trail.denied("graphql", where or "-", None, original.message)
        await trail.flush(context.principal)
