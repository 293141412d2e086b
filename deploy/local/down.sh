#!/usr/bin/env bash
# Stops exactly what up.sh started, by the pids it recorded: the services
# first (SIGTERM, so they drain in-flight calls and acks), then nats-server.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="${IMRF_DATA_DIR:-$root/.data}/run"

stop() { # name
  local pid_file="$run/$1.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$1 (pid $pid) did not stop in 15s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $1 (pid $pid)"
  fi
  rm -f "$pid_file" "$run/$1.addr"
}

for service in report-compiler practices-hub national-aggregation regional-intake nats; do
  stop "$service"
done
