"""Finding one person by hetu or oppija OID (DOMAIN.md §6.3, issue 16.4–5): a kunta user finds the residents of
their own kunta, a maksuttomuuden valvoja the students of their own oppilaitos, and sees the person's
oppivelvollisuus and maksuttomuus with their reasons.

A person the searcher may not see answers exactly as one who does not exist (NOT_FOUND), so the search cannot
be used to probe which hetut Polku knows. Every search is audited, found or not.
"""

from __future__ import annotations

from datetime import date

from models.oppija import Oppija
from models.rules.hoks import FieldError
from models.rules.tunnisteet import OPPIJA_NODE, hetu_error, oid_error
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden, NotFound, ValidationFailed
from models.services.valpas.access import KUNTA_ROLES, may_read_oppija
from models.user import RoleName

HAKIJA_ROLES = (*KUNTA_ROLES, RoleName.VALVOJA_MAKSUTTOMUUS)


def _lookup(tunniste: str) -> tuple[str, str]:
    """The column to search: an OID when it looks like one, otherwise a hetu; malformed ones are refused."""
    if tunniste.startswith("1.2.246.562."):
        error = oid_error(tunniste, OPPIJA_NODE)
        column = "oid"
    else:
        hetu = hetu_error(tunniste)
        error = Viesti(hetu) if hetu else None
        column = "hetu"
    if error:
        raise ValidationFailed([FieldError("tunniste", "INVALID_FORMAT", str(error), error)])
    return column, tunniste


async def hae(principal: Principal, tunniste: str, today: date) -> Oppija:
    """The person with that hetu or oppija OID, if the principal may see them through a Valpas role today."""
    if not any(principal.scope(role) for role in HAKIJA_ROLES):
        raise Forbidden("{user} has no kunta or maksuttomuuden valvoja role", user=principal.name)
    column, value = _lookup(tunniste.strip().upper())
    row = await Oppija.filter(**{column: value}).first()
    found = row if row is not None and await may_read_oppija(principal, row, today) else None
    # The kind of search (hetu/oid) is logged, never the hetu itself.
    await audit.record(principal, "search", "valpas_henkilohaku", column, found.oid if found else None)
    if found is None:
        raise NotFound("oppija", "(searched)", "tunniste")
    return found
