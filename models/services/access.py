"""Who may do what: roles per organisation, inherited down the organisation tree (DOMAIN.md §2, §6.4).

This is the one authorization check; GraphQL resolvers, jobs and pages all ask it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.expressions import Q

from models.organisation import OPH_OID
from models.rules.viesti import Viesti, kaannettava
from models.services.errors import Forbidden
from models.user import RoleName

# A stronger eHOKS role includes the weaker ones.
IMPLIED: dict[RoleName, frozenset[RoleName]] = {
    RoleName.READ: frozenset({RoleName.READ, RoleName.WRITE, RoleName.ADMIN}),
    RoleName.WRITE: frozenset({RoleName.WRITE, RoleName.ADMIN}),
    RoleName.ADMIN: frozenset({RoleName.ADMIN}),
}


@dataclass(frozen=True)
class Grant:
    org_oid: str
    org_path: str
    role: RoleName


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    name: str
    grants: tuple[Grant, ...]

    def roles_satisfying(self, need: RoleName) -> frozenset[RoleName]:
        return IMPLIED.get(need, frozenset({need}))

    def scope(self, need: RoleName) -> list[str]:
        """Organisation paths under which the principal holds `need` (or a role implying it)."""
        ok = self.roles_satisfying(need)
        return [g.org_path for g in self.grants if g.role in ok]

    def can(self, need: RoleName, org_path: str) -> bool:
        return any(org_path.startswith(p) for p in self.scope(need))

    def can_any(self, needs: Iterable[RoleName], org_path: str) -> bool:
        return any(self.can(n, org_path) for n in needs)

    @property
    def is_oph(self) -> bool:
        return any(g.org_oid == OPH_OID for g in self.grants)

    def require(self, need: RoleName, org_path: str, what: str | Viesti) -> None:
        """`what` names what was asked for (a literal text or a template, translated with the refusal)."""
        if not self.can(need, org_path):
            raise Forbidden(
                "{user} has no {need} right to {what}", user=self.name, need=need.value, what=kaannettava(what)
            )

    def path_filter(self, need: RoleName, field: str) -> Q:
        """A query filter restricting `field` (an organisation path column) to the principal's scope."""
        paths = self.scope(need)
        if not paths:
            return Q(pk__in=[])
        q = Q(**{f"{field}__startswith": paths[0]})
        for p in paths[1:]:
            q |= Q(**{f"{field}__startswith": p})
        return q


SYSTEM = Principal(user_id=None, name="system", grants=(Grant(OPH_OID, f"/{OPH_OID}/", RoleName.ADMIN),))
