#!/usr/bin/env bash
# Extract the UI's messages, merge them into the French catalogue, compile it.
# Usage: scripts/i18n.sh update   (then translate the new or fuzzy entries of clauses/translations/fr/LC_MESSAGES/messages.po)
#        scripts/i18n.sh compile
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=${PYBABEL:-.venv/bin/pybabel}
case "${1:-}" in
  update)
    "$pybabel" extract --ignore-dirs ".*" -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o clauses/translations/messages.pot .
    if [ -f clauses/translations/fr/LC_MESSAGES/messages.po ]; then
      "$pybabel" update --no-fuzzy-matching -i clauses/translations/messages.pot -d clauses/translations -l fr
    else
      "$pybabel" init -i clauses/translations/messages.pot -d clauses/translations -l fr
    fi ;;
  compile)
    "$pybabel" compile --statistics -d clauses/translations ;;
  *) echo "usage: $0 update|compile" >&2; exit 2 ;;
esac
