#!/usr/bin/env bash
# Build the wheel, install it into a new virtualenv outside the source tree, then create a
# database, load the demo and serve the login page with gunicorn from it: proves that the wheel
# alone (templates, migrations, translations, static files) is a working app.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$src"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$work"/dist/clauses-*.whl
cd "$work"  # nothing of the source tree is importable from here
export CLAUSES_DATABASE_URL="sqlite:///$work/clauses.db" CLAUSES_SECRET_KEY=wheel-smoke-only
venv/bin/clauses init-db
venv/bin/clauses demo >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
venv/bin/gunicorn --workers 1 --bind "127.0.0.1:$port" 'clauses:create_app()' 2>"$work/gunicorn.log" &
pid=$!
for _ in $(seq 60); do
  if page=$(curl -fsS "http://127.0.0.1:$port/login" 2>/dev/null); then
    # A password field, in French: templates and the compiled catalogue came with the wheel.
    grep -q 'name="password"' <<<"$page" && grep -q 'Mot de passe' <<<"$page" ||
      { echo "wheel: the login page lacks its French password field" >&2; exit 1; }
    echo "wheel: $(ls "$work"/dist) installed outside the source tree serves the demo's login page"
    exit 0
  fi
  sleep 0.5
done
echo "wheel: gunicorn did not serve the login page" >&2
cat "$work/gunicorn.log" >&2
exit 1
