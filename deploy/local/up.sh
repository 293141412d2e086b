#!/usr/bin/env bash
# Starts the local stack: a nats-server of its own on 127.0.0.1:4250 (store
# under .data/nats; never the default 4222, where another NATS may listen)
# and the four services on 50051-50054, and the web console on 8080.
# Idempotent: what already runs is left alone. `down.sh` stops exactly what this started, by pid.
#
# Overrides: IMRF_DATA_DIR (default .data), IMRF_NATS_PORT,
# IMRF_REGIONAL_PORT, IMRF_NATIONAL_PORT, IMRF_PRACTICES_PORT,
# IMRF_REPORT_PORT, IMRF_CONSOLE_PORT, IMRF_PROFILE (debug or release);
# IMRF_NATS_ONLY=1 starts nats-server alone (a restore goes in before the
# services start: restore.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${IMRF_DATA_DIR:-$root/.data}"
run="$data/run"
logs="$data/log"
mkdir -p "$run" "$logs" "$data/nats"

# The secret tokens are signed with (HS256): made once per data dir, readable
# by its owner only. `imrfctl --as WHO` and `imrfctl token issue` mint with
# it when IMRF_AUTH_KEY_FILE points here.
key="$data/auth/token.key"
if [[ ! -s "$key" ]]; then
  mkdir -p "$data/auth"
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$key")
fi
export IMRF_AUTH_KEY_FILE="$key"

# One NATS user per service (deploy/nats-users.conf), each with a random
# password made once per data dir; nats-server reads them from its
# environment, each service from its own file.
mkdir -p "$data/auth/nats"
nats_env=()
for user in regional-intake national-aggregation practices-hub report-compiler admin; do
  file="$data/auth/nats/$user"
  # Letters first: nats-server parses an environment value as a config
  # value, and one starting with digits may read as a number or a date.
  [[ -s "$file" ]] || (umask 077 && echo "pw$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')" >"$file")
  variable="IMRF_NATS_PASSWORD_$(echo "$user" | tr 'a-z-' 'A-Z_')"
  nats_env+=("$variable=$(cat "$file")")
done

nats_port="${IMRF_NATS_PORT:-4250}"
profile="${IMRF_PROFILE:-debug}"
nats_bin="$(deploy/local/ensure-nats-server.sh)"

# shellcheck source=running.sh
source deploy/local/running.sh

wait_until() { # seconds, description, command...
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if (( SECONDS >= deadline )); then
      echo "error: $what not ready after ${seconds}s; see $logs" >&2
      return 1
    fi
    sleep 0.1
  done
}

if running "$run/nats.pid" nats-server; then
  echo "nats-server already running (pid $(cat "$run/nats.pid"))"
else
  env "${nats_env[@]}" "$nats_bin" -c deploy/nats-users.conf -js -a 127.0.0.1 \
    -p "$nats_port" -sd "$data/nats" --ports_file_dir "$run" >"$logs/nats.log" 2>&1 &
  echo $! >"$run/nats.pid"
  wait_until 20 "nats-server" bash -c "exec 3<>/dev/tcp/127.0.0.1/$nats_port" 2>/dev/null
  echo "nats-server listening on 127.0.0.1:$nats_port (pid $(cat "$run/nats.pid"))"
fi

[[ "${IMRF_NATS_ONLY:-}" == 1 ]] && exit 0

cargo_flags=(--bins --quiet)
[[ "$profile" == "release" ]] && cargo_flags+=(--release)
echo "building the services ($profile)"
cargo build "${cargo_flags[@]}"

declare -A ports=(
  [regional-intake]="${IMRF_REGIONAL_PORT:-50051}"
  [national-aggregation]="${IMRF_NATIONAL_PORT:-50052}"
  [practices-hub]="${IMRF_PRACTICES_PORT:-50053}"
  [report-compiler]="${IMRF_REPORT_PORT:-50054}"
)
for service in regional-intake national-aggregation practices-hub report-compiler; do
  pid_file="$run/$service.pid"
  if running "$pid_file" "$service"; then
    echo "$service already running (pid $(cat "$pid_file"))"
    continue
  fi
  rm -f "$run/$service.addr"
  IMRF_LISTEN="127.0.0.1:${ports[$service]}" \
  IMRF_NATS_URL="nats://127.0.0.1:$nats_port" \
  IMRF_NATS_USER="$service" \
  IMRF_NATS_PASSWORD_FILE="$data/auth/nats/$service" \
  IMRF_ADDR_FILE="$run/$service.addr" \
    "target/$profile/$service" >"$logs/$service.log" 2>&1 &
  echo $! >"$pid_file"
done
for service in regional-intake national-aggregation practices-hub report-compiler; do
  wait_until 60 "$service" test -s "$run/$service.addr"
  echo "$service serving on $(cat "$run/$service.addr") (pid $(cat "$run/$service.pid"))"
done

# The web console on 127.0.0.1:8080: it calls the services with each
# visitor's token and, holding the stack's key, offers the local sign-in.
# Its session cookies are sealed with a key made once per data dir.
session_key="$data/auth/console-session.key"
[[ -s "$session_key" ]] || (umask 077 && head -c 64 /dev/urandom | base64 -w0 >"$session_key")
console_port="${IMRF_CONSOLE_PORT:-8080}"
if running "$run/console.pid" console; then
  echo "console already running (pid $(cat "$run/console.pid"))"
else
  rm -f "$run/console.addr"
  IMRF_CONSOLE_LISTEN="127.0.0.1:$console_port" \
  IMRF_CONSOLE_SESSION_KEY_FILE="$session_key" \
  IMRF_REGIONAL_URL="http://127.0.0.1:${ports[regional-intake]}" \
  IMRF_NATIONAL_URL="http://127.0.0.1:${ports[national-aggregation]}" \
  IMRF_PRACTICES_URL="http://127.0.0.1:${ports[practices-hub]}" \
  IMRF_REPORT_URL="http://127.0.0.1:${ports[report-compiler]}" \
  IMRF_ADDR_FILE="$run/console.addr" \
    "target/$profile/console" >"$logs/console.log" 2>&1 &
  echo $! >"$run/console.pid"
  wait_until 30 "console" test -s "$run/console.addr"
  echo "console serving on http://$(cat "$run/console.addr") (pid $(cat "$run/console.pid"))"
fi
