"""Resending a learner's link (DOMAIN.md §3): the same link again by e-mail, to the stored or a new address, the
deadline unchanged; and why a link can no longer be (re)sent, which the delivery checks too.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from models.kyselylinkki import Kanava, Kyselylinkki, Toimitus
from models.rules import palaute as rules
from models.rules.sahkoposti import sahkoposti_error
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound
from models.services.palaute import OPISKELIJAKYSELYT, Lahetys, clean_email, queue_delivery
from models.user import RoleName


def closed_reason(link: Kyselylinkki, today: date) -> tuple[str, Viesti] | None:
    """Why a link can no longer be (re)sent, as an error code and message; None while it is open (§3)."""
    if link.vastattu_at is not None:
        return "ALREADY_ANSWERED", Viesti("the link has already been answered")
    if link.peruttu_at is not None:
        return "LINK_CANCELLED", Viesti.of("the link was cancelled ({syy})", syy=link.peruutuksen_syy)
    if link.vastausaika_loppu is not None and rules.is_expired(link.vastausaika_loppu, today):
        return "LINK_EXPIRED", Viesti.of("the answer period ended on {loppu}", loppu=link.vastausaika_loppu.isoformat())
    if link.lahetyspvm is None:
        return "NOT_YET_SENT", Viesti("the link has not been sent yet; it goes out on its heratepvm")
    return None


async def resend(tunnus: str, sahkoposti: str | None, principal: Principal, today: date) -> Lahetys:
    """Queue the same link again by e-mail, to the stored or a new address; the deadline does not move (§3).

    Authorized like a HOKS update (write right in the HOKS's oppilaitos) and audited.
    """
    async with in_transaction():
        link = (
            await Kyselylinkki.filter(tunnus=tunnus)
            .select_for_update()
            .prefetch_related("koulutustoimija", "hoks__opiskeluoikeus__oppilaitos", "oppija")
            .first()
        )
        if link is not None and link.kyselytyyppi not in OPISKELIJAKYSELYT:
            await _refuse_non_student_resend(link, principal)
        if link is None or link.hoks is None or link.hoks.opiskeluoikeus.mitatoity:
            raise NotFound("kyselylinkki", tunnus, "tunnus")
        principal.require(
            RoleName.WRITE,
            link.hoks.opiskeluoikeus.oppilaitos.path,
            Viesti.of("kyselylinkki of HOKS {id}", id=link.hoks.id),
        )
        closed = closed_reason(link, today)
        if closed:
            raise DomainError(closed[0], closed[1], "tunnus")
        # a newly given address, else the learner's address in the HOKS now (§3 "Addresses")
        address = clean_email(sahkoposti) or clean_email(link.hoks.sahkoposti)
        if address is None:
            raise DomainError("INVALID_EMAIL", "an e-mail address is required to resend the link", "sahkoposti")
        problem = sahkoposti_error(address)
        if problem:
            raise DomainError(
                "INVALID_EMAIL", "not a deliverable e-mail address: {problem}", "sahkoposti", problem=Viesti(problem)
            )
        n = await Toimitus.filter(kyselylinkki=link, tarkoitus__startswith="uudelleen").count() + 1
        lahetys = await queue_delivery(
            link, Kanava.EMAIL, f"uudelleen{n}", address, Viesti.of("resent by {user}", user=principal.name)
        )
        await audit.record(
            principal,
            "resend",
            "kyselylinkki",
            link.id,
            link.oppija.oid if link.oppija else None,
            {"sahkoposti": [link.sahkoposti, address]},
        )
        return lahetys


async def _refuse_non_student_resend(link: Kyselylinkki, principal: Principal) -> None:
    """Seed 000: officials resend learners' links only. An instructor or workplace link the principal may read
    is refused with its own code (it exists: `kyselylinkki(tunnus)` finds it); one it may not read stays unknown.
    """
    await link.fetch_related("oppilaitos")
    org = link.oppilaitos or link.koulutustoimija
    if not principal.can(RoleName.READ, org.path):
        raise NotFound("kyselylinkki", link.tunnus, "tunnus")
    raise DomainError(
        "NOT_A_STUDENT_LINK",
        "only learners' links are resent by officials; this is a {kyselytyyppi} link, "
        "which reaches the workplace through its own channels",
        "tunnus",
        kyselytyyppi=link.kyselytyyppi,
    )
