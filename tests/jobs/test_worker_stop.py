"""A `polku worker` on the embedded SQLite default stops on SIGTERM (a deploy's or `make run`'s stop).

arq runs the start-up hook in a task of its own, so the shutdown hook did not see that task's Tortoise context and
left the aiosqlite connection open: the worker logged "worker stopped" and its process stayed alive for ever.
PostgreSQL hid it (asyncpg keeps no thread); this test runs the real command on SQLite with its own Redis.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from api.dev import redis_server_binary
from tests.support import free_port


async def test_a_sigterm_stops_a_sqlite_worker(tmp_path: Path) -> None:
    db_url = f"sqlite://{tmp_path / 'polku.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": db_url}
    subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env=env, check=True, capture_output=True)
    binary = redis_server_binary()
    assert binary is not None, "make test installs a redis-server binary"
    port = free_port()
    redis = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "worker",
        env={**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"},
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert worker.stderr is not None
        async with asyncio.timeout(60):
            while b'"worker started"' not in await worker.stderr.readline():
                pass
        worker.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            rest = await worker.stderr.read()
            assert await worker.wait() == 0
        assert b'"worker stopped"' in rest
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        redis.terminate()
        redis.wait(timeout=10)
