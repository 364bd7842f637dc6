"""The schema-wide authorization walk (issue 10): every root query field, found by introspection, is queried
down to a bounded depth with the identifiers of organisation B's and kunta Y's data, as every kind of user of
organisation A and kunta X; no answer may contain a value of B or Y. A new field or type is walked without
anyone listing it, a root field whose required argument the walk cannot fill fails the test, and the owners
of the data (OPH, B's reader, Y's kunta user) must see B's and Y's values, so the walk cannot pass vacuously.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)

from tests.api.authz_world import OWNER_KINDS, USER_KINDS, AuthzWorld, leaks, make_authz_world
from tests.api.conftest import Gql
from tests.valpas.builders import TODAY

pytestmark = pytest.mark.usefixtures("db")

MAX_DEPTH = 6  # object levels below the root field
TOKEN_BUDGET = 1200  # the API refuses documents over 2000 tokens
_TOKEN = re.compile(r"[_A-Za-z][_0-9A-Za-z]*|-?\d+|\"(?:[^\"\\]|\\.)*\"|[{}():$!\[\],]")
# Codes a refusal may carry; anything else (INTERNAL, or a validation error of a generated query) fails.
REFUSALS = {
    "FORBIDDEN",
    "NOT_FOUND",
    "VALIDATION_FAILED",
    "OUT_OF_RANGE",
    "INVALID_CHOICE",
    "INVALID_CURSOR",
    "REQUIRED",
}


@dataclass
class Node:
    """One selected field: `head` is its name with arguments; `children` is None for a leaf."""

    head: str
    children: list[Node] | None = None

    def text(self) -> str:
        if self.children is None:
            return self.head
        return f"{self.head} {{ {' '.join(c.text() for c in self.children)} }}"

    def size(self) -> int:
        return len(_TOKEN.findall(self.text()))


def _literal(value: Any, type_: GraphQLInputType) -> str:
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return str(value)
    return json.dumps(value)


def _no_default(arg: GraphQLArgument) -> bool:
    """graphql-core keeps an introspected default in `default`, a coded one in `default_value`."""
    return arg.default_value is Undefined and getattr(arg, "default", None) is None


def argument_values(world: AuthzWorld) -> dict[str, list[Any]]:
    """Identifiers of B's and Y's data, by argument name (`field.argument` wins over `argument`)."""
    b_kt, b_ol = world.orgs["b_kt"].oid, world.orgs["b_ol"].oid
    return {
        "hoks.id": [world.q_hoks_id, world.p_hoks_id],
        "oppija.oid": [world.q_oid, world.p_oid],
        "oppijat.haku": [world.q_oid, world.p_oid, "Secretbsukunimi", "Secretysukunimi"],
        "valpasHaku.tunniste": [world.q_oid, world.p_oid],
        "opiskeluoikeus.oid": [world.q_oo_oid, world.p_b_oo_oid],
        "tunnus": world.tunnukset[:2],
        "koulutustoimija": [b_kt],
        "koulutustoimijaOid": [b_kt],
        "oppilaitos": [b_ol],
        "organisaatio": [b_ol, world.orgs["b_kt"].oid],
        "kunta": ["049"],
        "auditLog.oppijaOid": [world.p_oid],
        "kyselytyyppi": ["aloittaneet"],
        "paiva": [TODAY.isoformat()],
        "alku": [(TODAY - timedelta(days=400)).isoformat()],
        "loppu": [(TODAY + timedelta(days=1)).isoformat()],
    }


@dataclass
class Walk:
    schema: GraphQLSchema
    values: dict[str, list[Any]]
    unfilled: list[str] = field(default_factory=list)

    def arguments(self, owner: str, name: str, args: dict[str, GraphQLArgument]) -> list[str]:
        """Argument lists to try: required ones filled (each known value in turn), then once more with every
        optional argument that has a known value."""
        required = {a: t for a, t in args.items() if is_non_null_type(t.type) and _no_default(t)}
        optional = {a: t for a, t in args.items() if a not in required}

        def known(arg: str) -> list[Any] | None:
            return self.values.get(f"{name}.{arg}") or self.values.get(arg)

        for arg in required:
            if known(arg) is None:
                self.unfilled.append(f"{owner}.{name}({arg})")
                return []
        rounds = max([len(known(a) or []) for a in required] + [1])
        variants = []
        for i in range(rounds):
            chosen = {a: (known(a) or [])[i % len(known(a) or [None])] for a in required}
            variants.append(chosen)
        extra = {a: known(a)[0] for a in optional if known(a)}  # type: ignore[index]
        if extra:
            variants.append({**variants[0], **extra})
        out = []
        for chosen in variants:
            rendered = ", ".join(f"{a}: {_literal(v, args[a].type)}" for a, v in chosen.items())
            out.append(f"{name}({rendered})" if rendered else name)
        return out

    def selections(self, type_: GraphQLNamedType, depth: int, path: tuple[str, ...]) -> list[Node]:
        assert isinstance(type_, GraphQLObjectType)
        nodes = []
        for name, f in type_.fields.items():
            nodes.extend(self.field_nodes(type_.name, name, f, depth, path))
        return nodes

    def field_nodes(self, owner: str, name: str, f: GraphQLField, depth: int, path: tuple[str, ...]) -> list[Node]:
        target = get_named_type(f.type)
        heads = self.arguments(owner, name, f.args) if f.args else [name]
        if is_leaf_type(target):
            return [Node(heads[0])] if heads else []
        if not is_object_type(target) or target.name in path or depth >= MAX_DEPTH:
            return []
        children = self.selections(target, depth + 1, (*path, target.name))
        if not children:
            return []
        return [Node(f"a{i}: {h}" if len(heads) > 1 else h, children) for i, h in enumerate(heads)]


def split(node: Node, budget: int) -> list[Node]:
    """The node as several nodes under `budget` tokens each: its leaves in every part, its object children
    spread over the parts (and split themselves when one alone is too big)."""
    if node.children is None or node.size() <= budget:
        return [node]
    leaves = [c for c in node.children if c.children is None]
    base = Node(node.head, leaves).size() + 2
    parts: list[Node] = []
    for child in node.children:
        if child.children is not None:
            parts.extend(split(child, budget - base))
    groups: list[list[Node]] = [[]]
    for part in parts:
        if groups[-1] and Node(node.head, [*leaves, *groups[-1], part]).size() > budget:
            groups.append([])
        groups[-1].append(part)
    return [Node(node.head, [*leaves, *group]) for group in groups]


def root_queries(walk: Walk) -> dict[str, list[str]]:
    """Documents per root query field."""
    query_type = walk.schema.query_type
    assert query_type is not None
    out: dict[str, list[str]] = {}
    for name, f in query_type.fields.items():
        docs = []
        for root in walk.field_nodes("Query", name, f, 0, ("Query",)):
            docs.extend("{ " + part.text() + " }" for part in split(root, TOKEN_BUDGET))
        out[name] = docs
    return out


@dataclass
class Coverage:
    queries: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    leaks: dict[str, list[str]] = field(default_factory=dict)


def _answer_text(body: dict[str, Any], doc: str) -> str:
    """The data, and the error messages without the identifiers the query itself sent (a refusal may name
    what was asked for; that reveals nothing the caller did not send)."""
    messages = " ".join(e["message"] for e in body.get("errors", []))
    for sent in re.findall(r'"([^"]+)"', doc):
        messages = messages.replace(sent, "<sent>")
    for number in re.findall(r"\(\w+: (\d+)\)", doc):
        messages = re.sub(rf"\b{number}\b", "<sent>", messages)
    return json.dumps(body.get("data")) + messages


async def run_as(gql: Gql, token: str, docs: dict[str, list[str]]) -> tuple[Coverage, str]:
    seen = Coverage()
    texts = []
    for root, documents in docs.items():
        for doc in documents:
            body = await gql(token, doc)
            texts.append(_answer_text(body, doc))
            problems = [e for e in body.get("errors", []) if (e.get("extensions") or {}).get("code") not in REFUSALS]
            assert not problems, f"{root}: {problems[:2]}\n{doc}"
            seen.queries[root] += 1
            seen.fields[root] += len(re.findall(r"[_A-Za-z]\w*(?=[\s}(])", doc)) - 1
    return seen, "\n".join(texts)


async def test_no_user_of_a_or_x_reads_data_of_b_or_y(gql: Gql) -> None:
    world = await make_authz_world()
    introspection = await gql(world.tokens["oph_read"], get_introspection_query(descriptions=False))
    walk = Walk(build_client_schema(introspection["data"]), argument_values(world))
    docs = root_queries(walk)
    assert not walk.unfilled, f"add identifiers of B/Y data for these arguments: {walk.unfilled}"
    assert all(docs.values()), [r for r, d in docs.items() if not d]

    found: dict[str, list[str]] = {}
    figures = []
    for kind in USER_KINDS:
        seen, text = await run_as(gql, world.tokens[kind], docs)
        assert set(seen.queries) == set(docs), f"{kind} did not exercise {set(docs) - set(seen.queries)}"
        figures.append(
            f"{kind}: {len(seen.queries)} root fields, {sum(seen.queries.values())} queries, "
            f"{sum(seen.fields.values())} fields"
        )
        if leaked := leaks(text, world.secrets):
            found[kind] = leaked
    print("\n".join(["authorization walk coverage:", *figures]))
    assert not found, f"B's or Y's data reached other users: {found}"

    # Positive control: the same walk shows B's and Y's values to those who own them.
    owners_saw = set()
    for kind in OWNER_KINDS:
        _, text = await run_as(gql, world.tokens[kind], docs)
        owners_saw |= set(leaks(text, world.secrets))
    assert {"secretb", "secrety", world.q_oid, world.tunnukset[0]} <= owners_saw, owners_saw


def test_a_big_selection_is_split_under_the_budget_without_losing_a_field() -> None:
    objects = [Node(f"o{j}", [Node(f"o{j}g{i}") for i in range(40)]) for j in range(6)]
    node = Node("x", [*(Node(f"f{i}") for i in range(10)), *objects])
    parts = split(node, 150)
    assert len(parts) > 1 and all(p.size() <= 150 for p in parts)
    grandchildren = {g.head for p in parts for c in p.children or [] if c.children for g in c.children}
    assert grandchildren == {f"o{j}g{i}" for j in range(6) for i in range(40)}
    assert all({f"f{i}" for i in range(10)} <= {c.head for c in p.children or []} for p in parts)
