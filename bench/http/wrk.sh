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
threads=${WRK_THREADS:-2}
connections=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
repetitions=${REPETITIONS:-3}

for tool in wrk curl jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "wrk.sh: $tool is missing; run scripts/setup" >&2
    exit 2
  fi
done
if [ ! -x "$bssflow" ]; then
  echo "wrk.sh: no bssflow at $bssflow; build it or pass its path" >&2
  exit 2
fi

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

# wrk's latency ("812.00us", "1.23ms", "2.01s") in milliseconds.
to_ms() {
  awk -v t="$1" 'BEGIN {
    if (t ~ /us$/) { sub(/us$/, "", t); printf "%.3f", t / 1000 }
    else if (t ~ /ms$/) { sub(/ms$/, "", t); printf "%.3f", t }
    else if (t ~ /m$/) { sub(/m$/, "", t); printf "%.3f", t * 60000 }
    else { sub(/s$/, "", t); printf "%.3f", t * 1000 } }'
}

# The middle value of the numbers on stdin (the lower middle for an even
# count).
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Runs wrk REPETITIONS times against URL with TOKEN; prints one line.
measure() {
  local name=$1 url=$2 token=$3 out rps=() p99=()
  # One request first: a token or route that does not work stops here.
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url" || {
    echo "wrk.sh: GET $url failed" >&2
    return 1
  }
  for ((i = 1; i <= repetitions; i++)); do
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency \
      -H "Authorization: Bearer $token" "$url")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
      echo "wrk.sh: errors while loading $url:" >&2
      echo "$out" >&2
      return 1
    fi
    rps+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
    p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
  done
  printf '%-15s %10.0f req/s  p99 %8.2f ms   (runs: %s req/s)\n' "$name" \
    "$(printf '%s\n' "${rps[@]}" | median)" \
    "$(printf '%s\n' "${p99[@]}" | median)" "${rps[*]}"
}

echo "wrk -t$threads -c$connections -d$duration --latency, median of" \
  "$repetitions runs"
measure bss "$bss_url/api/Accounts/1001" "$bss_token"
measure partner_center \
  "$pc_url/v1/customers/c0000000-0000-4000-8000-000000000001" "$pc_token"
