"""Polku's own code sets as GraphQL enums, each value documented (the SDL is the clients' manual).

The Python enums live with the models (their values are the stored codes); this registers them with strawberry
and gives every value its description. A value without one is a KeyError at import, before any test runs.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def register(cls: E, *, name: str, description: str, values: dict[str, str]) -> E:
    """`strawberry.enum` on a models enum plus one description per value (keyed by the member's name)."""
    strawberry.enum(cls, name=name, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return cls
