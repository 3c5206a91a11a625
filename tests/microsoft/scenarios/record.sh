#!/usr/bin/env bash
# Records, against `bssflow sim`, the runs the Microsoft scenario files
# (tests/microsoft/scenarios/*.yaml) take their connector answers from:
# one recording per account shape, each from freshly reset simulators.
# Run it again when the simulators or the connectors change what they
# answer, then run the scenarios (`bssflow test tests/microsoft/scenarios`)
# and review the diff of recordings/ before committing it.
#
#   tests/microsoft/scenarios/record.sh BSSFLOW
#
# Needs curl and jq (scripts/setup installs them).
set -euo pipefail
bssflow=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
source "$root/tests/lib/simulators.sh"

start_simulators_session "$bssflow"

provision=$root/workflows/microsoft/provision-tenant.yaml
definitions=$root/workflows/microsoft/get-services-definitions.yaml
out=$here/recordings

# record NAME WORKFLOW INPUT [bssflow run flags...]: one run, recorded.
record() {
  local name=$1 file=$2 input=$3
  shift 3
  "$bssflow" run "$file" --state-dir "$work/state" \
    --connectors "$work/connectors.yaml" --input "$input" \
    --record "$out/$name.json" "$@" </dev/null >"$work/$name.out" 2>&1 || true
  echo "$name: $(tail -n 2 "$work/$name.out" | head -n 1)"
}

reset_simulators
record definitions-direct "$definitions" '{"system_code": "MSCSP-DIRECT"}'
record definitions-direct-again "$definitions" '{"system_code": "MSCSP-DIRECT"}'
record definitions-country-tenant "$definitions" '{"system_code": "MSCSP-CT"}'
record definitions-tenant-reseller "$definitions" '{"system_code": "MSCSP-TR"}'

for account in 1001 1002 1003 1004 1005 3001 2001 4003 5001; do
  reset_simulators
  record "account-$account" "$provision" "{\"account_id\": $account}"
done

reset_simulators
set_sync_option 2002 Username jdoe
record account-2002-username "$provision" '{"account_id": 2002}'

reset_simulators
set_sync_option 2001 ResellerMpnID 5555555
record account-2001-unknown-mpn "$provision" '{"account_id": 2001}'

reset_simulators
record account-4002-confirmed "$provision" '{"account_id": 4002}' \
  --answer confirm_link=confirm
reset_simulators
record account-4004-rejected "$provision" '{"account_id": 4004}' \
  --answer confirm_link=reject
reset_simulators
record account-4004-confirmed "$provision" '{"account_id": 4004}' \
  --answer confirm_link=confirm
