"""eHOKS HOKS documents for tests: the project's own fixture, and the real ones in ../shared when present."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "ehoks"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "reference-data" / "ehoks" / "hoks"
CORPUS_MISSING = f"the eHOKS HOKS corpus is not here ({CORPUS}); only the project's own fixtures were tested"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def own() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


def comparable(value: Any) -> Any:
    """What a round trip must keep. eHOKS itself treats these as absent, and so does Polku (DOMAIN.md §2:
    a blank string is absent): a null, a blank string, an empty list. Key order never matters."""
    if isinstance(value, dict):
        kept = {k: comparable(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [])}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value.strip() if isinstance(value, str) else value


def without_generated(exported: Any, original: Any) -> Any:
    """The export without what Polku generated itself: a hankkimistapa sent without `yksiloiva-tunniste` gets one
    (DOMAIN.md §2, as eHOKS does), so that later updates keep the jakso's identity. Each must be a UUID."""
    given: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if "yksiloiva-tunniste" in value:
                given.add(value["yksiloiva-tunniste"])
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            tunniste = value.get("yksiloiva-tunniste")
            if tunniste is not None and tunniste not in given:
                uuid.UUID(tunniste)  # generated, never invented from the document's other content
                value = {k: v for k, v in value.items() if k != "yksiloiva-tunniste"}
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    collect(original)
    return strip(exported)
