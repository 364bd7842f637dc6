#!/usr/bin/env bash
# What the test suite needs besides Python packages: Debian's chromium for the browser tests, and a Redis on
# 127.0.0.1:6379 (started here when none answers), and a redis-server binary for the tests that restart their own. PostgreSQL is expected on 127.0.0.1:5432.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The binary is needed even when a Redis answers: the worker tests restart a private redis-server under a worker.
bash "$here/ensure-redis-server.sh"
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
fi
