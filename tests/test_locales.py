"""Every message of every gettext domain under locales/ exists, non-empty, in fi, sv and en (issues 4 and 14).

A message counts as present in a domain when any language's catalog (or the domain's .pot, if committed) has it;
for domain `kysely` also every message the survey pages use (extracted from the sources with babel.cfg); for
domain `api` every message the API and services write (read from the sources: the literal message of each
DomainError, Forbidden, NotFound, FieldError and Viesti), every reason text of the feedback and Valpas rules and
every CSV file's column names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.palaute_routes import TYOPAIKKAKYSELY_HEADER
from api.valpas_export import HEADER, LAATU_HEADER
from api.valpas_export_oppilaitos import HAKEUTUMINEN_HEADER, MAKSUTTOMUUS_HEADER, SUORITTAMINEN_HEADER
from models.rules import (
    hakeutumisvalvonta,
    kuntailmoitus,
    maksuttomuus,
    oppivelvollisuus,
    palaute,
    suorittamisvalvonta,
    tietojen_laatu,
    tyoelama,
)
from models.services import raportointi

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


# Where a message is written: the call's name and the position of its message argument (`X.of` as X; a
# DomainError subclass's `super().__init__("CODE", message, …)` as DomainError; `N_` marks a message in a table).
MESSAGE_ARGUMENT = {
    "DomainError": 1,
    "Forbidden": 0,
    "ObjectForbidden": 0,
    "NotFound": 0,
    "FieldError": 2,
    "Viesti": 0,
    "N_": 0,
    "fail": 2,  # the document readers' `fail(path, code, message)` (models.rules.koski, ehoks)
    "err": 2,  # models.rules.hoks.validate_hankkimistapa
    "require": 2,  # what a refusal names: Principal.require(need, path, what)
    "require_kunta_user": 2,
    "_readable": 2,
    "_recorded": 4,
}
SOURCES = ("api", "models", "jobs")
REASON_TEXTS = (
    palaute.REASONS,
    tyoelama.REASONS,
    oppivelvollisuus.REASON_TEXTS,
    oppivelvollisuus.DATA_QUALITY_TEXTS,
    hakeutumisvalvonta.REASON_TEXTS,
    kuntailmoitus.TEXTS,
    tietojen_laatu.TEXTS,
    suorittamisvalvonta.REASON_TEXTS,
    maksuttomuus.REASON_TEXTS,
)
CSV_HEADERS = (
    HEADER,
    LAATU_HEADER,
    SUORITTAMINEN_HEADER,
    MAKSUTTOMUUS_HEADER,
    HAKEUTUMINEN_HEADER,
    TYOPAIKKAKYSELY_HEADER,
    raportointi.TAUSTA,
    raportointi.TILASTO_OTSIKOT,
    ("kyllä", "ei"),
)


def _is_domain_error_init(call: ast.Call) -> bool:
    f, code = call.func, call.args[0] if call.args else None
    return (
        isinstance(f, ast.Attribute)
        and f.attr == "__init__"
        and isinstance(f.value, ast.Call)
        and isinstance(f.value.func, ast.Name)
        and f.value.func.id == "super"
        and isinstance(code, ast.Constant)
        and isinstance(code.value, str)
        and code.value.isupper()
    )


def _message_argument(call: ast.Call) -> ast.expr | None:
    f = call.func
    if isinstance(f, ast.Name):
        name = f.id
    elif isinstance(f, ast.Attribute) and f.attr == "of" and isinstance(f.value, ast.Name):
        name = f.value.id
    elif isinstance(f, ast.Attribute) and f.attr in ("fail", "require"):
        name = f.attr
    elif _is_domain_error_init(call):
        name = "DomainError"
    else:
        return None
    i = MESSAGE_ARGUMENT.get(name)
    return call.args[i] if i is not None and len(call.args) > i else None


def _written_by_the_api() -> set[str]:
    found = set()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                argument = _message_argument(node) if isinstance(node, ast.Call) else None
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add(argument.value)
    reasons = {text for texts in REASON_TEXTS for text in texts.values()}
    return found | reasons | {name for header in CSV_HEADERS for name in header}


def test_no_api_message_is_an_f_string():
    """An f-string is a different text for every value, so no catalog can hold it: a message is a template whose
    values are given by name (`DomainError(code, "{oid} is …", field, oid=oid)`, `FieldError.of`, `Viesti.of`)."""
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(_message_argument(node), ast.JoinedStr):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "messages written as f-strings:\n" + "\n".join(found)


def test_the_api_messages_are_found_in_the_sources():
    written = _written_by_the_api()
    assert {"{what} {key} not found", "is required", palaute.REASONS[palaute.VASTAUSAIKA_UMPEUTUNUT]} <= written


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
    if domain == "api":
        wanted |= _written_by_the_api()
    problems = []
    for kieli, catalog in catalogs.items():
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            text = message.string if message is not None else None
            text = text if isinstance(text, str) else (text[0] if text else None)
            if message is None or not text or not text.strip() or message.fuzzy:
                problems.append(f"{kieli}: {msgid!r}")
    assert not problems, f"{domain}: missing or empty translations:\n" + "\n".join(problems)
