#!/usr/bin/env bash
# bssflow replay and bssflow test, offline, on the recordings of the
# Microsoft workflows (tests/microsoft/scenarios/recordings):
# - the unchanged workflows replay every recording the same;
# - three changes to provision-tenant.yaml (a prerequisite dropped, a
#   message reworded, two calls swapped) are each reported with the exact
#   diff: the call, the step and its place in the YAML file, expected and
#   actual;
# - --update accepts a change, and the updated recording replays green;
# - bad recordings and scenario files get exact errors;
# - a failing scenario prints its failures and writes them to JUnit XML.
#
#   replay_test.sh BSSFLOW
set -euo pipefail
bssflow=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recordings=$root/tests/microsoft/scenarios/recordings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
# expect_output WHAT EXPECTED_CODE EXPECTED_TEXT -- COMMAND...
expect_output() {
  local what=$1 want_code=$2 want=$3
  shift 4
  set +e
  got=$("$@" 2>&1)
  code=$?
  set -e
  if [ "$code" != "$want_code" ] || [ "$got" != "$want" ]; then
    echo "--- expected (exit $want_code)"
    echo "$want"
    echo "--- got (exit $code)"
    echo "$got"
    fail "$what"
  fi
  echo "ok: $what"
}
line_of() {  # FILE TEXT -> the first line number with TEXT
  grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

cp "$recordings"/account-1001.json new-tenant.json
cp "$recordings"/account-1003.json no-phone.json
original=$root/workflows/microsoft/provision-tenant.yaml

# ---- the unchanged workflows ------------------------------------------------
count=$(ls "$recordings"/*.json | wc -l)
set +e
out=$("$bssflow" replay "$recordings"/*.json --workflows "$root/workflows/microsoft")
code=$?
set -e
[ "$code" = 0 ] || { echo "$out"; fail "the unchanged workflows replay with exit $code"; }
[ "$(tail -n 1 <<<"$out")" = "$count recordings: $count same" ] ||
  { echo "$out"; fail "the unchanged workflows do not replay the same"; }
echo "ok: $count recordings replay the same on the unchanged workflows"

# ---- a prerequisite dropped -------------------------------------------------
python3 - "$original" drop-prerequisite.yaml <<'PY'
import sys
text = open(sys.argv[1]).read()
phone = """      - that: is_phone(vars.account.phone)
        message: >-
          The account has no valid phone number. Enter one in the Phone field
          of the account details page.
"""
assert phone in text
open(sys.argv[2], "w").write(text.replace(phone, "", 1))
PY
domain=$(line_of drop-prerequisite.yaml "  - id: domain")
failure=$(line_of drop-prerequisite.yaml "  - id: report_failure")
expect_output "a dropped prerequisite is the first call that differs" 1 \
"FAIL no-phone.json (microsoft.provision-tenant)
  call 5 differs
    at step domain (drop-prerequisite.yaml:$domain:5)
    expected: step report_failure (drop-prerequisite.yaml:$failure:5): bss.set_sync_status {\"account_id\":1003,\"message\":\"The account has no valid phone number. Enter one in the Phone field of the account details page.\",\"status\":\"failed\",\"system_cod...
    actual:   step domain: partner_center.check_domain {\"domain\":\"tailspintoys.onmicrosoft.com\"}
1 recording: 0 same, 1 diverged" \
  -- "$bssflow" replay --workflow drop-prerequisite.yaml no-phone.json

# ---- a message reworded -----------------------------------------------------
sed 's/message: "Tenant ${ vars.domain } created."/message: "Tenant ${ vars.domain } is ready."/' \
  "$original" >message.yaml
cmp -s "$original" message.yaml && fail "the message was not reworded"
synchronized=$(line_of message.yaml "- id: synchronized")
expect_output "a reworded message is an argument that differs" 1 \
"FAIL new-tenant.json (microsoft.provision-tenant)
  call 7 (bss.set_sync_status) has other arguments
    at step synchronized (message.yaml:$synchronized:13)
    arguments.message: expected \"Tenant northwind.onmicrosoft.com created.\", got \"Tenant northwind.onmicrosoft.com is ready.\"
1 recording: 0 same, 1 diverged" \
  -- "$bssflow" replay --workflow message.yaml new-tenant.json

# ---- two calls swapped ------------------------------------------------------
python3 - "$original" reorder.yaml <<'PY'
import sys
text = open(sys.argv[1]).read()
system, account, options = (text.index("  - id: " + s + "\n")
                            for s in ("system", "account", "options"))
open(sys.argv[2], "w").write(text[:system] + text[account:options] +
                             text[system:account] + text[options:])
PY
account=$(line_of reorder.yaml "  - id: account")
system=$(line_of reorder.yaml "  - id: system")
expect_output "swapped calls differ at the first of them" 1 \
"FAIL new-tenant.json (microsoft.provision-tenant)
  call 1 differs
    at step account (reorder.yaml:$account:5)
    expected: step system (reorder.yaml:$system:5): bss.get_provisioning_system {\"system_code\":\"MSCSP\"}
    actual:   step account: bss.get_account {\"id\":1001,\"include\":\"reseller\"}
1 recording: 0 same, 1 diverged" \
  -- "$bssflow" replay --workflow reorder.yaml new-tenant.json

# ---- accepting a change -----------------------------------------------------
cp new-tenant.json accepted.json
expect_output "--update rewrites a recording that differs" 0 \
"updated accepted.json (microsoft.provision-tenant, 8 calls); accepted:
  call 1 differs
    at step account (reorder.yaml:$account:5)
    expected: step system (reorder.yaml:$system:5): bss.get_provisioning_system {\"system_code\":\"MSCSP\"}
    actual:   step account: bss.get_account {\"id\":1001,\"include\":\"reseller\"}
1 recording: 0 same, 1 updated" \
  -- "$bssflow" replay --update --workflow reorder.yaml accepted.json
expect_output "the updated recording replays the same" 0 \
"ok   accepted.json (microsoft.provision-tenant, 8 calls)
1 recording: 1 same" \
  -- "$bssflow" replay --workflow reorder.yaml accepted.json
[ "$(jq -r '.calls[0].action' accepted.json)" = bss.get_account ] ||
  fail "the updated recording does not hold the new order"
# Each call keeps the idempotency key of the recorded call that answered it.
[ "$(jq -c '[.calls[] | {action, idempotency_key}] | sort' accepted.json)" = \
  "$(jq -c '[.calls[] | {action, idempotency_key}] | sort' new-tenant.json)" ] ||
  fail "the updated recording has other idempotency keys"
[ "$(jq -r '.calls[] | select(.step == "welcome") | .arguments.body' accepted.json)" = "***" ] ||
  fail "the updated recording shows a secret"
# A call sent again after a restart stays marked so, and every attempt keeps
# its recorded send time: only what the run changed changes.
jq '(.calls[] | select(.step == "create_customer") | .attempts[0].resent) = true' \
  new-tenant.json >restarted.json
jq -c '[.calls[] | {step, sent: [.attempts[] | .sent_at]}] | sort' restarted.json >sent.before
"$bssflow" replay --update --workflow reorder.yaml restarted.json >/dev/null
[ "$(jq -r '.calls[] | select(.step == "create_customer") | .attempts[0].resent' restarted.json)" = true ] ||
  fail "the updated recording lost the restart of create_customer"
[ "$(jq -c '[.calls[] | {step, sent: [.attempts[] | .sent_at]}] | sort' restarted.json)" = "$(cat sent.before)" ] ||
  fail "the updated recording has other send times"
expect_output "--update on a dropped prerequisite has nothing to answer the new call with" 1 \
"FAIL no-phone.json: step domain calls partner_center.check_domain, which the recording has no answer for; record the run again
1 recording: 0 same, 1 diverged" \
  -- "$bssflow" replay --update --workflow drop-prerequisite.yaml no-phone.json
expect_output "--recorded replays the definition the recording holds" 0 \
"ok   no-phone.json (microsoft.provision-tenant, 5 calls)
1 recording: 1 same" \
  -- "$bssflow" replay --recorded no-phone.json

# ---- bad recordings ---------------------------------------------------------
echo 'nope' >not-json.json
expect_output "a file that is not JSON, and the recordings after it" 2 \
"bssflow replay: not-json.json: not a recording: the file is not JSON
ok   no-phone.json (microsoft.provision-tenant, 5 calls)
2 recordings: 1 same, 1 not replayed" \
  -- "$bssflow" replay not-json.json no-phone.json
jq 'del(.calls[2].action)' new-tenant.json >no-action.json
expect_output "a call without its action" 2 \
"bssflow replay: no-action.json: /calls/2/action is missing
1 recording: 0 same, 1 not replayed" \
  -- "$bssflow" replay no-action.json
jq '.version = 7' new-tenant.json >version.json
expect_output "a version this bssflow does not read" 2 \
"bssflow replay: version.json: recording version 7 is not supported; this bssflow reads version 1
1 recording: 0 same, 1 not replayed" \
  -- "$bssflow" replay version.json
expect_output "a recording of another workflow" 2 \
"bssflow replay: new-tenant.json is a run of microsoft.provision-tenant, not of microsoft.get-services-definitions ($root/workflows/microsoft/get-services-definitions.yaml)
1 recording: 0 same, 1 not replayed" \
  -- "$bssflow" replay --workflow "$root/workflows/microsoft/get-services-definitions.yaml" new-tenant.json

# ---- scenarios --------------------------------------------------------------
mkdir scenarios
cat >scenarios/wrong.yaml <<YAML
scenario: a scenario that expects what does not happen
workflow: $original
inputs: {account_id: 1003}
recording: $work/no-phone.json
expect:
  status: succeeded
  calls: [bss.get_provisioning_system, bss.get_account]
  not_called: [bss.set_sync_status]
  messages: [a text no one wrote]
YAML
cat >scenarios/broken.yaml <<'YAML'
scenario: broken
workflow: nowhere.yaml
inputs: [1]
responses:
  bss.get_account:
    - result: {}
      eror: x
answers: {confirm_link: maybe}
expect:
  stauts: succeeded
YAML
expect_output "failing scenarios say why, with file:line:col for a broken file" 1 \
"FAIL scenarios/broken.yaml: scenarios/broken.yaml
  scenarios/broken.yaml:3:9: 'inputs' must be a map, got a list
      inputs: [1]
              ^
  scenarios/broken.yaml:7:7: unknown field 'eror' in a response; did you mean 'error'?
            eror: x
            ^
  scenarios/broken.yaml:8:25: an answer is confirm or reject, got 'maybe'
      answers: {confirm_link: maybe}
                              ^
  scenarios/broken.yaml:10:3: unknown field 'stauts' in 'expect'; did you mean 'status'?
        stauts: succeeded
        ^
FAIL scenarios/wrong.yaml: a scenario that expects what does not happen
  status: expected succeeded, got failed (error: {\"code\":\"check\",\"kind\":\"check_failed\",\"message\":\"The account has no valid phone number. Enter one in the Phone field of the account details page.\",\"step\":\"pr...)
  calls: expected bss.get_provisioning_system, bss.get_account
         got      bss.get_provisioning_system, bss.get_account, bss.get_sync_options, bss.set_sync_status, bss.set_sync_status
  not_called: bss.set_sync_status was called
  messages: no prompt, error or call says \"a text no one wrote\"
2 scenarios: 0 passed, 2 failed" \
  -- bash -c "set -o pipefail; '$bssflow' test --jobs 1 --junit junit.xml scenarios | sed 's/ ([0-9.]* s)\$//'"
grep -qF '<testsuite name="bssflow" tests="2" failures="2"' junit.xml ||
  fail "the JUnit report does not count the failures"
grep -qF '<failure message="status: expected succeeded, got failed' junit.xml ||
  fail "the JUnit report does not carry the failure"
expect_output "a path that does not exist" 2 \
  "bssflow test: nowhere: no such file or directory" \
  -- "$bssflow" test nowhere
mkdir lost
printf 'scenario: lost\nworkflow: nowhere.yaml\ninputs: {account_id: 1}\n' >lost/lost.yaml
expect_output "a workflow file that cannot be read is placed at its field" 1 \
"FAIL lost/lost.yaml: lost
  lost/lost.yaml:2:11: lost/nowhere.yaml: cannot read the file: No such file or directory
      workflow: nowhere.yaml
                ^
1 scenario: 0 passed, 1 failed" \
  -- bash -c "set -o pipefail; '$bssflow' test lost/lost.yaml | sed 's/ ([0-9.]* s)\$//'"
printf 'scenario: typo\nworkflow: %s\ninputs: {account_id: 1, acount: 2}\n' "$original" >lost/typo.yaml
expect_output "inputs that do not fit the workflow are placed at their field" 1 \
"FAIL lost/typo.yaml: typo
  lost/typo.yaml:3:9: workflow microsoft.provision-tenant has no input 'acount'
      inputs: {account_id: 1, acount: 2}
              ^
1 scenario: 0 passed, 1 failed" \
  -- bash -c "set -o pipefail; '$bssflow' test lost/typo.yaml | sed 's/ ([0-9.]* s)\$//'"

echo "ok: replay and test"
