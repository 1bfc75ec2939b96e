#!/usr/bin/env bash
# Install the project into .venv and start Laget on the embedded SQLite database with the demo plan.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/laget run "$@"
