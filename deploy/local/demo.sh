#!/usr/bin/env bash
# The main job on bundled data: a whole review cycle through the four
# services, ending with the draft report written to out/. Starts its own
# stack with a fresh store under .data/demo (so each run is the same cycle
# from scratch, and `just up`'s data is left alone) and stops everything it
# started, also on failure.
#
# The cycle: open it; start collection; the five regional commissions push
# their (illustrative) regional reviews; 45 Member States submit national
# reports and their SDG 10.7.3 figures arrive by CSV import; deadlines pass
# (a late report is refused); drafting begins; the draft is compiled and
# issued; out/draft.{md,html,docx,json} are written with the draft's sha256.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
profile="${IMRF_PROFILE:-debug}"
imrfctl="target/$profile/imrfctl"
export IMRF_DATA_DIR="$root/.data/demo"
out="${IMRF_DEMO_OUT:-$root/out}"

rm -rf "$IMRF_DATA_DIR"
trap 'deploy/local/down.sh' EXIT
deploy/local/up.sh
echo
echo "== services =="
"$imrfctl" stack status

echo
echo "== cycle 2026 =="
# Dates relative to today, so no deadline passes on its own during the demo;
# the secretariat advances the phases by hand. They do not appear in the
# draft, which is the same whatever day the demo runs.
cycle_file="$IMRF_DATA_DIR/cycle-2026.yaml"
d() { date -u -d "+$1 days" '+{year: %Y, month: %-m, day: %-d}'; }
cat >"$cycle_file" <<YAML
cycle_id: "2026"
title: "Biennial report of the Secretary-General, 2026 (demonstration)"
document_symbol: "A/81/xxx"
session: 81
schedule:
  collection_start: $(d 1)
  regional_review_deadline: $(d 30)
  national_report_deadline: $(d 60)
  practices_cutoff: $(d 70)
  compile_date: $(d 80)
  plenary_date: $(d 180)
YAML
"$imrfctl" cycle open "$cycle_file"
"$imrfctl" cycle advance 2026 --from open --reason "Demonstration: collection opens now"

echo
echo "== regional reviews (illustrative inputs, deploy/demo/regional/) =="
for file in deploy/demo/regional/*.yaml; do
  "$imrfctl" review submit "$file"
done

echo
echo "== national reports (illustrative inputs with real figures, deploy/demo/national/) =="
reports=0
for file in deploy/demo/national/*.yaml; do
  "$imrfctl" report submit "$file" >/dev/null
  reports=$((reports + 1))
done
echo "submitted $reports national reports"
echo "importing SDG 10.7.3 (IOM Missing Migrants Project) from deploy/demo/national/indicators.csv"
"$imrfctl" report import-indicators deploy/demo/national/indicators.csv --cycle 2026

echo
echo "== aggregate of cycle 2026 =="
# The aggregate follows the inputs through durable consumers: wait until it
# has counted every report.
json_field() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
for _ in $(seq 1 200); do
  n=$("$imrfctl" --output json aggregate show --cycle 2026 | json_field 'v.get("nationalReports", 0)')
  [[ "$n" -ge "$reports" ]] && break
  sleep 0.1
done
"$imrfctl" aggregate show --cycle 2026

echo
echo "== deadlines pass =="
"$imrfctl" cycle advance 2026 --from collecting --reason "Demonstration: the reporting deadlines are treated as passed"
echo "a report arriving now is refused:"
if "$imrfctl" report submit deploy/demo/national/ken.yaml --expected-revision 2 --request-id demo-late 2>&1; then
  echo "error: a late report was accepted" >&2
  exit 1
fi
"$imrfctl" cycle advance 2026 --from consolidating --reason "Demonstration: drafting begins"

echo
echo "== draft =="
# Compile once report-compiler has followed every input (5 regional
# reviews, every national report), then issue the report.
expected=$((5 + reports))
for _ in $(seq 1 200); do
  n=$("$imrfctl" --output json draft compile --cycle 2026 | json_field 'len(v.get("inputs", []))')
  [[ "$n" -ge "$expected" ]] && break
  sleep 0.2
done
"$imrfctl" draft compile --cycle 2026
"$imrfctl" cycle advance 2026 --from drafting --reason "Demonstration: the report is issued"
"$imrfctl" cycle show 2026
mkdir -p "$out"
for format in md html docx json; do
  "$imrfctl" draft get --cycle 2026 --format "$format" --out "$out/draft.$format"
done
sha=$("$imrfctl" --output json draft list --cycle 2026 | json_field 'v[0]["sha256"]')
echo
echo "draft report written to $out/draft.{md,html,docx,json}"
echo "draft sha256 (of its JSON rendering): $sha"
