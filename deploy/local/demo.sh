#!/usr/bin/env bash
# The main job on bundled data: a whole review cycle through the four
# services, ending with the draft report written to out/. Starts its own
# stack with a fresh store under .data/demo (so each run is the same cycle
# from scratch, and `just up`'s data is left alone) and stops everything it
# started, also on failure.
#
# The cycle: open it; start collection; the five regional commissions push
# their (illustrative) regional reviews; the UN Network on Migration submits
# its (illustrative) contribution; 45 Member States submit national
# reports and their SDG 10.7.3 figures arrive by CSV import; 66 practices
# are submitted and peer-reviewed (63 published); deadlines pass
# (a late report is refused); drafting begins; the draft is compiled, the
# secretariat adds a chapeau of its own to chapter III, and it is issued;
# out/draft.{md,html,docx,json,xlsx,sdmx.csv} are written with the draft's sha256.
# The store's streams and buckets are listed with their size at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
profile="${IMRF_PROFILE:-debug}"
imrfctl="target/$profile/imrfctl"
export IMRF_DATA_DIR="$root/.data/demo"
out="${IMRF_DEMO_OUT:-$root/out}"

# The services run on a simulated calendar: the same day on every run, so
# every run is the same cycle and gives the same draft.
export IMRF_CLOCK_START="2026-02-02T08:00:00Z"
rm -rf "$IMRF_DATA_DIR"
trap 'deploy/local/down.sh' EXIT
deploy/local/up.sh
# The demo acts for the commissions, the States, the curators and the
# secretariat in turn: it mints each one's token with the stack's key.
export IMRF_AUTH_KEY_FILE="$IMRF_DATA_DIR/auth/token.key"
echo
echo "== services =="
"$imrfctl" stack status

echo
"$imrfctl" demo --inputs deploy/demo --out "$out"

# What the whole cycle left in the store (RELIABILITY.md, "Retention").
echo
echo "== store =="
"$imrfctl" store usage
