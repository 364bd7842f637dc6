"""Koski documents for tests: the project's own fixtures and Koski's examples in ../shared, in the read shape.

Koski's examples are in its *write* shape (no OIDs, versions or koulutustoimija); its read API adds those, so
`read_shape` adds them the same way. Each document is then served in the three shapes Polku accepts.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "koski"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "reference-data" / "koski" / "examples"
CORPUS_MISSING = f"Koski's example corpus is not here ({CORPUS}); only the project's own fixtures were tested"
# Koski's recorded failed transfers: they may be refused, but must not crash anything.
FAILED_TRANSFER = "tiedonsiirto-epaonnistunut"
# The koulutustoimija Koski's read API would add where an example names none (Helsingin kaupunki, 12 digits).
DEFAULT_KOULUTUSTOIMIJA = {"oid": "1.2.246.562.10.346830761110", "nimi": {"fi": "Helsingin kaupunki"}}


@dataclass
class Example:
    name: str
    oppija: dict[str, Any]  # the Oppija document as GET /koski/api/oppija/{oid} serves it

    @property
    def henkilo_oid(self) -> str:
        return str(self.oppija["henkilö"]["oid"])

    @property
    def oo_oids(self) -> list[str]:
        return [oo["oid"] for oo in self.oppija["opiskeluoikeudet"]]

    def sure(self) -> dict[str, Any]:
        """As POST /koski/api/sure/oids lists it: the person by OID alone."""
        return {"henkilö": {"oid": self.henkilo_oid}, "opiskeluoikeudet": self.oppija["opiskeluoikeudet"]}

    def single(self) -> list[dict[str, Any]]:
        """Each study right on its own, carrying its henkilö."""
        return [{**oo, "henkilö": self.oppija["henkilö"]} for oo in self.oppija["opiskeluoikeudet"]]


def read_shape(named: list[tuple[str, dict[str, Any]]], first_oo: int = 1) -> list[Example]:
    """Koski's read shape of write-shaped documents: a person OID per hetu (leading zeros, as Koski's test OIDs
    have), and per study right an oid, versionumero, aikaleima and koulutustoimija."""
    by_hetu: dict[str, str] = {}
    out = []
    n = first_oo
    for name, doc in named:
        doc = copy.deepcopy(doc)
        henkilo = doc["henkilö"]
        if "oid" not in henkilo:
            henkilo["oid"] = by_hetu.setdefault(henkilo["hetu"], f"1.2.246.562.24.9{len(by_hetu) + 1:010d}")
        for oo in doc["opiskeluoikeudet"]:
            oo.setdefault("oid", f"1.2.246.562.15.{n:011d}")
            oo.setdefault("versionumero", 1)
            oo.setdefault("aikaleima", "2026-01-01T12:00:00.000000")
            oo.setdefault("koulutustoimija", DEFAULT_KOULUTUSTOIMIJA)
            n += 1
        out.append(Example(name, doc))
    return out


def _load(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in paths]


def own() -> list[Example]:
    return read_shape(_load(sorted(FIXTURES.glob("*.json"))), first_oo=90_000_000)


def corpus() -> list[Example]:
    return read_shape(_load(sorted(CORPUS.glob("*.json")))) if CORPUS.is_dir() else []


def own_example(stem: str) -> Example:
    """One of the project's own fixtures (tests/fixtures/koski/<stem>.json), read-shaped."""
    return read_shape(_load([FIXTURES / f"{stem}.json"]), first_oo=90_000_000)[0]


def corpus_example(stem: str) -> Example:
    """One of Koski's examples by file stem, read-shaped; the calling test is skipped when the corpus is absent."""
    path = CORPUS / f"{stem}.json"
    if not path.is_file():
        pytest.skip(CORPUS_MISSING)
    return read_shape(_load([path]))[0]


def shaped(examples: list[Example], shape: str) -> tuple[list[str], list[list[str]]]:
    """The import lines of `shape` and, per line, the example names it came from ("sure" is one JSON list over
    many lines, the way the API returns it; its documents are reported by index)."""
    if shape == "oppija":
        return [json.dumps(e.oppija, ensure_ascii=False) for e in examples], [[e.name] for e in examples]
    if shape == "sure":
        return [json.dumps([e.sure() for e in examples], ensure_ascii=False, indent=1)], [[e.name for e in examples]]
    lines, names = [], []
    for e in examples:
        for oo in e.single():
            lines.append(json.dumps(oo, ensure_ascii=False))
            names.append([e.name])
    return lines, names
