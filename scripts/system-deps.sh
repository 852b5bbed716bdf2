#!/usr/bin/env bash
# Make sure the Debian packages of the given sets (run, test) are installed.
# As root they are installed with apt-get; otherwise the exact command is printed
# and the script fails, so nothing is silently missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sets=("$@")
wanted=()
while read -r set name; do
  case "$set" in ''|'#'*) continue ;; esac
  for s in "${sets[@]}"; do [ "$s" = "$set" ] && wanted+=("$name"); done
done < "$here/system-packages.txt"

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
