#!/usr/bin/env bash
# Finds (and where it can, installs) promtool, which checks and unit-tests
# the alert rules in deploy/prometheus: Debian's `prometheus` package ships
# it (apt, as root). Prints the variable the tests read, for `eval`;
# progress goes to stderr.
set -euo pipefail

if ! command -v promtool >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing prometheus, for promtool (apt)" >&2
    # The package would start a Prometheus server; nothing here wants one.
    policy="/usr/sbin/policy-rc.d"
    made=""
    if [[ ! -e "$policy" ]]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >&2; }
    [[ -n "$made" ]] && rm -f "$policy"
  else
    echo "error: the alert rules' tests need promtool: apt-get install prometheus" >&2
    exit 1
  fi
fi

echo "export IMRF_PROMTOOL='$(command -v promtool)'"
