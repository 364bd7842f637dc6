"""A graphql-core executor that completes plain fields without graphql-core's per-field machinery.

A 100-HOKS page has some 5 600 fields, nearly all of which only read an attribute of a strawberry object (id,
alku, ohjaaja { nimi }, …). graphql-core gives each a path, a resolve info, a resolver chain and a recursive
value completion, which was most of the page's CPU (bench/graphql_hoks.py). Here a field whose resolver is
strawberry's attribute read, and whose type is a scalar, an enum, an object type whose selected fields are all
such fields, or a list or non-null of these, is read and coerced directly; an object whose selected fields are
all plain is built as one dict.

An object type with an `is_type_of` is completed directly only when that function offers a `direct(value,
context)` answer (the authorization guards of api/authorization.py do): True completes the object here; None
(the check must await) or a refusal sends the value to graphql-core, which runs `is_type_of` itself, so a check
always runs and a refusal is always graphql-core's error at its path.

Everything else, and every value that would not complete cleanly (null on a non-null field, an exception, an
awaitable, a non-list for a list, a failed or empty coercion), goes through graphql-core as before, so results
and errors are exactly graphql-core's: the plain attributes of that object are then read a second time, which
is harmless for plain attributes.

Plans are built once per selection. A document without directives selects the same fields whatever its
variables, so its plans are shared by every execution of it (the parser cache hands out the same nodes).

The class overrides graphql-core methods that are not public API (`execute_fields`, `execute_field`,
`collect_subfields`) and reads strawberry internals. graphql-core is pinned exactly in pyproject.toml, and
`execution_context_class()` checks at start-up that those are the ones this was written for; if not, the
schema runs on graphql-core's own executor (correct, only slower) and one warning says why.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any, TypeVar

from graphql import (
    DirectiveNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Node,
    OperationDefinitionNode,
    Undefined,
    Visitor,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import CollectedFields, FieldDetailsList, FragmentDetails, GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

log = logging.getLogger("polku.api")

# Classes whose instances are never an exception or an awaitable: no need to ask graphql-core's test.
_ORDINARY = frozenset({str, int, float, bool, date, datetime, time})
# Built-in scalars whose serializer returns a value of exactly this class unchanged (Int also checks its range,
# so it is not here); most of a page's leaves are strings.
_IDENTITY_OUTPUT: dict[object, type] = {GraphQLString: str, GraphQLBoolean: bool, GraphQLID: str}

Complete = Callable[[Any], Any]
BuildObject = Callable[[Any], dict[str, Any]]
T = TypeVar("T")


class _Fallback(Exception):
    """A value the direct path can't complete exactly as graphql-core would: graphql-core completes it."""


def _attribute_read(field_def: GraphQLField | None) -> tuple[Callable[[Any, str], Any], str] | None:
    """strawberry's resolver and attribute name for a field that only reads an attribute, else None."""
    if field_def is None:
        return None
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    # `_is_default` marks strawberry's resolver for a field without its own; `is_basic_field` says it only
    # reads the attribute (no extensions or permissions), so it needs no resolve info.
    if not (
        isinstance(field, StrawberryField) and field.is_basic_field and getattr(field_def.resolve, "_is_default", False)
    ):
        return None
    return field.default_resolver, field.python_name


# Plans shared across executions, keyed by parent type and the identities of the field nodes they were built
# for; each entry holds those nodes, so an id can't be reused while its entry lives.
_SHARED_FIELD_PLANS: dict[tuple[Any, ...], tuple[tuple[Node, ...], Complete | None]] = {}
_SHARED_OBJECT_PLANS: dict[tuple[Any, ...], tuple[tuple[Node, ...], BuildObject | None]] = {}
_DIRECTIVE_FREE: dict[int, tuple[OperationDefinitionNode, bool]] = {}
_MAX_SHARED = 4096
# The running execution's context value, for `is_type_of.direct` checks inside shared plans (which must not
# hold an execution). Each request runs in its own task, so each sees its own.
_CONTEXT: ContextVar[Any] = ContextVar("polku_execution_context", default=None)


def _directive_free(operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDetails]) -> bool:
    """True when no selection of the operation carries a directive (@include, @skip, @defer, …) and no
    fragment takes variables: then the fields selected don't depend on the variables."""
    cached = _DIRECTIVE_FREE.get(id(operation))
    if cached is None or cached[0] is not operation:
        found = any(f.variable_signatures for f in fragments.values())

        class _Finder(Visitor):
            def enter(self, node: Node, *_: Any) -> None:
                nonlocal found
                found = found or isinstance(node, DirectiveNode)

        for root in (operation, *(f.definition for f in fragments.values())):
            visit(root, _Finder())
        if len(_DIRECTIVE_FREE) > _MAX_SHARED:
            _DIRECTIVE_FREE.clear()
        cached = _DIRECTIVE_FREE[id(operation)] = (operation, not found)
    return cached[1]


