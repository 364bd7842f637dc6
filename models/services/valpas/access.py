"""Who may see what in Valpas (DOMAIN.md §6.4), and the lookups the checks need."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.expressions import Q

from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules import oppivelvollisuus as ov
from models.rules.viesti import Viesti, kaannettava
from models.services.access import Principal
from models.services.errors import DomainError, Forbidden, NotFound
from models.services.valpas.facts import current_kuntakoodi
from models.user import RoleName

KUNTA_ROLES = (RoleName.KUNTA_PAAKAYTTAJA, RoleName.KUNTA_VALVOJA)
# A provider's valvoja roles; pääkäyttäjät only manage rights and see no pupils.
VALVOJA_ROLES = (RoleName.VALVOJA_HAKEUTUMINEN, RoleName.VALVOJA_SUORITTAMINEN, RoleName.VALVOJA_MAKSUTTOMUUS)
# Who may make a kuntailmoitus for their own pupils (§6.3).
ILMOITTAJA_ROLES = (RoleName.VALVOJA_HAKEUTUMINEN, RoleName.VALVOJA_SUORITTAMINEN)


async def organisation(oid: str, field: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid)
    if org is None:
        raise NotFound("organisation", oid, field)
    return org


async def kunta_organisation(kuntakoodi: str, field: str = "kunta") -> Organisation:
    """Kunnat are organisations of tyyppi KUNTA keyed by their three-digit kuntakoodi."""
    org = await Organisation.get_or_none(
        tyyppi=OrganisationTyyppi.KUNTA, kuntakoodi=ov.normalise_kuntakoodi(kuntakoodi)
    )
    if org is None:
        raise NotFound("kunta", kuntakoodi, field)
    return org


def require_kunta_user(principal: Principal, kunta: Organisation, what: str | Viesti) -> None:
    if not principal.can_any(KUNTA_ROLES, kunta.path):
        raise Forbidden(
            "{user} is not a user of kunta {kunta} and may not {what}",
            user=principal.name,
            kunta=kunta.kuntakoodi,
            what=kaannettava(what),
        )


async def own_kuntakoodit(principal: Principal) -> frozenset[str]:
    """Kunnat whose users the principal is (a kunta role on a parent organisation covers the kunnat below)."""
    if not any(principal.scope(role) for role in KUNTA_ROLES):
        return frozenset()  # most callers hold no kunta role: no query
    scope = principal.path_filter(KUNTA_ROLES[0], "path") | principal.path_filter(KUNTA_ROLES[1], "path")
    codes = await Organisation.filter(scope, tyyppi=OrganisationTyyppi.KUNTA).values_list("kuntakoodi", flat=True)
    return frozenset(str(c) for c in codes if c)


def turvakielto_hides(oppija: Oppija, own_kunnat: frozenset[str], kuntakoodit: Iterable[str | None]) -> bool:
    """Turvakielto hides kotikunta and contact data from everyone but the users of the kunta concerned (§6.1):
    the person's kotikunta, or the kunta a kuntailmoitus was sent to. eHOKS rights do not lift it.
    `own_kunnat` is `own_kuntakoodit(principal)`, fetched once per request."""
    return oppija.turvakielto and not any(k in own_kunnat for k in kuntakoodit if k)


async def may_read_oppija(principal: Principal, oppija: Oppija, today: date) -> bool:
    """Valpas users see a person through their roles: a valvoja of an oppilaitos where the person has a study
    right, or a user of the kunta that is the person's kotikunta today (§6.4)."""
    scope = Q(pk__in=[])
    for role in VALVOJA_ROLES:
        scope |= principal.path_filter(role, "oppilaitos__path")
    if await Opiskeluoikeus.filter(scope, oppija_id=oppija.id, mitatoity=False).exists():
        return True
    kotikunta = current_kuntakoodi(await Kotikunta.filter(oppija_id=oppija.id), today)
    return kotikunta is not None and kotikunta in await own_kuntakoodit(principal)


async def find_oppija(oid: str, field: str = "oppija_oid") -> Oppija:
    row = await Oppija.get_or_none(oid=oid)
    if row is None:
        raise NotFound("oppija", oid, field)
    return row


async def pupil_of(oppija: Oppija, org: Organisation) -> bool:
    """The person has a valid study right at the organisation or one below it."""
    return await Opiskeluoikeus.filter(
        oppija_id=oppija.id, oppilaitos__path__startswith=org.path, mitatoity=False
    ).exists()


async def require_resident(oppija: Oppija, kunta: Organisation, today: date) -> None:
    """Kunta records concern the kunta's own residents: the person's kotikunta today is that kunta."""
    if current_kuntakoodi(await Kotikunta.filter(oppija_id=oppija.id), today) != kunta.kuntakoodi:
        raise DomainError(
            "NOT_RESIDENT",
            "oppija {oid} does not live in kunta {kunta} today",
            "oppija_oid",
            oid=oppija.oid,
            kunta=kunta.kuntakoodi,
        )
