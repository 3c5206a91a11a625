#!/usr/bin/env bash
# Recordings from the command line (docs/testing.md): `bssflow run --record`
# writes the run's recording once it finished or parked, `bssflow export`
# writes the same document for the same run, secrets are ***, and an
# unknown run is a clear error.
#
#   tests/app/record_export_test.sh BSSFLOW
set -euo pipefail
bssflow=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BSSFLOW_STATE_DIR=$work/state

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# A new tenant: the welcome notification's body holds the password.
"$bssflow" run "$root/workflows/microsoft/provision-tenant.yaml" \
  --input '{"account_id": 1001}' --record "$work/created.json" >"$work/out"
grep -qx "recording written to $work/created.json" "$work/out" ||
  fail "run --record did not say where it wrote: $(cat "$work/out")"
id=$(jq -r .run.id "$work/created.json")
[ "$(jq -r '.format, .version, .run.status, .workflow.name' "$work/created.json" | tr '\n' ' ')" = \
  "bssflow-recording 1 succeeded microsoft.provision-tenant " ] ||
  fail "unexpected head: $(jq -c '{format, version, run, workflow: .workflow.name}' "$work/created.json")"
[ "$(jq -c '[.calls[].action]' "$work/created.json")" = \
  '["bss.get_provisioning_system","bss.get_account","bss.get_sync_options","bss.set_sync_status","partner_center.check_domain","partner_center.create_customer","bss.set_sync_status","notify.send"]' ] ||
  fail "unexpected calls: $(jq -c '[.calls[].action]' "$work/created.json")"
[ "$(jq -r '.calls[-1].arguments.body' "$work/created.json")" = "***" ] ||
  fail "the welcome body is not masked"
[ "$(jq -c '.notifications[0] | {to, template}' "$work/created.json")" = \
  '{"to":"it@northwind.example","template":"welcome-office365"}' ] ||
  fail "unexpected notification: $(jq -c .notifications "$work/created.json")"
if grep -q -e '"\$secret"' -e '"v1:' "$work/created.json"; then
  fail "the recording holds a sealed secret"
fi
cmp -s <(jq -S . "$work/created.json") <("$bssflow" export "$id" | jq -S .) ||
  fail "bssflow export differs from run --record"
"$bssflow" export "$id" -o "$work/exported.json"
cmp -s <(jq -S . "$work/created.json") <(jq -S . "$work/exported.json") ||
  fail "bssflow export -o differs from run --record"

# A parked run: its confirmation without an answer, status awaiting.
status=0
"$bssflow" run "$root/workflows/microsoft/provision-tenant.yaml" \
  --input '{"account_id": 4002}' --record "$work/parked.json" >"$work/out" </dev/null ||
  status=$?
[ "$status" = 3 ] || fail "the 4002 run exited $status, expected 3 (awaiting)"
[ "$(jq -c '[.run.status, .confirmations[0].step, (.confirmations[0] | has("answer"))]' "$work/parked.json")" = \
  '["awaiting_confirmation","confirm_link",false]' ] ||
  fail "unexpected parked recording: $(jq -c '{run, confirmations}' "$work/parked.json")"

# The schema, when python3 with jsonschema is there to check it.
if python3 -c 'import jsonschema' 2>/dev/null; then
  for file in created parked; do
    python3 - "$root/docs/recording.schema.json" "$work/$file.json" <<'PY' ||
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(open(sys.argv[2])), schema,
                    cls=jsonschema.Draft202012Validator)
PY
      fail "$file.json does not follow docs/recording.schema.json"
  done
fi

status=0
"$bssflow" export no-such-run 2>"$work/err" >/dev/null || status=$?
[ "$status" = 2 ] || fail "export of an unknown run exited $status, expected 2"
[ "$(cat "$work/err")" = "bssflow export: no run no-such-run" ] ||
  fail "unexpected error: $(cat "$work/err")"
echo "record_export: ok"
