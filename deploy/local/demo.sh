#!/usr/bin/env bash
# The main job on bundled data: a whole review cycle through the four
# services, ending with the draft report written to out/. Starts its own
# stack with a fresh store under .data/demo (so each run is the same cycle
# from scratch, and `just up`'s data is left alone) and stops everything it
# started, also on failure.
#
# The cycle: open it; start collection; the five regional commissions push
# their (illustrative) regional reviews; 45 Member States submit national
# reports and their SDG 10.7.3 figures arrive by CSV import; 66 practices
# are submitted and peer-reviewed (63 published); deadlines pass
# (a late report is refused); drafting begins; the draft is compiled and
# issued; out/draft.{md,html,docx,json} are written with the draft's sha256.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
profile="${IMRF_PROFILE:-debug}"
imrfctl="target/$profile/imrfctl"
export IMRF_DATA_DIR="$root/.data/demo"
out="${IMRF_DEMO_OUT:-$root/out}"
# Reads one field of imrfctl's JSON output.
json_field() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }

# The services run on a simulated calendar: the same day on every run, so
# every run is the same cycle and gives the same draft.
export IMRF_CLOCK_START="2026-02-02T08:00:00Z"
rm -rf "$IMRF_DATA_DIR"
trap 'deploy/local/down.sh' EXIT
deploy/local/up.sh
echo
echo "== services =="
"$imrfctl" stack status

echo
echo "== cycle 2026 =="
# On the simulated 2 February 2026 no deadline is due; the secretariat
# advances the phases by hand.
"$imrfctl" cycle open deploy/demo/cycle-2026.yaml
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
echo "== practices (illustrative, deploy/demo/practices/): submission and peer review =="
published=0; rejected=0; withdrawn=0; changed=0; i=0
for file in deploy/demo/practices/*.yaml; do
  i=$((i + 1))
  submitter=$(sed -n 's/^# submitter: //p' "$file")
  id=$("$imrfctl" --as "$submitter" --output json practice submit "$file" | json_field 'v["practiceId"]')
  review() { "$imrfctl" --as "curator:$1" --output json practice review "$id" --revision "$2" --decision "$3" --note "$4" --marks 4,4,3,4,3 | json_field 'v["status"]'; }
  if (( i % 11 == 0 )); then
    review demo-b 1 request-changes "Please add evidence of results." >/dev/null
    "$imrfctl" --as "$submitter" practice update "$id" "$file" --expected-revision 1 --note "Evidence added" >/dev/null
    review demo-a 2 approve "Meets the criteria." >/dev/null
    review demo-b 2 approve "Evidence now convincing." >/dev/null
    changed=$((changed + 1)); published=$((published + 1))
  elif (( i == 5 || i == 17 )); then
    review demo-a 1 approve "Promising." >/dev/null
    review demo-b 1 reject "No evidence that it upholds the guiding principles." >/dev/null
    review demo-c 1 reject "Agree: not replicable as described." >/dev/null
    rejected=$((rejected + 1))
  elif (( i == 34 )); then
    "$imrfctl" --as "$submitter" practice withdraw "$id" --reason "Programme redesigned; will resubmit" >/dev/null
    withdrawn=$((withdrawn + 1))
  else
    review demo-a 1 approve "Meets the criteria." >/dev/null
    review demo-b 1 approve "Meets the criteria." >/dev/null
    published=$((published + 1))
  fi
done
echo "submitted $i practices: $published published ($changed after a request for changes), $rejected rejected after a disagreement, $withdrawn withdrawn"
echo "search of the Repository:"
"$imrfctl" practice search "remittance" --limit 5

echo
echo "== aggregate of cycle 2026 =="
# The aggregate follows the inputs through durable consumers: wait until it
# has counted every report.
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
# reviews, every national report, every published practice), then issue
# the report.
expected=$((5 + reports + published))
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
