"""Facts for the Valpas list rules' dated examples: study rights at this oppilaitos (HERE) or elsewhere, and a
person with a mainland kotikunta."""

from __future__ import annotations

from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus, TilaJakso

HERE = "1.2.246.562.10.2"
ELSEWHERE = "1.2.246.562.10.3"


def opiskeluoikeus(
    n: int,
    tyyppi: str,
    tilat: list[tuple[date, str]],
    oppilaitos: str = HERE,
    suoritukset: tuple[Suoritus, ...] = (),
    mitatoity: bool = False,
) -> OpiskeluoikeusFacts:
    """Study right number `n`, starting with its first tila row."""
    return OpiskeluoikeusFacts(
        oid=f"1.2.246.562.15.{n}",
        oppija_oid="1.2.246.562.24.1",
        koulutustoimija_oid="1.2.246.562.10.1",
        oppilaitos_oid=oppilaitos,
        tyyppi=tyyppi,
        alku=tilat[0][0],
        tilat=tuple(TilaJakso(d, t) for d, t in tilat),
        suoritukset=suoritukset,
        mitatoity=mitatoity,
    )


def henkilo(
    born: date, *oos: OpiskeluoikeusFacts, kotikunta_from: date | None = None, vapautus: date | None = None
) -> ov.HenkiloFacts:
    """Living in 091 from `kotikunta_from` (birth unless told)."""
    return ov.HenkiloFacts(
        oppija_oid="1.2.246.562.24.1",
        syntymaaika=born,
        kotikunta_historia=(ov.KotikuntaJakso(alku=kotikunta_from or born, loppu=None, kuntakoodi="091"),),
        opiskeluoikeudet=oos,
        vapautus=vapautus,
    )


def here(person: ov.HenkiloFacts) -> frozenset[str]:
    """The person's study rights at HERE."""
    return frozenset(o.oid for o in person.opiskeluoikeudet if o.oppilaitos_oid == HERE)
