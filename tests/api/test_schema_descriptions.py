"""Every type, field, argument and enum value of the GraphQL schema has a description (issue 14).

The SDL is the clients' only manual: a field without a description is one they learn from error messages. The
failure names each missing description, the Python module and class that define it, and the line to write.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
)
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.enum import StrawberryEnumDefinition

from api.schema import schema

ROOT = Path(__file__).resolve().parents[2]


def _where(obj: object) -> str:
    """`api/schema/hoks.py, class Hoks` for a Python class (or the function of a resolver)."""
    try:
        path = Path(inspect.getsourcefile(obj) or "?")  # type: ignore[arg-type]
        path = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    except TypeError:
        return "?"
    return f"{path}, {'class' if inspect.isclass(obj) else 'def'} {getattr(obj, '__qualname__', obj)}"


def _definition(name: str) -> object:
    return schema.get_type_by_name(name)


def _type_hint(name: str) -> str:
    definition = _definition(name)
    origin = getattr(definition, "origin", None) or getattr(definition, "wrapped_cls", None)
    where = _where(origin) if origin is not None else "a scalar: strawberry.scalar(..., description=…)"
    enum = isinstance(definition, StrawberryEnumDefinition)
    kind = "strawberry.enum" if enum else "strawberry.type / strawberry.input"
    return f'type {name} ({where}): @{kind}(description="…")'


def _field_hint(type_name: str, field_name: str, arg: str | None = None) -> str:
    definition = _definition(type_name)
    field = None
    if isinstance(definition, StrawberryObjectDefinition):
        field = next(
            (
                f
                for f in definition.fields
                if f.graphql_name == field_name
                or (f.graphql_name is None and schema.config.name_converter.get_graphql_name(f) == field_name)
            ),
            None,
        )
    resolver = getattr(getattr(field, "base_resolver", None), "wrapped_func", None)
    origin = resolver or getattr(field, "origin", None) or getattr(definition, "origin", None)
    where = _where(origin) if origin is not None else "?"
    python_name = getattr(field, "python_name", field_name)
    if arg is not None:
        return (
            f"argument {type_name}.{field_name}({arg}) ({where}): "
            f'{arg}: Annotated[T, strawberry.argument(description="…")]'
        )
    if resolver is not None:
        return f'field {type_name}.{field_name} ({where}): @strawberry.field(description="…")'
    return f'field {type_name}.{field_name} ({where}): {python_name}: T = strawberry.field(description="…")'


def _enum_value_hint(type_name: str, value: str) -> str:
    definition = _definition(type_name)
    origin = getattr(definition, "wrapped_cls", None)
    where = _where(origin) if origin is not None else "?"
    return f'enum value {type_name}.{value} ({where}): {value} = strawberry.enum_value("…", description="…")'


def missing_descriptions() -> list[str]:
    missing = []
    for name, named in sorted(schema._schema.type_map.items()):
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        assert isinstance(named, GraphQLNamedType)
        if not (named.description or "").strip():
            missing.append(_type_hint(name))
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not (field.description or "").strip():
                    missing.append(_field_hint(name, field_name))
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        missing.append(_field_hint(name, field_name, arg_name))
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                if not (field.description or "").strip():
                    missing.append(_field_hint(name, field_name))
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                if not (value.description or "").strip():
                    missing.append(_enum_value_hint(name, value_name))
    return missing


def test_the_walk_sees_the_whole_schema():
    """Guards the test itself: the walk reaches root fields, arguments, inputs and enums."""
    types = schema._schema.type_map
    assert {"Query", "Mutation", "Hoks", "HoksInput", "LinkinTila"} <= set(types)
    assert types["Query"].fields["oppija"].args  # type: ignore[union-attr]


def test_every_type_field_argument_and_enum_value_has_a_description():
    missing = missing_descriptions()
    assert not missing, (
        f"{len(missing)} GraphQL descriptions missing (English; domain nouns stay Finnish). Add each where shown, "
        "then `.venv/bin/polku schema > schema.graphql`:\n  " + "\n  ".join(missing)
    )
