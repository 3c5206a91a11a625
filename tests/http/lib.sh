# Sourced by the end-to-end tests of `bssflow serve` (tests/http/*_test.sh):
# starts and stops servers on free loopback ports, sends requests with curl
# and checks the answers with jq. Every check says what it expected and
# what it got; a failure also prints the last lines of the server's log
# and keeps the test's files.
#
#   source "$here/lib.sh"
#   http_test_init BSSFLOW          # sets $work, installs the cleanup trap
#   check "what the next checks are about"
#   start_server STATE_DIR [serve args...]    # sets $base, $server_pid
#   request POST /v1/... [curl args...]       # sets $status, $body, $headers
#   expect_status 202; expect_text .status running; expect_json .inputs '{...}'
#   wait_for_status RUN_ID awaiting_confirmation
#   stop_server                     # SIGTERM; it must exit 0, and soon
#
# Helpers set variables rather than print: `fail` must run in the test's
# own shell to stop it, which it cannot do from inside $(...).
#
# Needs curl, jq and openssl.

# Variables set here for the tests that source this file:
# shellcheck disable=SC2034
bssflow=
work=
base=
server_pid=
server_log=
server_count=0
started_pids=()
current_check=setup
check_count=0
status=
body=
headers=
last_request=
last_path=
listen_line=
stop_ms=
run_id=
sink_url=
sink_pid=
test_started_ms=
# curl arguments every request sends, e.g. (-H "Authorization: Bearer T").
auth_args=()

now_ms() { echo $(($(date +%s%N) / 1000000)); }

http_test_init() {
  bssflow=$1
  local tool
  for tool in curl jq openssl; do
    command -v "$tool" >/dev/null || {
      echo "$0: needs $tool" >&2
      exit 1
    }
  done
  [ -x "$bssflow" ] || {
    echo "$0: $bssflow is not an executable" >&2
    exit 1
  }
  work=$(mktemp -d "${TMPDIR:-/tmp}/bssflow-http.XXXXXX")
  trap http_test_cleanup EXIT
  # A command that fails outside a check (set -e) says where, too.
  set -E
  trap 'echo "FAILED: $current_check: line $LINENO: $BASH_COMMAND failed" >&2' ERR
  # The tests choose their state, workflows and connectors themselves.
  unset BSSFLOW_STATE_DIR BSSFLOW_WORKFLOWS_DIR BSSFLOW_CONNECTORS \
    BSSFLOW_TEMPLATES_DIR
  test_started_ms=$(now_ms)
}

