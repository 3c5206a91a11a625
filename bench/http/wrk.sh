#!/usr/bin/env bash
# The simulators' capacity under wrk (docs/benchmarks.md, "HTTP client and
# simulators"). Starts `bssflow sim` on free loopback ports, loads one GET
# route of each simulator with wrk (keep-alive, a bearer token obtained
# first), repeats, and prints per route the median requests/s and the median
# p99 latency of the repetitions; then stops the simulators.
#
#   bench/http/wrk.sh [BSSFLOW]   (default: build/app/bssflow)
#
# Environment: WRK_THREADS (default 2), WRK_CONNECTIONS (64), WRK_DURATION
# (10s), REPETITIONS (3). Needs wrk (scripts/setup installs it), curl, jq.
#
# Routes:
#   bss             GET /api/Accounts/1001 (demo user's token, password grant)
#   partner_center  GET /v1/customers/<contoso's tenant id> (app-only token)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bssflow=${1:-$root/build/app/bssflow}
script=wrk.sh
# shellcheck source=bench/http/wrk_lib.sh source-path=SCRIPTDIR/../..
source "$root/bench/http/wrk_lib.sh"

# shellcheck source=tests/lib/simulators.sh source-path=SCRIPTDIR/../..
source "$root/tests/lib/simulators.sh"
work=$(mktemp -d)
trap 'stop_simulators; rm -rf "$work"' EXIT
start_simulators "$bssflow" "$work"

bss_token=$(curl -sf -u bssflow-demo-client:bssflow-demo-secret \
  -d grant_type=password -d username=integration@bss.example \
  -d password=demo-password "$bss_url/oauth/token" | jq -r .access_token)
pc_token=$(curl -sf -X POST "$pc_url/common/oauth2/token" \
  -d grant_type=client_credentials \
  -d client_id=0b5f1c0e-5ca1-4e55-9b1e-000000000001 \
  -d client_secret=demo-client-secret \
  --data-urlencode resource=https://api.partnercenter.microsoft.com |
  jq -r .access_token)

# measure NAME URL TOKEN: one GET first (a token or route that does not
# work stops here), then wrk_measure with the bearer token.
measure() {
  local name=$1 url=$2 token=$3
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url" || {
    echo "wrk.sh: GET $url failed" >&2
    return 1
  }
  wrk_measure "$name" "$url" -H "Authorization: Bearer $token"
}

wrk_banner
measure bss "$bss_url/api/Accounts/1001" "$bss_token"
measure partner_center \
  "$pc_url/v1/customers/c0000000-0000-4000-8000-000000000001" "$pc_token"