def _plain_test(is_awaitable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """False for what graphql-core treats specially: null is the caller's, these raise or await."""

    def plain(value: Any) -> bool:
        return not isinstance(value, Exception) and not is_awaitable(value)

    return plain


class PolkuExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Middleware (an extension with `resolve`) must see every field.
        self._direct = self.middleware_manager is None or not self.middleware_manager.middlewares
        # Plans per selection of this operation, keyed by the identity of graphql-core's (cached) field lists;
        # each entry keeps its key object alive so the id can't be reused.
        self._field_plans: dict[int, tuple[FieldDetailsList, Complete | None]] = {}
        self._object_plans: dict[int, tuple[GroupedFieldSet, BuildObject | None]] = {}
        self._shared = self._direct and _directive_free(self.operation, self.fragments)
        # Shared plans outlive this execution, so they hold this test, never `self`.
        self._plain = _plain_test(self.is_awaitable)
        _CONTEXT.set(self.context_value)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        build = self._object_plan(parent_type, grouped_field_set) if self._direct else None
        if build is not None:
            try:
                return build(source_value)
            except _Fallback:
                pass
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        complete = self._field_plan(parent_type, field_details_list) if self._direct else None
        if complete is not None:
            try:
                return complete(source)
            except _Fallback:
                pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    # --- plans -----------------------------------------------------------------------------------------------

    def _object_plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> BuildObject | None:
        cached = self._object_plans.get(id(grouped))
        if cached is None:
            nodes = tuple(d.node for details in grouped.values() for d in details)
            build = self._shared_plan(
                _SHARED_OBJECT_PLANS,
                (parent_type, *grouped, *map(id, nodes)),
                nodes,
                lambda: self._build_object_plan(parent_type, grouped),
            )
            cached = self._object_plans[id(grouped)] = (grouped, build)
        return cached[1]

    def _build_object_plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> BuildObject | None:
        fields: list[tuple[str, Complete]] = []
        for response_name, details in grouped.items():
            complete = self._field_plan(parent_type, details)
            if complete is None:
                return None
            fields.append((response_name, complete))

        def build(source: Any) -> dict[str, Any]:
            return {response_name: complete(source) for response_name, complete in fields}

        return build

    def _field_plan(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> Complete | None:
        """Read-and-complete of one field from its parent object, or None when graphql-core must do it."""
        cached = self._field_plans.get(id(details))
        if cached is None:
            nodes = tuple(d.node for d in details)
            complete = self._shared_plan(
                _SHARED_FIELD_PLANS,
                (parent_type, *map(id, nodes)),
                nodes,
                lambda: self._build_field_plan(parent_type, details),
            )
            cached = self._field_plans[id(details)] = (details, complete)
        return cached[1]

    def _shared_plan(
        self,
        shared: dict[tuple[Any, ...], tuple[tuple[Node, ...], T]],
        key: tuple[Any, ...],
        nodes: tuple[Node, ...],
        build: Callable[[], T],
    ) -> T:
        """The plan other executions of this document built, else a new one (shared when the document allows)."""
        if not self._shared:
            return build()
        entry = shared.get(key)
        if entry is None:
            if len(shared) > _MAX_SHARED:
                shared.clear()
            entry = shared[key] = (nodes, build())
        return entry[1]

    def _build_field_plan(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> Complete | None:
        node = details[0].node
        if node.arguments or any(d.defer_usage is not None for d in details):
            return None
        field_def = self.schema.get_field(parent_type, node.name.value)
        read = _attribute_read(field_def)
        if read is None or field_def is None:
            return None
        complete = self._type_plan(field_def.type, details)
        if complete is None:
            return None
        resolve, name = read

        def read_and_complete(source: Any) -> Any:
            try:
                value = resolve(source, name)
            except Exception:  # graphql-core reports it
                raise _Fallback from None
            return complete(value)

        return read_and_complete

    def _type_plan(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        """Completion of a value of `type_`, or None when the type needs graphql-core (abstract types, defer)."""
        if is_non_null_type(type_):
            return self._non_null(self._type_plan(type_.of_type, details))
        if is_list_type(type_):
            return self._list(self._type_plan(type_.of_type, details))
        if is_leaf_type(type_):
            return self._leaf(type_.coerce_output_value, _IDENTITY_OUTPUT.get(type_))
        if is_object_type(type_):
            direct = getattr(type_.is_type_of, "direct", None)
            if type_.is_type_of and direct is None:
                return None
            grouped, defer_usages, _ = self.collect_subfields(type_, details)
            origin = getattr(type_.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF), "origin", None)
            if not isinstance(origin, type) or issubclass(origin, BaseException) or hasattr(origin, "__await__"):
                origin = None
            build = self._object_plan(type_, grouped)
            if defer_usages:
                return None
            return self._object(build, origin) if direct is None else self._checked(self._object(build, origin), direct)
        return None

    def _checked(self, complete: Complete | None, direct: Callable[[Any, Any], bool | None]) -> Complete | None:
        """`complete` behind the type's `is_type_of.direct` check; anything but a plain True is graphql-core's."""
        if complete is None:
            return None

        def checked(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            try:
                allowed = direct(value, _CONTEXT.get())
            except Exception:  # a refusal: graphql-core runs the check again and reports it at its path
                raise _Fallback from None
            if allowed is not True:
                raise _Fallback
            return complete(value)

        return checked

    def _non_null(self, inner: Complete | None) -> Complete | None:
        if inner is None:
            return None

        def complete(value: Any) -> Any:
            completed = inner(value)
            if completed is None:
                raise _Fallback
            return completed

        return complete

    def _list(self, item: Complete | None) -> Complete | None:
        if item is None:
            return None

        def complete(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if not isinstance(value, list | tuple):
                raise _Fallback
            return [item(v) for v in value]

        return complete

    def _leaf(self, coerce: Callable[[Any], Any], identity: type | None) -> Complete:
        plain = self._plain

        def complete(value: Any) -> Any:
            cls = value.__class__
            if cls is identity:  # what graphql-core's serializer would return unchanged
                return value
            if value is None or value is Undefined:
                return None
            if cls not in _ORDINARY and not plain(value):
                raise _Fallback
            try:
                coerced = coerce(value)
            except Exception:
                raise _Fallback from None
            if coerced is None or coerced is Undefined:
                raise _Fallback
            return coerced

        return complete

    def _object(self, build: BuildObject | None, origin: type | None) -> Complete | None:
        """`origin` is the strawberry class of the type: its instances are plain objects, no test needed."""
        if build is None:
            return None
        plain = self._plain

        def complete(value: Any) -> Any:
            if value.__class__ is origin:
                return build(value)
            if value is None or value is Undefined:
                return None
            if not plain(value):
                raise _Fallback
            return build(value)

        return complete


# The graphql-core methods overridden or called above, with the parameters they were written for.
_EXPECTED_PARAMETERS = {
    "execute_fields": ("self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"),
    "execute_field": ("self", "parent_type", "source", "field_details_list", "path", "position_context"),
    "collect_subfields": ("self", "return_type", "field_details_list"),
}


def incompatibility(base: type = StrawberryGraphQLCoreExecutionContext) -> str | None:
    """Why the fast path can't run on `base` and the installed libraries, or None when it can."""
    for name, expected in _EXPECTED_PARAMETERS.items():
        method = getattr(base, name, None)
        if method is None:
            return f"{base.__name__}.{name} is missing"
        found = tuple(inspect.signature(method).parameters)
        if found != expected:
            return f"{base.__name__}.{name}{found} is not {name}{expected}"
    if CollectedFields._fields[:2] != ("grouped_field_set", "new_defer_usages") or len(CollectedFields._fields) != 3:
        return f"graphql-core's CollectedFields is {CollectedFields._fields}"
    if not isinstance(getattr(GraphQLCoreConverter, "DEFINITION_BACKREF", None), str):
        return "strawberry's GraphQLCoreConverter.DEFINITION_BACKREF is missing"
    if not all(hasattr(StrawberryField, a) for a in ("is_basic_field", "default_resolver", "python_name")):
        return "strawberry's StrawberryField lacks is_basic_field, default_resolver or python_name"
    return None


def execution_context_class(
    base: type[StrawberryGraphQLCoreExecutionContext] = StrawberryGraphQLCoreExecutionContext,
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """PolkuExecutionContext when the libraries are the ones it was written for, else graphql-core's executor
    (with one warning): a changed private signature must cost speed, never every query."""
    problem = incompatibility(base)
    if problem is None and issubclass(PolkuExecutionContext, base):
        return PolkuExecutionContext
    log.warning("GraphQL fast path off, graphql-core completes every field: %s", problem or "unexpected base class")
    return base
