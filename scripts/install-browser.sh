#!/usr/bin/env bash
# Headless Chromium for the browser tests, from Debian's packages (never a downloaded browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "note: /usr/bin/chromium is missing and this is not root; the browser tests will be" \
       "skipped (install Debian's 'chromium' package to run them)" >&2
fi
