#!/usr/bin/env bash
# Install the locked test dependencies (requirements-test.lock, every file checked by its hash) and the project
# into .venv, then run ruff and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements-test.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
