#!/usr/bin/env bash
# What `make test` needs besides the Python packages (README: "What the two commands need"):
#
#  * Chromium at /usr/bin/chromium, for the browser test of the workshop app.  When it is
#    missing and this runs as root on a system with apt-get, Debian's `chromium` package
#    is installed (network access to the Debian mirrors).  Otherwise the browser test is
#    skipped, and this script says so.
set -euo pipefail
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
# the workshop app's browser assets come with the solara-assets package (installed by make setup)
