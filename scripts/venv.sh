#!/usr/bin/env bash
# Create .venv and install the pinned dependencies of the given lock file
# (requirements.lock or requirements-dev.lock). Skipped when already current.
# A second argument names another venv folder (e.g. .venv-pywb for requirements-pywb.lock).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lock="$root/${1:-requirements.lock}"
venv="${2:-.venv}"
python="${PYTHON:-python3}"
cd "$root"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed; $python is $("$python" --version 2>&1)." >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
stamp="$venv/.installed-$(basename "$lock")"
if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then
  exit 0
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
cp "$lock" "$stamp"
