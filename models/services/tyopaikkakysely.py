"""Työpaikkakysely links (DOMAIN.md §4.2): made once per window, one per (koulutustoimija, y-tunnus), handed to
the provider to pass on, never sent by the system; and the provider's list of them (GraphQL and CSV).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.herate import Ajo
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, NippuJasen, new_tunnus
from models.organisation import Organisation
from models.rules import tyoelama as rules
from models.rules.calendar import rahoituskausi
from models.rules.viesti import Viesti
from models.services.access import Principal
from models.services.bulk import insert_rows
from models.services.errors import NotFound
from models.services.facts import chunks, load_jaksot
from models.services.tyoelama import TYOPAIKKAKYSELY, UusiLinkki, create_links
from models.user import RoleName


async def generate_tyopaikkakysely(today: date, now: datetime) -> list[str]:
    """Make the window's links once, one per (koulutustoimija, y-tunnus); they are handed over, never sent."""
    window = rules.tyopaikkakysely_window(today)
    if window is None:
        return []
    try:
        async with in_transaction():
            await Ajo.create(tyyppi=TYOPAIKKAKYSELY, paiva=window.alku)
    except IntegrityError:
        return []
    jaksot = await load_jaksot(Q(loppu__gte=window.jaksot_alku, loppu__lte=window.jaksot_loppu))
    groups = rules.tyopaikkakysely_groups((j.facts for j in jaksot), window)
    if not groups:
        return []
    orgs = dict(
        await Organisation.filter(oid__in=sorted({k[0] for k in groups})).values_list("oid", "id")  # type: ignore[arg-type]
    )
    links = [
        UusiLinkki(
            tunnus=new_tunnus(),
            kyselytyyppi=Kyselytyyppi.TYOPAIKKAKYSELY.value,
            koulutustoimija_id=orgs[kt],
            oppilaitos_id=None,
            tutkinto_koodi=None,
            tutkinto_nimi=None,
            ytunnus=ytunnus,
            heratepvm=window.alku,
            rahoituskausi=rahoituskausi(window.alku),
            lahetyspvm=None,
            vastausaika_alku=window.alku,
            vastausaika_loppu=window.loppu,
            sahkoposti=None,
            puhelinnumero=None,
            muistutuksia=0,
            created_at=now,
        )
        for kt, ytunnus in groups
    ]
    ids = await create_links(links)
    await insert_rows(
        NippuJasen,
        ("kyselylinkki_id", "hankkimistapa_id"),
        [
            (ids[link.tunnus], jakso_id)
            for link, members in zip(links, groups.values(), strict=True)
            for jakso_id in members
        ],
    )
    return [link.tunnus for link in links]


@dataclass(frozen=True)
class TyopaikkakyselyRivi:
    linkki: Kyselylinkki
    tyopaikan_nimi: str | None
    jaksoja: int


async def list_tyopaikkakyselyt(koulutustoimija_oid: str, principal: Principal) -> list[TyopaikkakyselyRivi]:
    """The provider's työpaikkakysely links to hand to the workplaces (§4.2), newest window first."""
    org = await Organisation.get_or_none(oid=koulutustoimija_oid)
    if org is None:
        raise NotFound("organisation", koulutustoimija_oid, "koulutustoimija")
    principal.require(RoleName.READ, org.path, Viesti.of("työpaikkakysely links of {oid}", oid=koulutustoimija_oid))
    links = await Kyselylinkki.filter(kyselytyyppi=Kyselytyyppi.TYOPAIKKAKYSELY, koulutustoimija=org).order_by(
        "-heratepvm", "ytunnus"
    )
    names: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks([link.id for link in links]):
        for m in (
            await NippuJasen.filter(kyselylinkki_id__in=chunk)
            .order_by("-hankkimistapa__loppu")
            .values("kyselylinkki_id", "hankkimistapa__tyopaikan_nimi")
        ):
            names[m["kyselylinkki_id"]].append(m["hankkimistapa__tyopaikan_nimi"])
    return [
        TyopaikkakyselyRivi(link, next((n for n in names[link.id] if n), None), len(names[link.id])) for link in links
    ]
