"""A työpaikkajakso's kesto in the HOKS view, with what it was computed from (DOMAIN.md §4.1 "Kesto").

Providers check the figure the reports use against their own records, so the breaks and the shared days are
shown next to it. Read with the HOKS's own right, like the rest of the jakso.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api import authorization
from models.rules.tyoelama import KestoErittely


@strawberry.type(description="A break that took days off the kesto, cut to the jakso's dates.")
class KestonTauko:
    alku: date = strawberry.field(description="The first day of the break inside the jakso.")
    loppu: date = strawberry.field(description="The last day of the break inside the jakso (an open one: its loppu).")
    syy: str = strawberry.field(
        description="keskeytymisajanjakso (the jakso's own break) or valiaikaisestikeskeytynyt (the opiskeluoikeus's)."
    )


@strawberry.type(description="Days counted at once on this many of the learner's työpaikkajaksot; each adds 1/jaksoja.")
class JaetutPaivat:
    jaksoja: int = strawberry.field(description="How many of the learner's työpaikkajaksot were active on these days.")
    paivia: int = strawberry.field(description="How many counted days of this jakso were so shared.")


@authorization.guarded(authorization.tyopaikkaohjaaja)
@strawberry.type(description="A työpaikkajakso's kesto (§4.1) and the figures it was computed from.")
class JaksonKesto:
    kesto: int = strawberry.field(
        description="Days as reports count them: shares of the counted days × osa-aikaisuus / 100, rounded half up."
    )
    kalenteripaivia: int = strawberry.field(description="Calendar days from alku to loppu, both included.")
    taukopaivia: int = strawberry.field(description="Calendar days left out for a break of the jakso or the OO.")
    tauot: list[KestonTauko] = strawberry.field(description="The breaks inside the jakso, by start.")
    jaetut_paivat: list[JaetutPaivat] = strawberry.field(
        description="Counted days by how many of the learner's työpaikkajaksot shared them (1 = not shared)."
    )
    paivia_osuuksin: float = strawberry.field(
        description="The counted days with each shared day as its share, before osa-aikaisuus."
    )
    osa_aikaisuus: int = strawberry.field(description="The jakso's osa-aikaisuus in per cent (100 when absent).")
    opiskeluoikeus_id: strawberry.Private[int]

    @classmethod
    def from_rule(cls, e: KestoErittely, opiskeluoikeus_id: int) -> JaksonKesto:
        return cls(
            kesto=e.kesto,
            kalenteripaivia=e.kalenteripaivia,
            taukopaivia=e.taukopaivia,
            tauot=[KestonTauko(alku=t.alku, loppu=t.loppu, syy=t.syy) for t in e.tauot],
            jaetut_paivat=[JaetutPaivat(jaksoja=k, paivia=n) for k, n in e.jaetut],
            paivia_osuuksin=float(e.paivia_osuuksin),
            osa_aikaisuus=e.osa_aikaisuus,
            opiskeluoikeus_id=opiskeluoikeus_id,
        )
