"""Who may grant which Valpas role (DOMAIN.md §6.4): the Opintopolku vastuukäyttäjä grants pääkäyttäjä roles,
pääkäyttäjät grant valvoja roles in their own organisation, nobody grants to themselves."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.organisation import Organisation, OrganisationTyyppi
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound
from models.services.valpas.access import VALVOJA_ROLES, organisation
from models.user import Role, RoleName, User, UserKind

# role granted → (role the granter needs on the organisation, organisation types the role may be given in)
GRANTS: dict[RoleName, tuple[RoleName, frozenset[OrganisationTyyppi]]] = {
    RoleName.PAAKAYTTAJA: (RoleName.VASTUUKAYTTAJA, frozenset({OrganisationTyyppi.KOULUTUSTOIMIJA})),
    RoleName.KUNTA_PAAKAYTTAJA: (RoleName.VASTUUKAYTTAJA, frozenset({OrganisationTyyppi.KUNTA})),
    **{
        role: (RoleName.PAAKAYTTAJA, frozenset({OrganisationTyyppi.KOULUTUSTOIMIJA, OrganisationTyyppi.OPPILAITOS}))
        for role in VALVOJA_ROLES
    },
    RoleName.KUNTA_VALVOJA: (RoleName.KUNTA_PAAKAYTTAJA, frozenset({OrganisationTyyppi.KUNTA})),
}


async def _granting_organisation(
    principal: Principal, organisation_oid: str, role: RoleName, verb: Viesti
) -> Organisation:
    """The organisation where `role` is granted or revoked, once the principal is shown to hold the role that
    grants it there (GRANTS)."""
    rule = GRANTS.get(role)
    if rule is None:
        raise DomainError("INVALID_CHOICE", "{role} is not granted through Valpas", "role", role=role.value)
    needed, org_types = rule
    org = await organisation(organisation_oid, "organisation")
    if org.tyyppi not in org_types:
        allowed = ", ".join(sorted(t.value for t in org_types))
        raise DomainError(
            "INVALID_CHOICE",
            "{role} is given in a {allowed}, not a {tyyppi}",
            "organisation",
            role=role.value,
            allowed=allowed,
            tyyppi=org.tyyppi.value,
        )
    principal.require(
        needed, org.path, Viesti.of("{verb} {role} in {oid}", verb=verb, role=role.value, oid=organisation_oid)
    )
    return org


async def grant_role(principal: Principal, user_name: str, organisation_oid: str, role: RoleName) -> Role:
    """Vastuukäyttäjä (on OPH) grants pääkäyttäjä roles; pääkäyttäjät grant valvoja roles in their own
    organisation (and those below). Rights are personal: nobody grants to themselves, nor to a service user.
    Every grant is audited."""
    org = await _granting_organisation(principal, organisation_oid, role, Viesti("grant"))
    user = await User.get_or_none(name=user_name)
    if user is None:
        raise NotFound("user", user_name, "user")
    if user.id == principal.user_id:
        raise DomainError("SELF_GRANT", "nobody can grant a right to themselves", "user")
    if user.kind != UserKind.OFFICIAL:
        raise DomainError("NOT_PERSONAL", "Valpas rights are personal: a service user cannot hold one", "user")
    try:
        async with in_transaction():
            row = await Role.create(user=user, organisation=org, role=role, granted_by_id=principal.user_id)
            await audit.record(
                principal,
                "grant",
                "role",
                row.id,
                None,
                {"user": [None, user_name], "organisation": [None, organisation_oid], "role": [None, role.value]},
            )
    except IntegrityError as e:
        raise DomainError(
            "ALREADY_GRANTED", "{user} already holds {role} there", "role", user=user_name, role=role.value
        ) from e
    return row


async def revoke_role(principal: Principal, user_name: str, organisation_oid: str, role: RoleName) -> None:
    """Revoke a Valpas role (issue 16.6): by whoever may grant it there. The role row goes (rights are checked
    from it), the audit log keeps what it was: who held it, where, granted by whom and when. Of two revocations
    at once one removes the row and the other gets NOT_FOUND."""
    org = await _granting_organisation(principal, organisation_oid, role, Viesti("revoke"))
    async with in_transaction():
        row = await Role.filter(user__name=user_name, organisation_id=org.id, role=role).first()
        if row is None or not await Role.filter(id=row.id).delete():
            raise NotFound("role", f"{role.value} of {user_name} in {organisation_oid}", "role")
        granted_by = await User.get_or_none(id=row.granted_by_id) if row.granted_by_id else None  # type: ignore[attr-defined]
        await audit.record(
            principal,
            "revoke",
            "role",
            row.id,
            None,
            audit.diff(
                {
                    "user": user_name,
                    "organisation": organisation_oid,
                    "role": role.value,
                    "granted_by": granted_by.name if granted_by else None,
                    "granted_at": row.granted_at,
                },
                None,
            ),
        )
