"""Bad input is a field error, never an internal one (issue 10 §4).

graphql-core coerces the variables while it builds the executor and, on failure, returns errors whose
`original_error` is set, which the error mask shows as INTERNAL, with the whole rejected value in the log. Here the
executor's `build` checks every variable first, the way graphql-core would coerce it, and refuses the request
with one VALIDATION_FAILED naming every bad field (camelCase path, as the client wrote it); `api.errors` shows it
in the client's language. The same walk refuses what graphql-core accepts but the database can't
hold: NUL characters (PostgreSQL text can't store them) and strings longer than their column. Literal arguments
in the document are checked the same way (their types graphql-core's own validation has already checked).

Messages and logs never repeat a rejected value: a log line holds at most its first few characters.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    Undefined,
    VariableNode,
    Visitor,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_input_type,
    is_list_type,
    is_non_null_type,
    is_required_input_field,
    is_scalar_type,
    type_from_ast,
    visit,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from models.rules.hoks import FieldError
from models.services.errors import ValidationFailed

log = logging.getLogger("polku.api")

# Identifiers given as arguments (OIDs, tunnukset, cursors) are at most this long: the widest column they are
# looked up in (models: oid, tunnus CharField(max_length=64)). Longer ones can't match, and tortoise refuses to
# even compare them with the column.
IDENTIFIER_MAX_LENGTH = 64
# Arguments looked up in a narrower or wider column than an identifier's.
ARGUMENT_MAX_LENGTHS: Mapping[str, int] = {
    "kunta": 3,  # kuntakoodi, CharField(max_length=3)
    "after": 1024,  # Valpas list cursors carry the last row's names (api.schema.valpas.list_cursor)
    "user": 128,
    "sahkoposti": 320,
    "url": 2048,
}
# Any other string: a field of an input object or of a JSON document. Fields with a column of their own are
# checked against it by their rules (models.rules.hoks.MAX_LENGTHS); this bounds the rest.
TEXT_MAX_LENGTH = 10_000
LOGGED_PREFIX = 12

REQUIRED = "REQUIRED"
INVALID_TYPE = "INVALID_TYPE"
INVALID_DATE = "INVALID_DATE"
INVALID_CHOICE = "INVALID_CHOICE"
UNKNOWN_FIELD = "UNKNOWN_FIELD"
NUL_CHARACTER = "NUL_CHARACTER"
TOO_LONG = "TOO_LONG"


def N_(message: str) -> str:
    """Marks a message for the catalog; it is translated per request."""
    return message


MESSAGES: Mapping[str, str] = {
    REQUIRED: N_("A value is required."),
    INVALID_TYPE: N_("Not a valid value of type {type}."),
    INVALID_DATE: N_("Not a valid date: use the form YYYY-MM-DD."),
    INVALID_CHOICE: N_("Not one of the allowed values: {allowed}."),
    UNKNOWN_FIELD: N_("No such field."),
    NUL_CHARACTER: N_("Must not contain a NUL character."),
    TOO_LONG: N_("Must be at most {limit} characters long."),
}


@dataclass(frozen=True)
class Problem:
    """One refused input before translation: `field` is the camelCase path, `params` fill the message."""

    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()
    prefix: str = ""  # the first characters of the refused value, for the log only


def refusal(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed([FieldError.of(p.field, p.code, MESSAGES[p.code], **dict(p.params)) for p in problems])


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _prefix(value: object) -> str:
    return repr(value)[:LOGGED_PREFIX]


def check_text(value: str, path: str, limit: int) -> Iterator[Problem]:
    if "\x00" in value:
        yield Problem(path, NUL_CHARACTER, prefix=_prefix(value))
    if len(value) > limit:
        yield Problem(path, TOO_LONG, (("limit", str(limit)),), _prefix(value))


def check_json(value: Any, path: str) -> Iterator[Problem]:
    """Strings (keys too) anywhere in a JSON value."""
    if isinstance(value, str):
        yield from check_text(value, path, TEXT_MAX_LENGTH)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from check_text(str(key), path, TEXT_MAX_LENGTH)
            yield from check_json(item, _join(path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from check_json(item, _join(path, i))


def check_value(value: Any, type_: GraphQLInputType, path: str, limit: int) -> Iterator[Problem]:
    """What graphql-core's coercion of `value` to `type_` would refuse, and what the database would."""
    if is_non_null_type(type_):
        if value is None or value is Undefined:
            yield Problem(path, REQUIRED)
            return
        type_ = type_.of_type
    if value is None or value is Undefined:
        return
    if is_list_type(type_):
        items = value if isinstance(value, list) else [value]  # a single value is a list of one
        for i, item in enumerate(items):
            item_path = _join(path, i) if isinstance(value, list) else path
            yield from check_value(item, type_.of_type, item_path, limit)
        return
    if is_input_object_type(type_):
        if not isinstance(value, dict):
            yield Problem(path, INVALID_TYPE, (("type", type_.name),), _prefix(value))
            return
        for name, field in type_.fields.items():
            field_value = value.get(name, Undefined)
            if field_value is not Undefined or is_required_input_field(field):
                yield from check_value(field_value, field.type, _join(path, name), TEXT_MAX_LENGTH)
        for name in value:
            if name not in type_.fields:
                yield Problem(_join(path, str(name)), UNKNOWN_FIELD, prefix=_prefix(name))
        return
    if is_enum_type(type_):
        if not (isinstance(value, str) and value in type_.values):
            yield Problem(path, INVALID_CHOICE, (("allowed", ", ".join(type_.values)),), _prefix(value))
        return
    if is_scalar_type(type_):
        try:
            coerced = type_.parse_value(value)
        except Exception:  # any failure to coerce is the input's fault
            coerced = Undefined
        if coerced is Undefined:
            code = INVALID_DATE if type_.name in {"Date", "DateTime"} else INVALID_TYPE
            yield Problem(path, code, (("type", type_.name),), _prefix(value))
        elif isinstance(value, str):
            yield from check_text(value, path, limit)
        else:
            yield from check_json(value, path)


