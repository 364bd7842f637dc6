"""Per-request DataLoaders: a page of HOKSes with their parts costs a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.herate import Opiskelijaherate, Tyopaikkajaksoherate
from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki, NippuJasen, Toimitus
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta
from models.organisation import Organisation
from models.rules.oppivelvollisuus import HenkiloFacts
from models.rules.tyoelama import KestoErittely
from models.services.hoks import StoredOsa, stored_osat
from models.services.palaute import links_by_hoks
from models.services.tyoelama import kesto_erittelyt
from models.services.valpas.facts import load_facts
from models.services.valpas.korjaukset import keskeytys_historia, vapautus_historia
from models.valpas import Keskeytys, Vapautus

M = TypeVar("M", bound=Model)


def by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {r.pk: r for r in await model.filter(pk__in=set(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def many_by(model: type[M], fk: str, order: Sequence[str] = ("id",)) -> DataLoader[int, list[M]]:
    """Children grouped by a foreign key, in `order` within each group."""

    async def load(keys: Sequence[int]) -> list[list[M]]:
        grouped: dict[Any, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{fk}__in": set(keys)}).order_by(*order):
            grouped[getattr(row, fk)].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def one_by(model: type[M], fk: str, *related: str) -> DataLoader[int, M | None]:
    """The row per foreign key, with the `related` rows joined in."""

    async def load(keys: Sequence[int]) -> list[M | None]:
        rows = {getattr(r, fk): r for r in await model.filter(**{f"{fk}__in": set(keys)}).select_related(*related)}
        return [rows.get(k) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Created lazily per request, so a request pays only for the loaders it uses."""

    def __init__(self) -> None:
        self._cache: dict[str, DataLoader[Any, Any]] = {}

    def _get(self, name: str, factory: Callable[[], DataLoader[Any, Any]]) -> DataLoader[Any, Any]:
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    @property
    def organisation(self) -> DataLoader[int, Organisation | None]:
        return self._get("organisation", lambda: by_id(Organisation))

    @property
    def opiskeluoikeus(self) -> DataLoader[int, Opiskeluoikeus | None]:
        return self._get("opiskeluoikeus", lambda: by_id(Opiskeluoikeus))

    @property
    def tilat(self) -> DataLoader[int, list[OpiskeluoikeudenTila]]:
        return self._get("tilat", lambda: many_by(OpiskeluoikeudenTila, "opiskeluoikeus_id", ("alku", "id")))

    @property
    def suoritukset(self) -> DataLoader[int, list[PaatasonSuoritus]]:
        return self._get("suoritukset", lambda: many_by(PaatasonSuoritus, "opiskeluoikeus_id"))

    @property
    def hoks_by_opiskeluoikeus(self) -> DataLoader[int, Hoks | None]:
        """With its oppija, as `api.schema.hoks.Hoks.from_row` needs."""
        return self._get("hoks_by_oo", lambda: one_by(Hoks, "opiskeluoikeus_id", "oppija"))

    @property
    def opiskeluoikeudet_by_oppija(self) -> DataLoader[int, list[Opiskeluoikeus]]:
        return self._get("oo_by_oppija", lambda: many_by(Opiskeluoikeus, "oppija_id"))

    @property
    def kotikunnat(self) -> DataLoader[int, list[Kotikunta]]:
        return self._get("kotikunnat", lambda: many_by(Kotikunta, "oppija_id", ("alku", "id")))

    @property
    def henkilo_facts(self) -> DataLoader[int, HenkiloFacts | None]:
        """Valpas facts per oppija id, loaded set-wise (`models.services.valpas.facts.load_facts`)."""

        async def load(ids: Sequence[int]) -> list[HenkiloFacts | None]:
            facts = await load_facts(ids)
            return [facts.get(i) for i in ids]

        return self._get("henkilo_facts", lambda: DataLoader(load_fn=load))

    @property
    def keskeytykset(self) -> DataLoader[int, list[Keskeytys]]:
        """A person's Valpas keskeytys history with its people, per oppija id."""
        return self._get("keskeytykset", lambda: DataLoader(load_fn=keskeytys_historia))

    @property
    def vapautukset(self) -> DataLoader[int, list[Vapautus]]:
        """A person's Valpas vapautus history with its people, per oppija id."""
        return self._get("vapautukset", lambda: DataLoader(load_fn=vapautus_historia))

    @property
    def tutkinnon_osat(self) -> DataLoader[int, list[StoredOsa]]:
        """Units with their jaksot and breaks per HOKS id, batched: for the HOKSes of many study rights
        (`Opiskeluoikeus.hoks`); listings read them with their rows (`api.schema.hoks`)."""

        async def load(ids: Sequence[int]) -> list[list[StoredOsa]]:
            found = await stored_osat(ids)
            return [found[i] for i in ids]

        return self._get("osat", lambda: DataLoader(load_fn=load))

    @property
    def kyselylinkit_by_hoks(self) -> DataLoader[int, list[Kyselylinkki]]:
        async def load(ids: Sequence[int]) -> list[list[Kyselylinkki]]:
            found = await links_by_hoks(ids)
            return [found.get(i, []) for i in ids]

        return self._get("linkit_hoks", lambda: DataLoader(load_fn=load))

    @property
    def toimitukset(self) -> DataLoader[int, list[Toimitus]]:
        return self._get("toimitukset", lambda: many_by(Toimitus, "kyselylinkki_id", ("id",)))

    @property
    def nippujasenet(self) -> DataLoader[int, list[NippuJasen]]:
        return self._get("nippu", lambda: many_by(NippuJasen, "kyselylinkki_id", ("hankkimistapa_id",)))

    @property
    def opiskelijaherateet(self) -> DataLoader[int, list[Opiskelijaherate]]:
        return self._get("oherate", lambda: many_by(Opiskelijaherate, "hoks_id", ("vaihe",)))

    @property
    def tyopaikkajaksoherateet(self) -> DataLoader[int, list[Tyopaikkajaksoherate]]:
        return self._get("jherate", lambda: many_by(Tyopaikkajaksoherate, "hoks_id", ("hankkimistapa_id",)))

    @property
    def kestot(self) -> DataLoader[int, KestoErittely | None]:
        """A työpaikkajakso's kesto by hankkimistapa id (None for other hankkimistavat)."""

        async def load(ids: Sequence[int]) -> list[KestoErittely | None]:
            found = await kesto_erittelyt(ids)
            return [found.get(i) for i in ids]

        return self._get("kestot", lambda: DataLoader(load_fn=load))
