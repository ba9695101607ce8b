#!/usr/bin/env bash
# Installs everything the tests need, from the project's own files, then runs lint, types,
# the import layers and the tests. The README's test command and CI (.ci/run) both run this.
#
# What it installs when it is missing:
#   - Debian packages (apt-get; root or sudo): chromium and chromium-driver for the browser
#     tests, wrk for the short load test
#   - axe-core 4 from the npm registry into tests/web/.axe (accessibility checks)
#   - a Python virtual environment ($KENNISBANK_VENV, default .venv) with torch==2.13.0 (the
#     CPU build: any other torch pulls a multi-GB CUDA build) and the package with its dev and
#     sentence-transformers extras
# Arguments are passed to pytest (e.g. `bash scripts/test.sh -x tests/test_search.py`).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium chromium-driver"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  echo "== apt-get install$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ ! -f tests/web/.axe/node_modules/axe-core/axe.min.js ]; then
  echo "== npm install axe-core@4"
  npm install --silent --no-audit --no-fund --prefix tests/web/.axe axe-core@4
fi

VENV="${KENNISBANK_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
echo "== pip install (into $VENV)"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet 'torch==2.13.0'
python -m pip install --quiet -e '.[dev,sentence-transformers]'

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy
echo "== import-linter (the one-way flow)"
lint-imports --no-cache
echo "== tests"
python -m pytest -q "$@"
