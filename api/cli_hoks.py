"""`polku import-hoks` and `polku export-hoks`: eHOKS's HOKS documents in and out (models/services/ehoks.py).

Both act as the system (OPH's admin rights) and are audited as such: they are run by the service's operators.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from models.rules.calendar import helsinki_day
from models.services.access import SYSTEM
from models.services.errors import DomainError, ValidationFailed
from models.settings import Settings


def register(sub: Any) -> None:
    imp = sub.add_parser("import-hoks", help="import eHOKS HOKS JSON: one document or a JSON list of them")
    imp.add_argument("file", help="a file, or - for standard input")
    imp.set_defaults(func=cmd_import_hoks)
    exp = sub.add_parser("export-hoks", help="print the HOKS of a study right as eHOKS's JSON")
    exp.add_argument("opiskeluoikeus_oid")
    exp.set_defaults(func=cmd_export_hoks)


def _documents(path: str) -> list[Any]:
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def _reason(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        return "; ".join(f"{e.field}: {e.code} {e.message}" for e in error.errors)
    return f"{error.field or '-'}: {error.code} {error.message}"


async def cmd_import_hoks(args: argparse.Namespace, settings: Settings) -> int:
    from api.cli import open_db, progress
    from models.services.ehoks import import_ehoks

    try:
        documents = _documents(args.file)
    except (OSError, json.JSONDecodeError) as e:
        print(f"cannot read {args.file}: {e}", file=sys.stderr)
        return 2
    today = helsinki_day(datetime.now(UTC))
    created = updated = 0
    refused: list[tuple[int, str]] = []
    await open_db(settings)
    try:
        for i, doc in enumerate(documents):
            try:
                result = await import_ehoks(doc, SYSTEM, today)
            except DomainError as e:
                refused.append((i, _reason(e)))
            else:
                created += result.created
                updated += not result.created
            progress(i + 1, len(documents), "import-hoks")
    finally:
        await Tortoise.close_connections()
    print(f"created {created}, updated {updated}, refused {len(refused)}")
    for index, reason in refused:
        print(f"  document {index}: {reason}")
    return 1 if refused else 0


async def cmd_export_hoks(args: argparse.Namespace, settings: Settings) -> int:
    from api.cli import open_db
    from models.services.ehoks import export_ehoks

    await open_db(settings)
    try:
        doc = await export_ehoks(args.opiskeluoikeus_oid, SYSTEM)
    except DomainError as e:
        print(_reason(e), file=sys.stderr)
        return 1
    finally:
        await Tortoise.close_connections()
    print(json.dumps(doc, ensure_ascii=False, indent=2))
    return 0
