#!/usr/bin/env bash
# Install what the workstation needs and start it. Arguments go to main.py,
# e.g. ./run.sh --route socks5://127.0.0.1:9050
set -euo pipefail
cd "$(dirname "$0")"
scripts/system-deps.sh run
scripts/venv.sh requirements.lock
exec .venv/bin/python main.py "$@"