# Stops every process the test started (SIGTERM, then SIGKILL after 2 s).
http_test_cleanup() {
  local code=$? pid i
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in ${started_pids[@]+"${started_pids[@]}"}; do
    for i in $(seq 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$code" = 0 ]; then
    rm -rf "$work"
  else
    echo "the test's files are kept in $work" >&2
  fi
}

# forget_pid PID: a process the test has waited for, which the cleanup
# must leave alone.
forget_pid() {
  local kept=() pid
  for pid in "${started_pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  started_pids=(${kept[@]+"${kept[@]}"})
}

# Ends the test with a message; call it from the test's shell only.
fail() {
  echo "FAILED: $current_check: $*" >&2
  if [ -n "$server_log" ] && [ -s "$server_log" ]; then
    echo "--- last lines of the server's log ($server_log):" >&2
    tail -n 15 "$server_log" >&2
  fi
  exit 1
}

check() {
  current_check=$1
  check_count=$((check_count + 1))
  echo "=== $1"
}

# Prints a one-line summary; the last line of a test that passed.
passed() {
  local elapsed=$(($(now_ms) - test_started_ms))
  printf '%s: %d checks passed in %d.%03d s\n' "$(basename "$0")" \
    "$check_count" $((elapsed / 1000)) $((elapsed % 1000))
}

# ---------------------------------------------------------------------------
# Processes

# start_server STATE_DIR [serve args...]: starts `bssflow serve` on a free
# loopback port and waits until it is ready (GET /readyz answers 200). Sets
# $base (http://127.0.0.1:PORT), $server_pid, $server_log (its stderr) and
# $listen_line (what it printed on stdout).
start_server() {
  local state=$1 i
  shift
  server_count=$((server_count + 1))
  local out=$work/serve.$server_count.out
  server_log=$work/serve.$server_count.err
  # Created here: the background process opens them only once it runs.
  : >"$out"
  : >"$server_log"
  BSSFLOW_STATE_DIR=$state "$bssflow" serve --listen 127.0.0.1:0 "$@" \
    >"$out" 2>"$server_log" &
  server_pid=$!
  started_pids+=("$server_pid")
  base=
  for i in $(seq 200); do
    base=$(sed -n 's|^bssflow serve: listening on \(http://[^ ]*\) .*|\1|p' "$out")
    [ -n "$base" ] && break
    kill -0 "$server_pid" 2>/dev/null ||
      fail "bssflow serve $* exited at start: $(cat "$out" "$server_log")"
    sleep 0.05
  done
  [ -n "$base" ] || fail "bssflow serve printed no address within 10 s"
  listen_line=$(head -n 1 "$out")
  for i in $(seq 100); do
    request GET /readyz
    [ "$status" = 200 ] && return 0
    sleep 0.05
  done
  fail "GET /readyz still answers $status 5 s after the start: $body"
}

# stop_server: SIGTERM; the server must exit 0 within 5 s. Sets $stop_ms.
stop_server() {
  local pid=$server_pid started code=0 i
  started=$(now_ms)
  kill -TERM "$pid"
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    fail "bssflow serve did not exit within 5 s of SIGTERM"
  fi
  wait "$pid" || code=$?
  forget_pid "$pid"
  stop_ms=$(($(now_ms) - started))
  [ "$code" = 0 ] || fail "bssflow serve exited $code after SIGTERM, expected 0"
  server_pid=
}

# start_sink SINK_BINARY OUT_FILE [sink args...]: starts the callback sink;
# sets $sink_url and $sink_pid.
start_sink() {
  local sink=$1 file=$2 i
  shift 2
  local out=$work/sink.out
  : >"$out"
  "$sink" --out "$file" "$@" >"$out" 2>"$work/sink.err" &
  sink_pid=$!
  started_pids+=("$sink_pid")
  sink_url=
  for i in $(seq 100); do
    sink_url=$(sed -n 's|^callback_sink: listening on \(http://.*\)$|\1|p' "$out")
    [ -n "$sink_url" ] && return 0
    kill -0 "$sink_pid" 2>/dev/null ||
      fail "the callback sink exited at start: $(cat "$work/sink.err")"
    sleep 0.05
  done
  fail "the callback sink printed no address within 5 s"
}

# ---------------------------------------------------------------------------
# Requests and checks

# request METHOD PATH [curl args...]: one request to the server under test,
# with $auth_args. Sets $status, $body, and $headers (the response's header
# lines, no CRs).
request() {
  local method=$1 path=$2
  shift 2
  last_request="$method $path"
  last_path=${path%%\?*}
  : >"$work/response.headers"
  status=$(curl -sS -o "$work/response.body" -D "$work/response.headers" \
    -w '%{http_code}' --max-time 10 -X "$method" ${auth_args[@]+"${auth_args[@]}"} \
    "$@" "$base$path") ||
    fail "$last_request: curl failed: $status"
  body=$(cat "$work/response.body")
  headers=$(tr -d '\r' <"$work/response.headers")
}

# request_json METHOD PATH JSON [curl args...]: a request with a JSON body.
request_json() {
  local method=$1 path=$2 json=$3
  shift 3
  request "$method" "$path" -H 'Content-Type: application/json' \
    --data-binary "$json" "$@"
}

# header NAME: prints the value of the response's header NAME (any case),
# empty when it has none.
header() {
  awk -v name="$1" 'BEGIN { name = tolower(name) }
    index($0, ":") > 0 && tolower(substr($0, 1, index($0, ":") - 1)) == name {
      value = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", value) }
    END { print value }' <<<"$headers"
}

expect_status() {
  [ "$status" = "$1" ] ||
    fail "$last_request: status $status, expected $1; body: $body"
}

# expect_json FILTER JSON: jq's FILTER of the body equals JSON (compared as
# JSON values: key order and spacing do not matter).
expect_json() {
  local got want
  got=$(jq -cS "$1" <<<"$body" 2>&1) ||
    fail "$last_request: cannot apply $1 ($got) to the body: $body"
  want=$(jq -cSn "$2" 2>&1) || fail "bad expected JSON $2: $want"
  [ "$got" = "$want" ] ||
    fail "$last_request: $1 is $got, expected $want; body: $body"
}

# expect_text FILTER TEXT: jq -r's FILTER of the body is exactly TEXT.
expect_text() {
  local got
  got=$(jq -r "$1" <<<"$body" 2>&1) ||
    fail "$last_request: cannot apply $1 ($got) to the body: $body"
  [ "$got" = "$2" ] ||
    fail "$last_request: $1 is '$got', expected '$2'; body: $body"
}

# expect_match FILTER REGEX: jq -r's FILTER of the body matches REGEX (ERE).
expect_match() {
  local got
  got=$(jq -r "$1" <<<"$body" 2>&1) ||
    fail "$last_request: cannot apply $1 ($got) to the body: $body"
  [[ $got =~ $2 ]] ||
    fail "$last_request: $1 is '$got', which does not match /$2/"
}

expect_header() {
  local got
  got=$(header "$1")
  [ "$got" = "$2" ] ||
    fail "$last_request: header $1 is '$got', expected '$2'; headers: $headers"
}

expect_no_header() {
  [ -z "$(header "$1")" ] ||
    fail "$last_request: unexpected header $1: $(header "$1")"
}

# expect_problem STATUS SLUG [DETAIL]: an RFC 7807 problem of the API:
# the status, Content-Type, type https://bssflow.dev/problems/SLUG, status
# member, the request's path as instance and, when given, the exact detail.
# SLUG about:blank: a problem of the HTTP layer (no instance).
expect_problem() {
  expect_status "$1"
  expect_header Content-Type application/problem+json
  expect_json .status "$1"
  if [ "$2" = about:blank ]; then
    expect_text .type about:blank
  else
    expect_text .type "https://bssflow.dev/problems/$2"
    expect_text .instance "$last_path"
  fi
  if [ $# -ge 3 ]; then expect_text .detail "$3"; fi
}

# expect_healthy: GET /healthz answers 200 {"status":"ok"}.
expect_healthy() {
  local previous=$last_request
  request GET /healthz
  [ "$status" = 200 ] ||
    fail "after $previous: GET /healthz answers $status, expected 200: $body"
  expect_json . '{"status":"ok"}'
}

# wait_for_status RUN_ID STATUS [SECONDS]: polls the run every 0.1 s until
# it has STATUS; fails when it reaches another status it cannot leave
# (awaiting_confirmation, succeeded, failed, cancelled), or after SECONDS
# (10 by default). Leaves the run's view in $body.
wait_for_status() {
  local run=$1 want=$2 tries=$((${3:-10} * 10)) now
  for _ in $(seq "$tries"); do
    request GET "/v1/runs/$run"
    expect_status 200
    now=$(jq -r .status <<<"$body")
    [ "$now" = "$want" ] && return 0
    case $now in
      pending | running) sleep 0.1 ;;
      *) fail "run $run is $now, expected $want: $body" ;;
    esac
  done
  fail "run $run is still $now after ${3:-10} s, expected $want: $body"
}

# start_run WORKFLOW BODY_JSON [curl args...]: POST .../runs; expects 202,
# a Location naming the new run, and the run as it stands. Sets $run_id.
start_run() {
  local workflow=$1 json=$2
  shift 2
  request_json POST "/v1/workflows/$workflow/runs" "$json" "$@"
  expect_status 202
  run_id=$(jq -r .id <<<"$body")
  [[ $run_id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
    fail "$last_request: the run id '$run_id' is not a UUID"
  expect_header Location "/v1/runs/$run_id"
  expect_header Content-Type application/json
  expect_no_header Idempotent-Replayed
  expect_text .workflow "$workflow"
  expect_json .inputs "$(jq -c '.inputs // {}' <<<"$json")"
  expect_status_in pending running awaiting_confirmation succeeded failed
}

# The run view's `status` in $body is one of the statuses given.
expect_status_in() {
  local now
  now=$(jq -r .status <<<"$body")
  local s
  for s in "$@"; do [ "$now" = "$s" ] && return 0; done
  fail "$last_request: the run is $now, expected one of: $*"
}
