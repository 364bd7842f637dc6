"""Every message of every gettext domain under locales/ exists, non-empty, in fi, sv and en (issue 4).

A message counts as present in a domain when any language's catalog (or the domain's .pot, if committed) has it;
for domain `kysely` also every message the survey pages use (extracted from the sources with babel.cfg).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
KIELET = ("fi", "sv", "en")
DOMAINS = sorted({po.stem for po in LOCALES.glob("*/LC_MESSAGES/*.po")} | {p.stem for p in LOCALES.glob("*.pot")})


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalog: Catalog) -> set[str]:
    return {str(m.id) if isinstance(m.id, str) else str(m.id[0]) for m in catalog if m.id}


def _used_by_survey_pages() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return {msg[2] if isinstance(msg[2], str) else msg[2][0] for msg in extract_from_dir(ROOT, method_map, options_map)}


def test_there_are_catalogs_to_check():
    assert "kysely" in DOMAINS


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_in_every_language(domain):
    catalogs = {
        k: _catalog(LOCALES / k / "LC_MESSAGES" / f"{domain}.po")
        for k in KIELET
        if (LOCALES / k / "LC_MESSAGES" / f"{domain}.po").exists()
    }
    missing_files = [k for k in KIELET if k not in catalogs]
    assert not missing_files, f"{domain}: no catalog for {missing_files}"
    wanted = set().union(*(_ids(c) for c in catalogs.values()))
    if (LOCALES / f"{domain}.pot").exists():
        wanted |= _ids(_catalog(LOCALES / f"{domain}.pot"))
    if domain == "kysely":
        wanted |= _used_by_survey_pages()
    problems = []
    for kieli, catalog in catalogs.items():
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            text = message.string if message is not None else None
            text = text if isinstance(text, str) else (text[0] if text else None)
            if message is None or not text or not text.strip() or message.fuzzy:
                problems.append(f"{kieli}: {msgid!r}")
    assert not problems, f"{domain}: missing or empty translations:\n" + "\n".join(problems)
