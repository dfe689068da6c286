#!/usr/bin/env bash
# Run the whole test suite (browser tests included) on SQLite, or on PostgreSQL when
# CLAUSES_TEST_DATABASE_URL points at a server (tests create and drop a database of their own):
#   ./test.sh
#   CLAUSES_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test ./test.sh
# Extra arguments go to pytest (./test.sh -k contracts).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
if [ ! -x /usr/bin/chromium ]; then
  # Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
exec .venv/bin/python -m pytest "$@"
