"""api.execution: the direct path for plain scalar fields answers exactly what graphql-core's own path does."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, NewType

import pytest
import strawberry
from graphql import Undefined
from starlette.requests import Request
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise.context import TortoiseContext

from api.context import Context
from api.execution import PolkuExecutionContext, execution_context_class, incompatibility
from api.schema import PolkuSchema, Query, schema
from models.demo import generate
from models.organisation import OPH_OID, Organisation
from models.services.users import principal_for_token
from models.settings import Settings
from models.user import RoleName
from tests.factories import user_token


def _isoksi(value: Any) -> Any:
    """Upper-cases strings, has no output for "" and passes anything else through: each check of graphql-core's
    shows (a returned exception, an awaitable, a serializer's null)."""
    if isinstance(value, str):
        return value.upper() or None
    return value


Isoksi = NewType("Isoksi", object)
CONFIG = StrawberryConfig(
    scalar_map={Isoksi: strawberry.scalar(name="Isoksi", serialize=_isoksi, parse_value=lambda v: v)}
)


@strawberry.enum
class Vari(Enum):
    PUNAINEN = "punainen"
    SININEN = "sininen"


@strawberry.type
class Rivi:
    nimi: str
    lisatieto: str | None
    maara: int | None
    osuus: float
    tosi: bool
    paiva: date
    loppu: date | None
    hetki: datetime
    vari: Vari
    ehka_vari: Vari | None
    tunnisteet: list[str]
    pakollinen: str
    rikki: str | None
    kokonaisluku: int | None
    isoksi: Isoksi | None

    @strawberry.field
    def huudettu(self) -> str:
        return self.nimi.upper()


class Lahde:
    """A duck-typed row, as resolvers may return: strawberry's attribute resolver reads whatever is there."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @property
    def rikki(self) -> str:
        raise ValueError("rikki lähde")


GOOD = {
    "nimi": "eka",
    "lisatieto": None,
    "maara": None,
    "osuus": 0.5,
    "tosi": False,
    "paiva": date(2024, 2, 29),
    "loppu": None,
    "hetki": datetime(2024, 3, 1, 12, 30),
    "vari": Vari.SININEN,
    "ehka_vari": None,
    "tunnisteet": ["a", "b"],
    "pakollinen": "on",
    "kokonaisluku": 7,
    "isoksi": "iso",
}


def _lahde(**changes: Any) -> Any:
    return Lahde(**{**GOOD, **changes})


def _done(value: Any) -> asyncio.Future[Any]:
    future = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


@strawberry.type
class Juuri:
    @strawberry.field
    def rivit(self) -> list[Rivi | None]:
        return [
            _lahde(),
            _lahde(nimi="toka", lisatieto="x", maara=3, loppu=date(2025, 1, 1)),
            _lahde(pakollinen=None),  # null on a non-null field
            _lahde(kokonaisluku="seitsemän"),  # fails coercion
            _lahde(vari="ei väri"),  # not an enum value
            _lahde(isoksi=ValueError("palautettu virhe")),  # graphql-core raises a returned exception
            _lahde(isoksi=_done("odotettu")),  # graphql-core awaits, then serializes
            _lahde(isoksi=""),  # the serializer has no output
            _lahde(isoksi=Undefined),  # graphql-core's null
        ]

    @strawberry.field
    def rivi(self) -> Rivi:
        return _lahde(pakollinen=None)


ALL = """nimi lisatieto maara osuus tosi paiva loppu hetki vari ehkaVari tunnisteet pakollinen rikki kokonaisluku
  isoksi huudettu __typename toinen: nimi"""


def _schemas(**kwargs: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    return strawberry.Schema(query=Juuri, config=CONFIG, **kwargs), strawberry.Schema(
        query=Juuri, config=CONFIG, execution_context_class=PolkuExecutionContext, **kwargs
    )


def _answer(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    return result.data, [e.formatted for e in result.errors or ()]


@pytest.mark.parametrize(
    "query",
    [
        f"{{ rivit {{ {ALL} }} }}",
        f"{{ rivi {{ {ALL} }} }}",
        "{ rivit { nimi ...R } } fragment R on Rivi { nimi paiva pakollinen }",
        "query($x: Boolean!) { rivit { nimi @include(if: $x) paiva @skip(if: $x) pakollinen } }",
    ],
)
async def test_direct_path_gives_graphql_cores_data_and_errors(query: str) -> None:
    plain, direct = _schemas()
    expected = _answer(await plain.execute(query, variable_values={"x": True}))
    assert expected[1], "the cases include field errors"
    assert _answer(await direct.execute(query, variable_values={"x": True})) == expected


async def test_plain_scalars_skip_the_resolve_info(monkeypatch: pytest.MonkeyPatch) -> None:
    infos: list[str] = []
    build = PolkuExecutionContext.build_resolve_info

    def counting(self: PolkuExecutionContext, field_def: Any, nodes: Any, parent: Any, path: Any) -> Any:
        infos.append(nodes[0].name.value)
        return build(self, field_def, nodes, parent, path)

    monkeypatch.setattr(PolkuExecutionContext, "build_resolve_info", counting)
    _, direct = _schemas()
    result = await direct.execute("{ rivit { nimi maara paiva vari huudettu } }")
    assert result.data is not None and result.data["rivit"][0] == {
        "nimi": "eka",
        "maara": None,
        "paiva": "2024-02-29",
        "vari": "SININEN",
        "huudettu": "EKA",
    }
    # Only resolvers, and the one value graphql-core must refuse, take graphql-core's path (that row stops there).
    assert sorted(infos) == sorted(["rivit", *["huudettu"] * 8, "vari"])


async def test_plans_are_shared_by_executions_of_a_document_without_directives_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds: list[str] = []
    contexts: list[weakref.ref[PolkuExecutionContext]] = []
    build, init = PolkuExecutionContext._build_field_plan, PolkuExecutionContext.__init__

    def counting(self: PolkuExecutionContext, parent: Any, details: Any) -> Any:
        builds.append(details[0].node.name.value)
        return build(self, parent, details)

    def remembered(self: PolkuExecutionContext, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        contexts.append(weakref.ref(self))

    monkeypatch.setattr(PolkuExecutionContext, "_build_field_plan", counting)
    monkeypatch.setattr(PolkuExecutionContext, "__init__", remembered)
    # The parser cache (as in api.schema) hands every execution of a query the same nodes.
    plain, direct = _schemas(extensions=[lambda: ParserCache(maxsize=8)])
    fixed = "{ rivit { nimi paiva loppu } }"  # fields without errors: a logged error holds its frames
    for _ in range(3):
        assert _answer(await direct.execute(fixed)) == _answer(await plain.execute(fixed))
    assert sorted(builds) == ["loppu", "nimi", "paiva", "rivit"]  # built by the first execution only

    builds.clear()
    switched = "query($x: Boolean!) { rivit { nimi @include(if: $x) paiva } }"
    for x in (True, False, True):
        got = _answer(await direct.execute(switched, variable_values={"x": x}))
        assert got == _answer(await plain.execute(switched, variable_values={"x": x}))
    assert builds.count("paiva") == 3  # a directive makes the selection depend on variables: never shared
    gc.collect()
    assert contexts and all(ref() is None for ref in contexts)  # shared plans hold no execution context


async def test_middleware_still_sees_every_field() -> None:
    class Huuto(SchemaExtension):
        def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            result = _next(root, info, *args, **kwargs)
            return result.upper() if isinstance(result, str) else result

    plain, direct = _schemas(extensions=[Huuto])
    query = "{ rivit { nimi lisatieto pakollinen } }"
    expected = _answer(await plain.execute(query))
    assert expected[0]["rivit"][0] == {"nimi": "EKA", "lisatieto": None, "pakollinen": "ON"}
    assert _answer(await direct.execute(query)) == expected


PAGE = """query($n: Int!) { hoksit(first: $n) { edges { cursor node {
  id ensikertainenHyvaksyminen osaamisenHankkimisenTarve osaamisenSaavuttamisenPvm sahkoposti puhelinnumero paivitetty
  oppija { oid etunimet sukunimi syntymaaika turvakielto } opiskeluoikeus { oid }
  tutkinnonOsat { id tutkinnonOsaKoodi nimi hankkimistavat { id yksiloivaTunniste tyyppi alku loppu tyopaikanNimi
    ytunnus ohjaaja { nimi sahkoposti puhelinnumero } osaAikaisuus oppisopimuksenPerusta
    keskeytymisajanjaksot { alku loppu } } }
  tyopaikkajaksot { id alku loppu }
} } pageInfo { hasNextPage endCursor } } }"""


async def test_polku_schema_answers_a_page_as_graphql_core_does(db: TortoiseContext) -> None:
    assert issubclass(schema.execution_context_class, PolkuExecutionContext)
    reference = PolkuSchema(query=Query, extensions=schema.extensions)
    await generate(60, seed=3)
    principal = await principal_for_token(await user_token(await Organisation.get(oid=OPH_OID), RoleName.READ))

    async def both(query: str, **variables: Any) -> tuple[Any, Any]:
        answers = []
        for s in (reference, schema):
            context = Context(
                request=Request({"type": "http"}),
                response=None,
                principal=principal,
                settings=Settings(database_url="unused://"),
            )
            answers.append(_answer(await s.execute(query, variable_values=variables, context_value=context)))
        return answers[0], answers[1]

    expected, got = await both(PAGE, n=100)
    assert got == expected
    nodes = [e["node"] for e in expected[0]["hoksit"]["edges"]]
    jaksot = [t for n in nodes for o in n["tutkinnonOsat"] for t in o["hankkimistavat"]]
    assert {n["osaamisenSaavuttamisenPvm"] is None for n in nodes} == {True, False}  # nulls and dates both
    assert any(t["ohjaaja"] is None for t in jaksot) and any(t["keskeytymisajanjaksot"] for t in jaksot)
    first = nodes[0]
    expected, got = await both(
        "query($oid: String!) { opiskeluoikeus(oid: $oid) { hoks { id oppija { oid } } } }",
        oid=first["opiskeluoikeus"]["oid"],
    )
    hoks = {"id": first["id"], "oppija": {"oid": first["oppija"]["oid"]}}
    assert got == expected == ({"opiskeluoikeus": {"hoks": hoks}}, [])
    expected, got = await both("query($id: Int!) { hoks(id: $id) { id sahkoposti } }", id=-1)
    assert expected[1] and got == expected


def test_the_installed_libraries_are_the_ones_the_fast_path_was_written_for() -> None:
    assert incompatibility() is None
    assert execution_context_class() is PolkuExecutionContext
    assert issubclass(schema.execution_context_class, PolkuExecutionContext)


class _ChangedSignature(StrawberryGraphQLCoreExecutionContext):
    """graphql-core as a future release might have it: execute_field takes one more parameter."""

    def execute_field(  # type: ignore[override]
        self,
        parent_type: Any,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
        extra: Any = None,
    ) -> Any:
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


async def test_a_changed_signature_falls_back_to_graphql_cores_executor_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert "execute_field" in (incompatibility(_ChangedSignature) or "")
    with caplog.at_level("WARNING", logger="polku.api"):
        chosen = execution_context_class(_ChangedSignature)
    assert chosen is _ChangedSignature
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "GraphQL fast path off, graphql-core completes every field: " + str(incompatibility(_ChangedSignature))
    ]
    # The schema then runs on that executor and answers exactly what graphql-core answers.
    plain, _ = _schemas()
    fallback = strawberry.Schema(query=Juuri, config=CONFIG, execution_context_class=chosen)
    query = f"{{ rivit {{ {ALL} }} }}"
    assert _answer(await fallback.execute(query)) == _answer(await plain.execute(query))
