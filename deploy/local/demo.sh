#!/usr/bin/env bash
# The main job on bundled data: starts the local stack, shows every service
# healthy over gRPC, pushes the illustrative regional reviews (one per
# commission) through regional-intake, lists them, and stops everything it
# started (also on failure). Re-running is safe: each submission's request
# id is derived from its file, so a second run is answered from the record
# of answered requests and stores nothing new.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
profile="${IMRF_PROFILE:-debug}"
imrfctl="target/$profile/imrfctl"

trap 'deploy/local/down.sh' EXIT
deploy/local/up.sh
echo
echo "== services =="
"$imrfctl" stack status

echo
echo "== regional reviews (illustrative inputs, deploy/demo/regional/) =="
for file in deploy/demo/regional/*.yaml; do
  "$imrfctl" review submit "$file"
done
"$imrfctl" review list --cycle 2026

echo
echo "== national reports (illustrative inputs with real figures, deploy/demo/national/) =="
count=0
for file in deploy/demo/national/*.yaml; do
  "$imrfctl" report submit "$file" >/dev/null
  count=$((count + 1))
done
echo "submitted $count national reports"
echo "importing SDG 10.7.3 (IOM Missing Migrants Project) from deploy/demo/national/indicators.csv"
"$imrfctl" report import-indicators deploy/demo/national/indicators.csv --cycle 2026

echo
echo "== aggregate of cycle 2026 =="
# The aggregate follows the inputs through durable consumers: wait until it
# has counted every report, then show it.
for _ in $(seq 1 100); do
  n=$("$imrfctl" --output json aggregate show --cycle 2026 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("nationalReports", 0))')
  [[ "$n" -ge "$count" ]] && break
  sleep 0.1
done
"$imrfctl" aggregate show --cycle 2026