def argument_limit(name: str) -> int:
    return ARGUMENT_MAX_LENGTHS.get(name, IDENTIFIER_MAX_LENGTH)


@dataclass(frozen=True)
class _Usage:
    """Where a variable feeds an argument: the argument's name, the path its inner errors get, its string limit."""

    argument: str
    path: str
    limit: int


@dataclass(frozen=True)
class _OperationFacts:
    operation: OperationDefinitionNode
    usages: Mapping[str, _Usage]
    literal_problems: tuple[Problem, ...]


def _argument_path(argument: ArgumentNode, is_object: bool) -> str:
    """An input object's fields are named without the argument (`tutkinnonOsat[0].alku`, as the domain rules
    name them); anything else by the argument's own name."""
    return "" if is_object else argument.name.value


def _literal_problems(node: Node, path: str, limit: int) -> Iterator[Problem]:
    if isinstance(node, StringValueNode):
        yield from check_text(node.value, path, limit)
    elif isinstance(node, ListValueNode):
        for i, item in enumerate(node.values):
            yield from _literal_problems(item, _join(path, i), limit)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literal_problems(field.value, _join(path, field.name.value), TEXT_MAX_LENGTH)


def _facts(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) -> _OperationFacts:
    """Variable usages and literal problems of the operation's arguments (fragments included)."""
    usages: dict[str, _Usage] = {}
    problems: list[Problem] = []

    class _Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            name = node.name.value
            limit = argument_limit(name)
            if isinstance(node.value, VariableNode):
                variable = node.value.name.value
                type_ = _variable_type(schema, operation, variable)
                is_object = type_ is not None and is_input_object_type(get_named_type(type_))
                usage = _Usage(name, _argument_path(node, is_object), limit)
                usages.setdefault(variable, usage)
            else:
                path = _argument_path(node, isinstance(node.value, ObjectValueNode))
                problems.extend(_literal_problems(node.value, path, limit))

    visit(document, _Arguments())
    return _OperationFacts(operation, usages, tuple(problems))


def _variable_type(schema: GraphQLSchema, operation: OperationDefinitionNode, name: str) -> GraphQLInputType | None:
    for definition in operation.variable_definitions or ():
        if definition.variable.name.value == name:
            type_ = type_from_ast(schema, definition.type)
            return type_ if is_input_type(type_) else None
    return None


_FACTS: dict[int, _OperationFacts] = {}
_MAX_FACTS = 1024


def _cached_facts(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) -> _OperationFacts:
    """Per parsed document (the parser cache hands out the same nodes), like the executor's plans."""
    facts = _FACTS.get(id(document))
    if facts is None or facts.operation is not operation:
        if len(_FACTS) > _MAX_FACTS:
            _FACTS.clear()
        facts = _FACTS[id(document)] = _facts(schema, document, operation)
    return facts


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def problems_of(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], operation_name: str | None
) -> list[Problem]:
    operation = _operation(document, operation_name)
    if operation is None:  # graphql-core says what is wrong with the operation itself
        return []
    facts = _cached_facts(schema, document, operation)
    problems = list(facts.literal_problems)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if not is_input_type(type_):  # graphql-core's validation has said why
            continue
        usage = facts.usages.get(name, _Usage(name, name, IDENTIFIER_MAX_LENGTH))
        value = variables.get(name, Undefined)
        if value is Undefined and definition.default_value is not None:
            continue
        for problem in check_value(value, type_, usage.path, usage.limit):
            # the whole input object missing or of the wrong kind: named by its argument
            problems.append(problem if problem.field else replace(problem, field=usage.argument))
    return problems


class InputCheckedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Checks the request's input before graphql-core builds the executor (see the module docstring)."""

    @classmethod
    def build(  # type: ignore[override]
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        problems = problems_of(schema, document, raw_variable_values or {}, operation_name)
        if problems:
            log.info(
                "refused input: %s",
                "; ".join(f"{p.field or '(input)'} {p.code} {p.prefix}".rstrip() for p in problems[:10]),
            )
            refused = refusal(problems)
            return [GraphQLError(refused.message, original_error=refused)]
        return super().build(
            schema, document, root_value, context_value, raw_variable_values, operation_name, *args, **kwargs
        )


_BUILD_PARAMETERS = ("schema", "document", "root_value", "context_value", "raw_variable_values", "operation_name")


def with_input_check(
    base: type[StrawberryGraphQLCoreExecutionContext],
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """`base` (the fast executor or graphql-core's own) with the input check in front of its build; `base`
    unchanged, with one warning, when graphql-core's `build` no longer takes the parameters read here."""
    found = tuple(inspect.signature(base.build).parameters)[: len(_BUILD_PARAMETERS)]
    if found != _BUILD_PARAMETERS:
        log.warning("GraphQL input check off: %s.build%s is not build%s", base.__name__, found, _BUILD_PARAMETERS)
        return base
    return type(f"InputChecked{base.__name__}", (InputCheckedExecutionContext, base), {})
