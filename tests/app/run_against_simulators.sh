#!/usr/bin/env bash
# `bssflow run` end to end against the embedded simulators, over loopback:
# a new tenant for BSS account 1001 (the admin password shown as *** only),
# and a taken domain failing with its message.
#
#   run_against_simulators.sh BSSFLOW
set -euo pipefail
bssflow=$1
here=$(cd "$(dirname "$0")" && pwd)
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

out=$("$bssflow" run "$here/new-tenant.yaml" --state-dir "$state" \
  --input '{"account_id": 1001, "domain_prefix": "northwind"}' \
  --answer link=confirm)
echo "$out"
grep -q '  domain: call succeeded: {"available":true,"domain":"northwind.onmicrosoft.com"}$' <<<"$out"
grep -q '  link: asks for confirmation: Link account 1001 to tenant ' <<<"$out"
grep -qE '  run finished: succeeded outputs \{"password":"\*\*\*","tenant_id":"[0-9a-f-]{36}"\}$' <<<"$out"
grep -qE '^run [0-9a-f-]{36} succeeded$' <<<"$out"

set +e
out=$("$bssflow" run "$here/new-tenant.yaml" --state-dir "$state" \
  --input '{"account_id": 4001, "domain_prefix": "contoso"}' --answer link=confirm)
code=$?
set -e
echo "$out"
[ "$code" = 1 ] || { echo "expected exit 1, got $code" >&2; exit 1; }
grep -q '  run finished: failed (fail: The domain contoso.onmicrosoft.com is taken.)$' <<<"$out"
echo "ok: bssflow run against the embedded simulators"
