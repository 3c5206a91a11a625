#!/usr/bin/env bash
# `bssflow run` and `answer` with a connectors file, against `bssflow sim`
# running as a process of its own on free loopback ports: the new tenant
# for BSS account 1001 is asked for, confirmed by `bssflow answer`, and then
# found in the Partner Center simulator's state (/_sim/state). Secrets come
# from an environment variable and from a file. Also: $BSSFLOW_CONNECTORS
# in place of the flag, and a connectors file with problems (exit 2,
# nothing run).
#
#   run_with_connectors_file.sh BSSFLOW
set -euo pipefail
bssflow=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/simulators.sh"
work=$(mktemp -d)
cleanup() {
  stop_simulators
  rm -rf "$work"
}
trap cleanup EXIT
unset BSSFLOW_CONNECTORS
start_simulators "$bssflow" "$work"

printf 'demo-password\n' >"$work/bss-password"
cat >"$work/connectors.yaml" <<EOF
partner_center:
  api_base_url: $pc_url
  login_base_url: $pc_url
  client_id: 0b5f1c0e-5ca1-4e55-9b1e-000000000001
  client_secret: {env: TEST_PC_CLIENT_SECRET}
  refresh_token: demo-refresh-token
bss:
  base_url: $bss_url
  client_key: bssflow-demo-client
  client_secret: bssflow-demo-secret
  username: integration@bss.example
  password: {file: bss-password}
EOF
export TEST_PC_CLIENT_SECRET=demo-client-secret

# 1. Run until the confirmation, then answer it: two processes, one
#    simulator.
set +e
out=$("$bssflow" run "$here/new-tenant.yaml" --state-dir "$work/state" \
  --connectors "$work/connectors.yaml" \
  --input '{"account_id": 1001, "domain_prefix": "northwind"}' </dev/null)
code=$?
set -e
echo "$out"
[ "$code" = 3 ] || { echo "expected exit 3 (awaiting), got $code" >&2; exit 1; }
run_id=$(sed -n 's/^run \([0-9a-f-]\{36\}\) awaiting_confirmation$/\1/p' <<<"$out")
tenant_id=$(sed -n 's/.*  link: asks for confirmation: Link account 1001 to tenant \([0-9a-f-]\{36\}\)?$/\1/p' <<<"$out")
[ -n "$run_id" ] && [ -n "$tenant_id" ]

out=$("$bssflow" answer "$run_id" confirm --by tester --state-dir "$work/state" \
  --connectors "$work/connectors.yaml")
echo "$out"
grep -q "^run $run_id succeeded$" <<<"$out"

state=$(curl -sf "$pc_url/_sim/state")
grep -q "\"id\": *\"$tenant_id\"" <<<"$state" ||
  { echo "tenant $tenant_id is not in the simulator: $state" >&2; exit 1; }
grep -q '"northwind.onmicrosoft.com"' <<<"$state" ||
  { echo "northwind.onmicrosoft.com is not in the simulator" >&2; exit 1; }

# 2. $BSSFLOW_CONNECTORS stands for the flag: the domain is now taken in
#    that same simulator.
set +e
out=$(BSSFLOW_CONNECTORS="$work/connectors.yaml" "$bssflow" run \
  "$here/new-tenant.yaml" --state-dir "$work/state" \
  --input '{"account_id": 1001, "domain_prefix": "northwind"}' </dev/null)
code=$?
set -e
echo "$out"
[ "$code" = 1 ] || { echo "expected exit 1, got $code" >&2; exit 1; }
grep -q '  run finished: failed (fail: The domain northwind.onmicrosoft.com is taken.)$' <<<"$out"

# 3. A connectors file with problems: its diagnostics, exit 2, nothing run
#    (the state directory is not even created).
sed 's/{env: TEST_PC_CLIENT_SECRET}/{env: TEST_PC_UNSET_SECRET}/' \
  "$work/connectors.yaml" >"$work/bad.yaml"
set +e
err=$("$bssflow" run "$here/new-tenant.yaml" --state-dir "$work/unused" \
  --connectors "$work/bad.yaml" --input '{"account_id": 1001, "domain_prefix": "x"}' \
  2>&1 >/dev/null </dev/null)
code=$?
set -e
echo "$err"
[ "$code" = 2 ] || { echo "expected exit 2, got $code" >&2; exit 1; }
grep -qF "$work/bad.yaml:5:24: 'client_secret': environment variable TEST_PC_UNSET_SECRET is not set" <<<"$err"
[ ! -e "$work/unused" ] || { echo "a run was started" >&2; exit 1; }
echo "ok: bssflow run --connectors against bssflow sim"
