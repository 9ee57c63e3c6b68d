#!/usr/bin/env bash
# What `make test` needs besides the Python packages (README: "What the two commands need"):
#
#  * Chromium at /usr/bin/chromium, for the browser test of the workshop app.  When it is
#    missing and this runs as root on a system with apt-get, Debian's `chromium` package
#    is installed (network access to the Debian mirrors).  Otherwise the browser test is
#    skipped, and this script says so.
#  * npm and access to the npm registry: the workshop app's browser assets are fetched
#    into Solara's local cache by scripts/solara-assets.sh.  Without npm this script stops
#    with a message.
set -euo pipefail
PY="${PYTHON:-.venv/bin/python}"
CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing Debian's chromium with apt-get (for the browser test)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test-deps: $CHROMIUM not found, and installing it needs root and apt-get; the browser test will be" \
         "skipped (install Debian's chromium package to run it)" >&2
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "test-deps: npm not found. make test needs npm to fetch the workshop app's browser assets from the npm" \
       "registry (Debian: apt-get install npm)" >&2
  exit 1
fi
bash "$(dirname "$0")/solara-assets.sh" "$PY"
