#!/usr/bin/env bash
# Shared, idempotent set-up used by scripts/run and scripts/test:
# a .venv at the repository root with the package installed, and htmx 2 in rca/static/vendor/.
# Usage: scripts/setup.sh [--test]   (--test also installs the test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed${extras:+-test}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  touch "$stamp"
fi

# htmx from the npm registry, pinned to major version 2 (npm's "latest" is 4.x).
HTMX_VERSION=2
vendor=rca/static/vendor
if [ ! -s "$vendor/htmx.min.js" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm install --silent --no-audit --no-fund --no-save "htmx.org@${HTMX_VERSION}" >/dev/null)
  mkdir -p "$vendor"
  cp "$tmp/node_modules/htmx.org/dist/htmx.min.js" "$vendor/htmx.min.js"
  rm -rf "$tmp"
fi
