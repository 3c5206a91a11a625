#!/usr/bin/env bash
# Records the seeds of recording_fuzzer (app/fuzz/seeds/recording/): real
# runs of the shipped workflows against `bssflow sim`, each from freshly
# reset simulators, written compact (the fuzzer's inputs are bytes). Run it
# again when the recording format changes.
#
#   app/fuzz/record_seeds.sh BSSFLOW
#
# Needs curl and jq (scripts/setup installs them).
set -euo pipefail
bssflow=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib/simulators.sh"

start_simulators_session "$bssflow"
out=$here/seeds/recording
mkdir -p "$out"

# record NAME WORKFLOW INPUT [bssflow run flags...]: one run, recorded.
record() {
  local name=$1 file=$2 input=$3
  shift 3
  "$bssflow" run "$file" --state-dir "$work/state" \
    --connectors "$work/connectors.yaml" --input "$input" \
    --record "$work/$name.json" "$@" </dev/null >"$work/$name.out" 2>&1 || true
  jq -c . "$work/$name.json" >"$out/$name.json"
  echo "$name: $(jq -r .outcome.status "$out/$name.json"), $(jq '.calls | length' "$out/$name.json") calls, $(wc -c <"$out/$name.json") bytes"
}

reset_simulators
record definitions "$root/workflows/microsoft/get-services-definitions.yaml" \
  '{"system_code": "MSCSP-DIRECT"}'

# A confirmation answered "reject", on_reject steps.
reset_simulators
record link-rejected "$root/workflows/examples/link-existing-tenant.yaml" \
  '{"account_id": 4002, "domain": "contoso.com"}' \
  --answer confirm_shared_customer=reject

# A new tenant whose creation is throttled once: a call with two attempts,
# the first an error with retry_after_ms.
reset_simulators
curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"faults": [{"kind": "throttle", "method": "POST", "path": "/v1/customers", "count": 1, "retryAfter": 1}]}' \
  "$pc_url/_sim/faults" >/dev/null
record new-tenant-throttled "$root/workflows/microsoft/provision-tenant.yaml" \
  '{"account_id": 1001}'

# A run parked on its confirmation: a prompt without an answer.
reset_simulators
record parked "$root/workflows/microsoft/provision-tenant.yaml" \
  '{"account_id": 4002}'
