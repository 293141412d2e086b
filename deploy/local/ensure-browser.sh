#!/usr/bin/env bash
# Finds (and where it can, installs) what the console's browser tests drive:
# Debian's chromium and chromedriver (apt, as root), and axe-core at the
# version tests/browser/package-lock.json pins (npm). Prints the variables
# the tests read, for `eval`; progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and chromium-driver (apt)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >&2; }
  else
    echo "error: the console's browser tests need chromium and chromedriver: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

axe="$root/tests/browser/node_modules/axe-core/axe.min.js"
if [[ ! -s "$axe" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: the console's browser tests need npm to install axe-core (tests/browser)" >&2
    exit 1
  fi
  echo "installing axe-core (npm ci in tests/browser)" >&2
  npm ci --no-audit --no-fund --prefix "$root/tests/browser" >&2
fi

echo "export IMRF_CHROMEDRIVER='$(command -v chromedriver)'"
echo "export IMRF_CHROMIUM='$(command -v chromium)'"
echo "export IMRF_AXE_JS='$axe'"
