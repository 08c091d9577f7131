#!/usr/bin/env bash
# nginx for the fault tests (tests/faults/test_stalled_clients.py runs the real proxy config,
# deploy/nginx/default.conf.template, in front of a real gunicorn): Debian's nginx-light.
set -euo pipefail
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's nginx-light for the fault tests..."
  # Install the binary only: no nginx service started on port 80 by the package's scripts
  # (a policy-rc.d that refuses, as container images have; one already there is left alone).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
else
  echo "note: nginx is missing and this is not root; the proxy fault tests will be skipped" \
       "(install Debian's 'nginx-light' package to run them)" >&2
fi
