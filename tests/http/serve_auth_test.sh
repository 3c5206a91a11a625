#!/usr/bin/env bash
# End-to-end tests of the authentication of `bssflow serve` (docs/http-api.md,
# "Authentication"): a config file with two tokens, one with the role read
# only, one with all three:
#
#   - no token, or an unknown one: 401 with WWW-Authenticate;
#   - the read-only token reads, but may not start, answer or reload (403);
#   - the full token starts a run (202) and answers it; without `by`, the
#     answer is journaled as by the token's name;
#   - /healthz and /readyz need no token by default, /metrics and
#     /v1/openapi.yaml do; a second server lists metrics in auth.public.
#
#   serve_auth_test.sh BSSFLOW
#
# Needs curl, jq and openssl.
# jq filters and their $variables are in single quotes.
# shellcheck disable=SC2016
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
source "$here/lib.sh"
http_test_init "$1"

provision=microsoft.provision-tenant
reader=reader-token-$(openssl rand -hex 16)
HTTP_TEST_OPS_TOKEN=ops-token-$(openssl rand -hex 16)
export HTTP_TEST_OPS_TOKEN
read_auth=(-H "Authorization: Bearer $reader")
ops_auth=(-H "Authorization: Bearer $HTTP_TEST_OPS_TOKEN")

cat >"$work/serve.yaml" <<YAML
auth:
  tokens:
    - name: dashboard
      token: $reader
      roles: [read]
    - name: ops
      token: {env: HTTP_TEST_OPS_TOKEN}
      roles: [read, write, admin]
YAML
start_server "$work/state" --config "$work/serve.yaml"

check "start: the line on stdout does not say 'no authentication'"
[[ $listen_line != *"no authentication"* ]] ||
  fail "serve printed '$listen_line' although tokens are configured"

check "no token: 401 with WWW-Authenticate"
for route in "GET /v1/runs" "GET /v1/workflows" "POST /v1/workflows:reload"; do
  read -r method path <<<"$route"
  request "$method" "$path"
  expect_problem 401 unauthorized \
    "this route needs a bearer token: Authorization: Bearer <token>"
  expect_header WWW-Authenticate 'Bearer realm="bssflow"'
done
request_json POST "/v1/workflows/$provision/runs" '{"inputs": {"account_id": 4002}}'
expect_problem 401 unauthorized
expect_header WWW-Authenticate 'Bearer realm="bssflow"'

check "an unknown token, or a known one mangled: 401"
for presented in "Bearer not-a-token-of-this-server" "Bearer ${reader}x" \
  "Bearer ${reader:0:-1}" "Basic $reader"; do
  request GET /v1/runs -H "Authorization: $presented"
  expect_status 401
  expect_text .type https://bssflow.dev/problems/unauthorized
  [[ $(header WWW-Authenticate) == 'Bearer realm="bssflow"'* ]] ||
    fail "Authorization: $presented: WWW-Authenticate is '$(header WWW-Authenticate)'"
done
request GET /v1/runs -H "Authorization: Bearer not-a-token-of-this-server"
expect_problem 401 unauthorized \
  "the bearer token is not one this server accepts (revoked or mistyped)"
expect_header WWW-Authenticate 'Bearer realm="bssflow", error="invalid_token"'

check "the read-only token reads"
request GET /v1/runs "${read_auth[@]}"
expect_status 200
expect_json . '{"runs": [], "next": null}'
request GET "/v1/workflows/$provision" "${read_auth[@]}"
expect_status 200
expect_text .name "$provision"

check "the read-only token may not start, answer, cancel, validate or reload: 403"
request_json POST "/v1/workflows/$provision/runs" '{"inputs": {"account_id": 4002}}' "${read_auth[@]}"
expect_problem 403 forbidden \
  "the token 'dashboard' lacks the role 'write' that /v1/workflows/{name}/runs needs"
request POST /v1/workflows:reload "${read_auth[@]}"
expect_problem 403 forbidden \
  "the token 'dashboard' lacks the role 'admin' that /v1/workflows:reload needs"
request POST /v1/workflows:validate "${read_auth[@]}" -H 'Content-Type: application/yaml' \
  --data-binary 'workflow: x'
expect_problem 403 forbidden
request GET /v1/runs "${read_auth[@]}"
expect_json '.runs' '[]'

check "the full token starts a run (202) and answers it"
start_run "$provision" '{"inputs": {"account_id": 4002}}' "${ops_auth[@]}"
run=$run_id
auth_args=("${ops_auth[@]}")
wait_for_status "$run" awaiting_confirmation
auth_args=()
request_json POST "/v1/runs/$run/confirmation" '{"decision": "confirm"}' "${read_auth[@]}"
expect_problem 403 forbidden
request POST "/v1/runs/$run/cancel" "${read_auth[@]}"
expect_problem 403 forbidden
request_json POST "/v1/runs/$run/confirmation" '{"decision": "confirm"}' "${ops_auth[@]}"
expect_status 200
auth_args=("${ops_auth[@]}")
wait_for_status "$run" succeeded
auth_args=()
expect_text .outputs.outcome linked
request GET "/v1/runs/$run/journal" "${read_auth[@]}"
expect_status 200
# Without `by`, the answer is by the token's name.
expect_json '[.events[] | select(.type == "confirmation_answered") | .data]' \
  '[{"answer": "confirm", "by": "ops"}]'
request POST /v1/workflows:reload "${ops_auth[@]}"
expect_status 200
expect_json .changed '[]'

check "public by default: /healthz and /readyz; /metrics and /v1/openapi.yaml need a token"
request GET /healthz
expect_status 200
request GET /readyz
expect_status 200
request GET /metrics
expect_problem 401 unauthorized
request GET /v1/openapi.yaml
expect_problem 401 unauthorized
request GET /metrics "${read_auth[@]}"
expect_status 200
grep -qxF 'bssflow_runs{status="succeeded"} 1' <<<"$body" ||
  fail "/metrics has no line 'bssflow_runs{status=\"succeeded\"} 1'"
grep -qxF 'bssflow_http_requests_total{route="/v1/workflows/{name}/runs",status="403"} 1' <<<"$body" ||
  fail "/metrics does not count the 403 of the start"
request GET /v1/openapi.yaml "${read_auth[@]}"
expect_status 200

check "SIGTERM: exits 0"
stop_server

check "auth.public lists metrics: /metrics needs no token, /readyz then does"
cat >"$work/public.yaml" <<YAML
auth:
  tokens:
    - {name: ops, token: {env: HTTP_TEST_OPS_TOKEN}}
  public: [healthz, metrics]
YAML
# /readyz is not public here: start_server's readiness poll sends the token.
auth_args=("${ops_auth[@]}")
start_server "$work/state" --config "$work/public.yaml"
auth_args=()
request GET /metrics
expect_status 200
grep -q '^bssflow_runs{status="succeeded"} 1$' <<<"$body" ||
  fail "/metrics (public) has no bssflow_runs{status=\"succeeded\"} 1"
request GET /healthz
expect_status 200
request GET /readyz
expect_problem 401 unauthorized
request GET /v1/runs
expect_problem 401 unauthorized
auth_args=("${ops_auth[@]}")
request GET /readyz
expect_status 200
stop_server
passed
