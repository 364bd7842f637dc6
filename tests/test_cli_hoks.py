"""`polku import-hoks` and `polku export-hoks` as an operator runs them (a subprocess on SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ehoks_documents import comparable, load, own, without_generated
from tests.factories import koski_doc, oo_oid, org_oid
from tests.test_cli import env, polku

__all__ = ["env"]  # the fixture


def test_import_hoks_stores_the_good_documents_reports_the_bad_and_export_gives_them_back(
    env: dict[str, str], tmp_path: Path
) -> None:
    doc = load(own()[0])
    koski = koski_doc(
        oo=doc["opiskeluoikeus-oid"], oppija=doc["oppija-oid"], koulutustoimija=org_oid(), oppilaitos=org_oid()
    )
    assert polku(env, "import-koski", "-", stdin=json.dumps(koski) + "\n").returncode == 0
    unmirrored = {**doc, "opiskeluoikeus-oid": oo_oid()}
    path = tmp_path / "hoksit.json"
    path.write_text(json.dumps([doc, unmirrored, {"oppija-oid": 5}]), encoding="utf-8")

    result = polku(env, "import-hoks", str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "created 1, updated 0, refused 2"
    assert lines[1].startswith("  document 1: opiskeluoikeus_oid: NOT_FOUND")
    assert lines[2].startswith("  document 2: ") and "opiskeluoikeus-oid: REQUIRED" in lines[2]

    exported = polku(env, "export-hoks", doc["opiskeluoikeus-oid"])
    assert exported.returncode == 0, exported.stderr
    assert comparable(without_generated(json.loads(exported.stdout), doc)) == comparable(doc)
    missing = polku(env, "export-hoks", oo_oid())
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "NOT_FOUND" in missing.stderr
