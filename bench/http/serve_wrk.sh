#!/usr/bin/env bash
# The HTTP API's capacity under wrk (docs/benchmarks.md, "HTTP API"). Starts
# `bssflow serve` (SQLite journal in a temporary state directory, the
# embedded simulators, logs discarded), then loads with wrk, each
# REPETITIONS times, and prints the median requests/s and the median p99:
#
#   healthz (baseline)  GET /healthz: the HTTP stack, routing, metrics and the
#                       request log, without the store or the engine
#   start park          POST /v1/workflows/bench.park/runs: a run that parks
#                       on a confirmation at once (bench/http/serve/park.yaml)
#   start park/32       the same with 32 connections (START_CONNECTIONS): the
#                       server is saturated at both, so the extra 32 only
#                       queue, and the p99 at 32 is the one below saturation
#   start provision     POST /v1/workflows/microsoft.provision-tenant/runs for
#                       account 4002: the real workflow, which calls the
#                       simulators and parks on its confirmation
#   read                GET /v1/runs/{id} of a parked run (journal read for
#                       its prompt)
#
#   bench/http/serve_wrk.sh [BSSFLOW]   (default: build/app/bssflow)
#
# Environment: WRK_THREADS (default 2), WRK_CONNECTIONS (64), WRK_DURATION
# (10s), REPETITIONS (3), START_CONNECTIONS (32), SERVE_THREADS (default:
# one per core). Needs wrk, curl, jq (scripts/setup installs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bssflow=${1:-$root/build/app/bssflow}
script=serve_wrk.sh
# shellcheck source=bench/http/wrk_lib.sh source-path=SCRIPTDIR/../..
source "$root/bench/http/wrk_lib.sh"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/workflows"
cp "$root"/workflows/microsoft/*.yaml "$root/bench/http/serve/park.yaml" "$work/workflows/"
serve_args=(serve --listen 127.0.0.1:0)
if [ -n "${SERVE_THREADS:-}" ]; then serve_args+=(--threads "$SERVE_THREADS"); fi
printf 'workflows_dir: %s\nstate_dir: %s\n' "$work/workflows" "$work/state" >"$work/serve.yaml"
"$bssflow" "${serve_args[@]}" --config "$work/serve.yaml" >"$work/out" 2>/dev/null &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/out" | head -1)
if [ -z "$url" ]; then
  echo "serve_wrk.sh: bssflow serve did not start" >&2
  exit 1
fi

start() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"inputs\": {\"account_id\": $2}}" "$url/v1/workflows/$1/runs" | jq -r .id
}
parked=$(start bench.park 1)
for _ in $(seq 100); do
  status=$(curl -sf "$url/v1/runs/$parked" | jq -r .status)
  [ "$status" = awaiting_confirmation ] && break
  sleep 0.05
done

wrk_banner
wrk_measure "healthz" "$url/healthz"
wrk_measure "read" "$url/v1/runs/$parked"
WORKFLOW=bench.park ACCOUNT=1 wrk_measure "start park" "$url" \
  -s "$root/bench/http/serve/start.lua"
connections=${START_CONNECTIONS:-32} WORKFLOW=bench.park ACCOUNT=1 \
  wrk_measure "start park/${START_CONNECTIONS:-32}" "$url" \
  -s "$root/bench/http/serve/start.lua"
WORKFLOW=microsoft.provision-tenant ACCOUNT=4002 wrk_measure "start provision" \
  "$url" -s "$root/bench/http/serve/start.lua"
echo "runs in the journal: $(curl -sf "$url/metrics" | awk '/^bssflow_runs\{/ { n += $2 } END { print n }')"
