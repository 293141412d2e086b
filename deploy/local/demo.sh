#!/usr/bin/env bash
# The main job on bundled data: starts the local stack, shows every service
# healthy over gRPC, and stops everything it started (also on failure).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
profile="${IMRF_PROFILE:-debug}"

trap 'deploy/local/down.sh' EXIT
deploy/local/up.sh
echo
echo "== services =="
"target/$profile/imrfctl" stack status
