"""The `polku` command as a user runs it: a subprocess on a temporary SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import koski_doc, org_oid

SCHEMA = """
import asyncio, sys
from tortoise import Tortoise
from models.db import tortoise_config
async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    await Tortoise.generate_schemas()
    await Tortoise.close_connections()
asyncio.run(main())
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    subprocess.run([sys.executable, "-c", SCHEMA, url], check=True, cwd=Path(__file__).parent.parent)
    return {**os.environ, "DATABASE_URL": url, "POLKU_VAR_DIR": str(tmp_path)}


def polku(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )


def test_import_koski_reports_bad_lines_and_imports_the_rest(env: dict[str, str], tmp_path: Path) -> None:
    kt, ol = org_oid(), org_oid()
    good = koski_doc(koulutustoimija=kt, oppilaitos=ol, versio=2)
    newer = {**good, "versionumero": 3, "alkamispäivä": "2021-09-01"}
    older = {**good, "versionumero": 1}
    bad_oid = koski_doc(koulutustoimija=kt, oppilaitos=ol, oo="1.2.246.562.15.1234567890")
    other = koski_doc(koulutustoimija=kt, oppilaitos=ol)
    lines = [json.dumps(good), "{not json", json.dumps(older), json.dumps(bad_oid), "", json.dumps(newer)]
    lines.append(json.dumps(other))
    path = tmp_path / "koski.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = polku(env, "import-koski", str(path))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "accepted 2, new version 1, unchanged 0, refused 3" in out
    assert "line 2: not JSON" in out
    assert "line 3: versionumero: version 1 refused: version 2 is already stored" in out
    assert "line 4: oid: " in out and "followed by 11 digits" in out
    assert "import [" in result.stderr  # the progress bar

    # the newest version won: importing version 2 again from stdin is refused as stale
    again = polku(env, "import-koski", "-", stdin=json.dumps(good) + "\n")
    assert "refused 1" in again.stdout and "version 3 is already stored" in again.stdout


def test_users_add_and_token(env: dict[str, str], tmp_path: Path) -> None:
    kt, ol = org_oid(), org_oid()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(koski_doc(koulutustoimija=kt, oppilaitos=ol)) + "\n", encoding="utf-8")
    assert polku(env, "import-koski", str(path)).returncode == 0

    added = polku(env, "users", "add", "wilma", "--org", ol, "--role", "write", "--kind", "service")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"wilma: write in {ol}"
    token = polku(env, "users", "token", "wilma")
    assert token.returncode == 0 and len(token.stdout.strip()) >= 40

    unknown_org = polku(env, "users", "add", "x", "--org", org_oid(), "--role", "read")
    assert unknown_org.returncode != 0 and "not found" in unknown_org.stderr
    bad_role = polku(env, "users", "add", "x", "--org", ol, "--role", "superuser")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr

    from models.services.users import hash_token

    check = subprocess.run(
        [sys.executable, "-c", _TOKEN_CHECK, env["DATABASE_URL"], hash_token(token.stdout.strip())],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert check.stdout.strip() == "wilma service", check.stderr


_TOKEN_CHECK = """
import asyncio, sys
from tortoise import Tortoise
from models.db import tortoise_config
from models.user import ApiToken
async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    row = await ApiToken.get(token_hash=sys.argv[2]).prefetch_related("user")
    print(row.user.name, row.user.kind.value)
    await Tortoise.close_connections()
asyncio.run(main())
"""


def test_koski_sync_mirrors_the_feed_and_an_import_takes_a_json_list(env: dict[str, str], tmp_path: Path) -> None:
    from tests.koski.documents import own
    from tests.koski.standin import PASSWORD, USER, KoskiStandin, Serving

    examples = own()
    koski = KoskiStandin()
    for e in examples:
        koski.change(e.henkilo_oid, e.sure())
    with Serving(koski):
        sync_env = {**env, "KOSKI_URL": koski.url, "KOSKI_USERNAME": USER, "KOSKI_PASSWORD": PASSWORD}
        first = polku(sync_env, "koski-sync", "--since", "2026-01-01T00:00:00Z")
        again = polku(sync_env, "koski-sync")
    assert first.returncode == 0, first.stderr
    assert f"persons {len(examples)}: accepted {sum(len(e.oo_oids) for e in examples)}, new version 0" in first.stdout
    assert "accepted 0, new version 0" in again.stdout  # the overlap repeats the newest changes: nothing new
    listed = tmp_path / "oppijat.json"
    listed.write_text(json.dumps([e.oppija for e in examples], indent=2), encoding="utf-8")
    imported = polku(env, "import-koski", str(listed))
    assert imported.returncode == 0, imported.stdout
    assert f"unchanged {sum(len(e.oo_oids) for e in examples)}, refused 0" in imported.stdout
