#!/usr/bin/env bash
# System packages the test suite needs (a headless Chromium for the app test).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium not found: install Debian's chromium package for the browser test" >&2
  fi
fi
# the workshop app's browser assets come with the solara-assets package (make setup)
