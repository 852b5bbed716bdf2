#!/usr/bin/env bash
# Install everything the suite needs (system packages too), then lint, type-check
# and run every test. Arguments go to pytest, e.g. ./test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")"
scripts/system-deps.sh run test
scripts/venv.sh requirements-dev.lock
scripts/venv.sh requirements-pywb.lock .venv-pywb  # pywb replay tests: own venv, older cryptography
scripts/venv.sh requirements-caseutils.lock .venv-caseutils  # case_validate (CASE/UCO tests): own venv
export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
