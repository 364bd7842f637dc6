"""The bundled national survey definitions (DOMAIN.md §5), one JSON file per survey version.

A file is named `<kyselytyyppi>.v<versio>.json`. A changed survey is a new file with the next versio, never an
edit of an old one: answers stay tied to the version they answered, and new links use the newest version.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from types import MappingProxyType

from models.rules.kysely import DefinitionError, Kysely, parse_kysely

_FILE_RE = re.compile(r"^(?P<kyselytyyppi>[a-z_]+)\.v(?P<versio>[1-9][0-9]*)\.json$")


@cache
def _load() -> MappingProxyType[tuple[str, int], Kysely]:
    """Read and check every definition once; a broken file fails loudly at startup, not on a respondent."""
    kyselyt: dict[tuple[str, int], Kysely] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        match = _FILE_RE.match(entry.name)
        if match is None:
            raise ValueError(f"{entry.name}: survey files are named <kyselytyyppi>.v<versio>.json")
        try:
            kysely = parse_kysely(json.loads(entry.read_text(encoding="utf-8")))
        except DefinitionError as e:
            raise ValueError(f"{entry.name}: {e}") from e
        key = (match["kyselytyyppi"], int(match["versio"]))
        if (kysely.kyselytyyppi, kysely.versio) != key:
            raise ValueError(
                f"{entry.name}: holds {kysely.kyselytyyppi} v{kysely.versio}, which doesn't match its name"
            )
        kyselyt[key] = kysely
    return MappingProxyType(kyselyt)


def load_all() -> dict[tuple[str, int], Kysely]:
    """Every bundled survey version by (kyselytyyppi, versio); a fresh dict, the parsed surveys are cached."""
    return dict(_load())


def latest(kyselytyyppi: str) -> Kysely:
    """The newest version of a survey: the one new links and answers use."""
    versions = [kysely for (tyyppi, _), kysely in _load().items() if tyyppi == kyselytyyppi]
    if not versions:
        raise KeyError(f"no bundled survey of kyselytyyppi {kyselytyyppi!r}")
    return max(versions, key=lambda k: k.versio)
