#!/usr/bin/env bash
# Install Clauses, load the demo world into SQLite (instance/clauses.db) and serve it on
# http://127.0.0.1:5000 (PORT=8000 ./run.sh for another port). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
mkdir -p instance
# A secret kept in the instance folder, so sessions survive a restart of the demo.
[ -s instance/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key
export CLAUSES_SECRET_KEY=${CLAUSES_SECRET_KEY:-$(cat instance/secret_key)}
# The demo is served over plain http on this machine: cookies cannot be HTTPS-only here.
export CLAUSES_SESSION_COOKIE_SECURE=false CLAUSES_REMEMBER_COOKIE_SECURE=false
.venv/bin/clauses init-db
.venv/bin/clauses demo --if-empty
PORT=${PORT:-5000}
echo
echo "Clauses is at http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
echo
exec .venv/bin/clauses run --host 127.0.0.1 --port "$PORT"
