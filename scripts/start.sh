#!/usr/bin/env bash
# Install the locked dependencies (requirements.lock, checked by hash) and the project into .venv and start Laget on the embedded SQLite database with the demo plan.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
exec .venv/bin/laget run "$@"
