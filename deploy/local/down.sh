#!/usr/bin/env bash
# Stops exactly what up.sh started, by the pids it recorded: the services
# and the console first (SIGTERM, so they drain in-flight calls and acks), then nats-server.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="${IMRF_DATA_DIR:-$root/.data}/run"

# shellcheck source=running.sh
source "$root/deploy/local/running.sh"

stop() { # name, program
  local pid_file="$run/$1.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  # Never signal a pid that is no longer the program (reused, or a zombie).
  if running "$pid_file" "$2"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      running "$pid_file" "$2" || break
      sleep 0.1
    done
    if running "$pid_file" "$2"; then
      echo "$1 (pid $pid) did not stop in 15s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $1 (pid $pid)"
  fi
  rm -f "$pid_file" "$run/$1.addr"
}

stop console console
for service in report-compiler practices-hub national-aggregation regional-intake; do
  stop "$service" "$service"
done
stop nats nats-server
