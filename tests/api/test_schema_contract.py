"""The GraphQL contract (issue 14): no silent breaking change for the clients of a national service.

`schema.released.graphql` is what clients were last given; every breaking change from it to the current schema
(graphql-core's `find_breaking_changes`) must be listed in the README's Changelog section, in graphql-core's
own words, so that a client developer reading the README learns of it before their queries fail.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema, find_breaking_changes

from api.schema import schema

ROOT = Path(__file__).resolve().parents[2]


def changelog() -> str:
    """The README's `## Changelog` section, up to the next second-level heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Changelog\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert match, "README.md has no '## Changelog' section"
    return match.group(1)


def unlisted_breaking_changes(released_sdl: str, current_sdl: str, listed: str) -> list[str]:
    changes = find_breaking_changes(build_schema(released_sdl), build_schema(current_sdl))
    return [c.description for c in changes if f"`{c.description}`" not in listed]


def test_committed_sdl_is_the_served_schema():
    assert (ROOT / "schema.graphql").read_text(encoding="utf-8").strip() == schema.as_str().strip(), (
        "schema.graphql differs from the schema: run `.venv/bin/polku schema > schema.graphql`"
    )


def test_every_breaking_change_since_the_release_is_in_the_changelog():
    unlisted = unlisted_breaking_changes(
        (ROOT / "schema.released.graphql").read_text(encoding="utf-8"),
        schema.as_str(),
        changelog(),
    )
    assert not unlisted, (
        "Breaking GraphQL changes since schema.released.graphql that README.md's '## Changelog' does not list. "
        "Either keep the old field/argument/type working, or add under '### Unreleased' one line each, "
        "graphql-core's words in backticks, then what clients must do:\n"
        + "\n".join(f"- `{d}` <what clients do about it>" for d in unlisted)
    )


def test_a_removed_field_is_caught_unless_listed():
    """The check itself: a removal is reported, and listing it in graphql-core's words silences it."""
    released = "type Query { a: String, b: String }"
    current = "type Query { a: String }"
    assert unlisted_breaking_changes(released, current, "") == ["Field Query.b was removed."]
    assert unlisted_breaking_changes(released, current, "- `Field Query.b was removed.` Use a.") == []
    assert unlisted_breaking_changes(released, "type Query { a: String! b: String }", "") == []
