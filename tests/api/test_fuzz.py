"""Generated operations for every query and mutation never get INTERNAL or HTTP 500 (issue 10 §4).

hypothesis-graphql writes documents from the schema, valid ones and ones with one violation (wrong type,
missing argument, unknown enum value), with NUL characters and odd Unicode in strings. Each document is sent
twice: as written (literal arguments) and with every argument moved into a variable, which is how real clients
call and where graphql-core's coercion used to turn bad input into INTERNAL. A few examples of each root field keep
the whole run in seconds; the examples are drawn anew each run, so over many runs the search goes wide.
"""

from __future__ import annotations

import os
import string
from datetime import date
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from api.schema import schema
from models.organisation import OPH_OID, Organisation, OrganisationTyyppi
from models.user import RoleName
from tests.factories import provider, user_token

GRAPHQL_SCHEMA = schema._schema
ROOT_FIELDS = sorted(
    [*GRAPHQL_SCHEMA.query_type.fields, *GRAPHQL_SCHEMA.mutation_type.fields]  # type: ignore[union-attr]
)
# Examples of every root field: a few in `make test`; POLKU_FUZZ_EXAMPLES=200 searches deeper by hand.
EXAMPLES = int(os.environ.get("POLKU_FUZZ_EXAMPLES", "10"))


def _string(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


_TEXT = st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=12)
_DATE_TEXT = st.one_of(st.dates(min_value=date(1900, 1, 1)).map(date.isoformat), _TEXT, st.just("20.11.2026"))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31 - 1) | _TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _json_node(value: Any) -> graphql.ValueNode:
    node = graphql.ast_from_value(value, graphql.GraphQLString) if isinstance(value, str) else None
    if isinstance(value, dict):
        return graphql.ObjectValueNode(
            fields=tuple(
                graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_json_node(v)) for k, v in value.items()
            )
        )
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_json_node(v) for v in value))
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    assert node is not None
    return node


CUSTOM_SCALARS = {
    "Date": _DATE_TEXT.map(_string),
    "DateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), _TEXT).map(_string),
    "JSON": _JSON.map(_json_node),
}


def as_variables(document: str) -> tuple[str, dict[str, Any]]:
    """The same operation with each root field's arguments passed as variables of the argument's type."""
    ast = graphql.parse(document)
    type_info = graphql.TypeInfo(GRAPHQL_SCHEMA)
    definitions: list[graphql.VariableDefinitionNode] = []
    values: dict[str, Any] = {}

    class _Lift(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> graphql.ArgumentNode | None:
            argument = type_info.get_argument()
            if argument is None:
                return None
            name = f"v{len(definitions)}"
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=graphql.VariableNode(name=graphql.NameNode(value=name)),
                    type=graphql.parse_type(str(argument.type)),
                )
            )
            values[name] = graphql.value_from_ast_untyped(node.value)
            return graphql.ArgumentNode(name=node.name, value=graphql.VariableNode(name=graphql.NameNode(value=name)))

    lifted = graphql.visit(ast, graphql.TypeInfoVisitor(type_info, _Lift()))
    [operation] = lifted.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    with_variables = graphql.OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=tuple(definitions),
        directives=operation.directives,
        selection_set=operation.selection_set,
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(with_variables,))), values


@pytest.fixture
async def tokens(db: object) -> list[str]:
    """An admin of a provider and of OPH: one sees a provider's data, the other the national views."""
    koulutustoimija, _ = await provider()
    oph, _ = await Organisation.get_or_create(
        oid=OPH_OID, defaults={"tyyppi": OrganisationTyyppi.OPH, "nimi": "Opetushallitus", "path": OPH_OID}
    )
    return [await user_token(koulutustoimija, RoleName.ADMIN), await user_token(oph, RoleName.ADMIN)]


def _operations(field: str) -> st.SearchStrategy[str]:
    # NEGATIVE mode needs an argument to violate: an argument-less root field (`me`) is generated positively.
    query, mutation = GRAPHQL_SCHEMA.query_type, GRAPHQL_SCHEMA.mutation_type
    assert query is not None and mutation is not None
    modes = [Mode.POSITIVE, Mode.NEGATIVE] if {**query.fields, **mutation.fields}[field].args else [Mode.POSITIVE]
    return st.sampled_from(modes).flatmap(
        lambda mode: from_schema(GRAPHQL_SCHEMA, fields=[field], custom_scalars=CUSTOM_SCALARS, mode=mode)
    )


@settings(
    max_examples=EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_operations_never_fail_internally(
    client: httpx.AsyncClient, tokens: list[str], data: st.DataObject
) -> None:
    """Each example sends one generated operation for every root field, as literals and as variables."""
    token = data.draw(st.sampled_from(tokens), label="token")
    for field in ROOT_FIELDS:
        document = data.draw(_operations(field), label=field)
        for query, variables in ((document, {}), as_variables(document)):
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code != 500, query
            errors = response.json().get("errors") or ()
            internal = [e for e in errors if (e.get("extensions") or {}).get("code") == "INTERNAL"]
            assert not internal, (query, variables, internal)
