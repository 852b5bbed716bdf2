#!/usr/bin/env bash
# Run every benchmark and print the figures (on demand; not part of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh run test bench
scripts/venv.sh requirements-dev.lock
export QT_QPA_PLATFORM=offscreen
.venv/bin/python bench/startup.py
.venv/bin/python bench/snapshot.py
.venv/bin/python bench/casefile.py
.venv/bin/python bench/recording.py
.venv/bin/python bench/lookups.py
.venv/bin/python bench/export.py
