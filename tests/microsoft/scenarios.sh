#!/usr/bin/env bash
# Scenario tests of the Microsoft tenant workflows (workflows/microsoft/):
# one or more per rule of seeds/provisioning-customers-as-microsoft-tenants,
# each driven through `bssflow run` against `bssflow sim` (a process of its
# own, over loopback HTTP), asserting on the run's outcome and messages and
# on the simulators' state: tenants and users created, billing profiles and
# reseller associations, sync options, sync statuses, customer codes, and
# notifications and their recipients.
#
#   scenarios.sh BSSFLOW
#
# Needs curl and jq (scripts/setup installs them).
set -euo pipefail
bssflow=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib/simulators.sh"

start_simulators_session "$bssflow"

provision=$root/workflows/microsoft/provision-tenant.yaml
definitions=$root/workflows/microsoft/get-services-definitions.yaml
state=$work/state
contoso=c0000000-0000-4000-8000-000000000001
trey=c0000000-0000-4000-8000-000000000002
scenario_count=0

fail() {
  echo "FAILED: $scenario: $*" >&2
  exit 1
}
scenario() {
  scenario=$1
  scenario_count=$((scenario_count + 1))
  echo "=== $scenario"
}
# run_workflow FILE INPUT_JSON [bssflow run flags...]: sets $out and $code.
run_workflow() {
  local file=$1 input=$2
  shift 2
  set +e
  out=$("$bssflow" run "$file" --state-dir "$state" \
    --connectors "$work/connectors.yaml" --input "$input" "$@" </dev/null 2>&1)
  code=$?
  set -e
  echo "$out" >"$work/last-run.out"
}
expect_code() {
  [ "$code" = "$1" ] || { echo "$out"; fail "exit code $code, expected $1"; }
}
# expect_line TEXT: a line of the run's output ends with TEXT.
expect_line() {
  grep -qF -- "$1" <<<"$out" || { echo "$out"; fail "no line with: $1"; }
}
expect_no_line() {
  if grep -qF -- "$1" <<<"$out"; then echo "$out"; fail "unexpected: $1"; fi
}
expect_eq() {  # WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}
run_id() { sed -n 's/^run \([0-9a-f-]\{36\}\) [a-z_]*$/\1/p' <<<"$out"; }

sync_status() {  # ACCOUNT -> "Status: Message"
  bss_state | jq -r --argjson id "$1" \
    '.SyncStatuses[] | select(.AccountID == $id and .SystemCode == "MSCSP")
     | .Status + ": " + .Message'
}
customer_code() {  # ACCOUNT -> the account's customer code, or null
  bss_state | jq -r --argjson id "$1" '.Accounts[] | select(.ID == $id) | .CustomerCode'
}
tenant_by_domain() {  # DOMAIN -> the simulator's tenant as JSON
  pc_state | jq -c --arg d "$1" '[.tenants[] | select(.domains | index($d))]'
}
pc_calls() {  # ROUTE -> how many calls the Partner Center simulator had
  pc_state | jq -r --arg r "$1" '.callCounts[$r] // 0'
}
notifications_to() {  # ACCOUNT -> "To|Subject" per notification about it
  curl -sf "$bss_url/_sim/notifications" |
    jq -r --argjson id "$1" '.Items[] | select(.AccountID == $id) | .To + "|" + .Subject'
}
pc_token() {
  curl -sf "$pc_url/common/oauth2/token" \
    --data-urlencode grant_type=client_credentials \
    --data-urlencode client_id=0b5f1c0e-5ca1-4e55-9b1e-000000000001 \
    --data-urlencode client_secret=demo-client-secret \
    --data-urlencode resource=https://api.partnercenter.microsoft.com |
    jq -r .access_token
}
pc_customer() {  # TENANT_ID -> the customer as Partner Center answers it
  curl -sf -H "Authorization: Bearer $(pc_token)" \
    -H "MS-RequestId: $(cat /proc/sys/kernel/random/uuid)" \
    "$pc_url/v1/customers/$1"
}

# ---- Get Services Definitions --------------------------------------------

scenario "sync options of a direct CSP: username and domain prefix, no MPN ID"
run_workflow "$definitions" '{"system_code": "MSCSP-DIRECT"}'
expect_code 0
expect_line 'run finished: succeeded outputs {"created":["Username","DomainPrefix"],"fields":["Username","Domain Prefix"],"system_code":"MSCSP-DIRECT"}'
fields=$(bss_state | jq -c '[.SyncOptionDefinitions[] | select(.SystemCode == "MSCSP-DIRECT")
  | [.Code, .Entity, .Folder, .Permissionless]]')
expect_eq "MSCSP-DIRECT fields" "$fields" \
  '[["Username","Accounts","Microsoft Cloud Services",true],["DomainPrefix","Accounts","Microsoft Cloud Services",true]]'

scenario "running Get Services Definitions twice changes nothing"
before=$(bss_state | jq -c '.SyncOptionDefinitions')
run_workflow "$definitions" '{"system_code": "MSCSP-DIRECT"}'
expect_code 0
expect_line 'run finished: succeeded outputs {"created":[],"fields":["Username","Domain Prefix"],"system_code":"MSCSP-DIRECT"}'
expect_eq "definitions after a second run" "$(bss_state | jq -c '.SyncOptionDefinitions')" "$before"

scenario "an indirect CSP's country tenant also gets the Reseller (MPN ID) field"
run_workflow "$definitions" '{"system_code": "MSCSP-CT"}'
expect_code 0
expect_line 'run finished: succeeded outputs {"created":["Username","DomainPrefix","ResellerMpnID"],"fields":["Username","Domain Prefix","Reseller (MPN ID)"],"system_code":"MSCSP-CT"}'

scenario "a tenant reseller (of a direct CSP) gets no Reseller (MPN ID) field"
run_workflow "$definitions" '{"system_code": "MSCSP-TR"}'
expect_code 0
expect_line 'run finished: succeeded outputs {"created":["Username","DomainPrefix"],"fields":["Username","Domain Prefix"],"system_code":"MSCSP-TR"}'

# ---- Prerequisites ---------------------------------------------------------

scenario "an invalid postal code fails the prerequisites, and the sync status says why"
run_workflow "$provision" '{"account_id": 1002}'
expect_code 1
message="The postal code '1234' of the billing address of Fourth Coffee GmbH is not valid for DE. See \"Defining a Valid Postal Code\"."
expect_line "    - $message"
expect_eq "sync status of 1002" "$(sync_status 1002)" "Failed: $message"

scenario "no phone"
run_workflow "$provision" '{"account_id": 1003}'
expect_code 1
expect_line '    - The account has no valid phone number. Enter one in the Phone field of the account details page.'

scenario "no corporate email"
run_workflow "$provision" '{"account_id": 1004}'
expect_code 1
expect_line '    - The account has no valid corporate email. Enter one in the Email field of the account details page.'

scenario "a malformed domain prefix"
run_workflow "$provision" '{"account_id": 1005}'
expect_code 1
expect_line "    - The Domain Prefix sync option 'blue yonder!' is not valid: enter the prefix of the new tenant's onmicrosoft.com domain (letters and digits, at most 27), or the domain alias of an existing tenant with its suffix (e.g. contoso.com)."

scenario "a sub-customer without an address uses its reseller's, which must be valid: all failures together"
run_workflow "$provision" '{"account_id": 3001}'
expect_code 1
first="The billing address of the reseller Proseware Ltd (used for this account) is incomplete: the street, the city and the country are required."
second="The postal code '9810' of the billing address of the reseller Proseware Ltd (used for this account) is not valid for US. See \"Defining a Valid Postal Code\"."
expect_line "    - $first"
expect_line "    - $second"
expect_eq "sync status of 3001" "$(sync_status 3001)" "Failed: $first
$second"
expect_eq "creates after failed prerequisites" "$(pc_calls 'POST /v1/customers')" 0

# ---- New tenants -----------------------------------------------------------

scenario "a new tenant: created, linked, credentials sent to the customer"
run_workflow "$provision" '{"account_id": 1001}'
expect_code 0
expect_line "  welcome: notification 'welcome-office365' sent to it@northwind.example"
tenant=$(tenant_by_domain northwind.onmicrosoft.com)
expect_eq "northwind tenants" "$(jq length <<<"$tenant")" 1
tenant_id=$(jq -r '.[0].id' <<<"$tenant")
expect_eq "company name" "$(jq -r '.[0].companyName' <<<"$tenant")" "Northwind Traders"
expect_line "run finished: succeeded outputs {\"domain\":\"northwind.onmicrosoft.com\",\"outcome\":\"created\",\"tenant_id\":\"$tenant_id\"}"
expect_eq "customer code of 1001" "$(customer_code 1001)" "$tenant_id"
expect_eq "sync status of 1001" "$(sync_status 1001)" \
  "Synchronized: Tenant northwind.onmicrosoft.com created."
expect_eq "notifications to 1001" "$(notifications_to 1001)" \
  "it@northwind.example|Your Microsoft tenant northwind.onmicrosoft.com is ready"
body=$(curl -sf "$bss_url/_sim/notifications" | jq -r '.Items[] | select(.AccountID == 1001) | .Body')
password=$(sed -n 's/^ *password: *\(.*\)$/\1/p' <<<"$body")
[ ${#password} -ge 8 ] || fail "no password in the welcome notification: $body"
grep -qF 'user name: admin@northwind.onmicrosoft.com' <<<"$body" || fail "no user name: $body"
billing=$(pc_customer "$tenant_id" | jq -c '.billingProfile.defaultAddress | [.addressLine1, .city, .country]')
expect_eq "billing address of northwind" "$billing" '["1 Microsoft Way","Redmond","US"]'

scenario "the credentials are never in the output, the journal or bssflow show"
new_tenant_run=$(run_id)
grep -qF -- "$password" <<<"$out" && fail "the password is in the run's output"
shown=$("$bssflow" show "$new_tenant_run" --state-dir "$state")
grep -qF -- "$password" <<<"$shown" && fail "the password is in bssflow show"
for f in "$state"/journal.db*; do
  grep -qaF -- "$password" "$f" && fail "the password is in $f"
done
true

scenario "a reseller's sub-customer: the reseller's address, the indirect reseller from the MPN ID"
run_workflow "$provision" '{"account_id": 2001}'
expect_code 0
tenant_id=$(tenant_by_domain adatum.onmicrosoft.com | jq -r '.[0].id')
customer=$(pc_customer "$tenant_id")
expect_eq "billing address of adatum (Litware's)" \
  "$(jq -c '.billingProfile.defaultAddress | [.addressLine1, .city, .postalCode, .country]' <<<"$customer")" \
  '["500 Lake Street","Kirkland","98033","US"]'
reseller=$(pc_state | jq -r '.partners[] | select(.mpnId == "1234567") | .tenantId')
expect_eq "associated partner of adatum" "$(jq -r .associatedPartnerId <<<"$customer")" "$reseller"
expect_eq "notifications to 2001" "$(notifications_to 2001)" \
  "it@adatum.example|Your Microsoft tenant adatum.onmicrosoft.com is ready"

scenario "another Username: its own user, and its credentials in the welcome"
set_sync_option 2002 Username jdoe
run_workflow "$provision" '{"account_id": 2002}'
expect_code 0
tenant=$(tenant_by_domain wideworldimporters.onmicrosoft.com)
expect_eq "users of the new tenant" "$(jq -c '.[0].users' <<<"$tenant")" \
  '["admin@wideworldimporters.onmicrosoft.com","jdoe@wideworldimporters.onmicrosoft.com"]'
body=$(curl -sf "$bss_url/_sim/notifications" | jq -r '.Items[] | select(.AccountID == 2002) | .Body')
grep -qF 'user name: jdoe@wideworldimporters.onmicrosoft.com' <<<"$body" || fail "no jdoe in: $body"
jdoe_password=$(sed -n 's/^ *password: *\(.*\)$/\1/p' <<<"$body")
[ ${#jdoe_password} = 16 ] || fail "the password of jdoe is not the connector's: $body"
grep -qF -- "$jdoe_password" <<<"$out" && fail "the password is in the run's output"
true

scenario "an MPN ID that names no indirect reseller: a clear failure, no tenant"
reset_simulators
set_sync_option 2001 ResellerMpnID 5555555
creates_before=$(pc_calls 'POST /v1/customers')
run_workflow "$provision" '{"account_id": 2001}'
expect_code 1
expect_line 'run finished: failed (fail: The Reseller (MPN ID) sync option 5555555 names no indirect reseller of this partner in Partner Center (no indirect reseller with MPN ID 5555555 has a relationship with this partner). Correct the MPN ID or clear it.)'
expect_eq "customers created" "$(pc_calls 'POST /v1/customers')" "$creates_before"
reset_simulators

# ---- Existing tenants --------------------------------------------------------

scenario "an existing tenant another BSS account is synced with: the BSS question, confirmed"
users_before=$(pc_calls 'POST /v1/customers/{id}/users')
creates_before=$(pc_calls 'POST /v1/customers')
run_workflow "$provision" '{"account_id": 4002}' --answer confirm_link=confirm
expect_code 0
expect_line '  confirm_link: asks for confirmation: An Account with the same Customer Code already exists in BSS. Please confirm that you want to synchronize this account with the same Customer.'
expect_line "run finished: succeeded outputs {\"domain\":\"contoso.com\",\"outcome\":\"linked\",\"tenant_id\":\"$contoso\"}"
expect_eq "customer code of 4002" "$(customer_code 4002)" "$contoso"
expect_eq "customer code of 4003 (unchanged)" "$(customer_code 4003)" "$contoso"
expect_eq "users created" "$(pc_calls 'POST /v1/customers/{id}/users')" "$users_before"
expect_eq "customers created" "$(pc_calls 'POST /v1/customers')" "$creates_before"
expect_eq "notifications to 4002" "$(notifications_to 4002)" ""

scenario "an existing tenant no BSS account is synced with: the Partner Center question, rejected"
run_workflow "$provision" '{"account_id": 4004}' --answer confirm_link=reject
expect_line '  confirm_link: asks for confirmation: A Customer with the same Customer Code already exists in Microsoft Partner Cloud Services GL. Please confirm that you want to synchronize this account with the existing Customer'
expect_line '  confirm_link: answered reject'
expect_eq "customer code of 4004 after rejecting" "$(customer_code 4004)" null
expect_eq "sync status of 4004 after rejecting" "$(sync_status 4004)" \
  "NotSynchronized: Not synchronized: linking to the existing tenant treyresearch.onmicrosoft.com was not confirmed."

scenario "the same, confirmed: linked, and no tenant user although a username is set"
run_workflow "$provision" '{"account_id": 4004}' --answer confirm_link=confirm
expect_code 0
expect_line "run finished: succeeded outputs {\"domain\":\"treyresearch.onmicrosoft.com\",\"outcome\":\"linked\",\"tenant_id\":\"$trey\"}"
expect_eq "customer code of 4004" "$(customer_code 4004)" "$trey"
expect_eq "users created" "$(pc_calls 'POST /v1/customers/{id}/users')" "$users_before"
expect_eq "customers created" "$(pc_calls 'POST /v1/customers')" "$creates_before"

scenario "an account already linked to the tenant is not asked again"
run_workflow "$provision" '{"account_id": 4003}'
expect_code 0
expect_no_line 'asks for confirmation'
expect_line "run finished: succeeded outputs {\"domain\":\"contoso.com\",\"outcome\":\"already linked\",\"tenant_id\":\"$contoso\"}"
expect_eq "sync status of 4003" "$(sync_status 4003)" "Synchronized: Already synchronized with contoso.com."

scenario "a domain taken by a tenant this partner cannot access: a clear failure naming it"
run_workflow "$provision" '{"account_id": 5001}'
expect_code 1
message="The domain fabrikam.onmicrosoft.com belongs to a Microsoft tenant that this partner cannot access. Choose another Domain Prefix; or, if the tenant is your customer and has made a custom domain its primary domain, enter that domain with its suffix (e.g. contoso.com); or ask the tenant's administrator to accept your reseller relationship first."
expect_line "run finished: failed (fail: $message)"
expect_eq "sync status of 5001" "$(sync_status 5001)" "Failed: $message"

# ---- Partner Center faults ------------------------------------------------

scenario "Partner Center answers 503 twice: the create is retried, one tenant"
reset_simulators
curl -sf -X POST "$pc_url/_sim/faults" -d '{"faults": [
  {"kind": "server_error", "method": "POST", "path": "/v1/customers", "count": 2, "status": 503}]}' >/dev/null
run_workflow "$provision" '{"account_id": 1001}'
expect_code 0
expect_eq "create requests" "$(pc_calls 'POST /v1/customers')" 3
expect_eq "northwind tenants" "$(tenant_by_domain northwind.onmicrosoft.com | jq length)" 1
expect_eq "welcome notifications" "$(notifications_to 1001 | wc -l)" 1

scenario "a create that times out after taking the domain: resent with its MS-RequestId, never a second tenant"
reset_simulators
curl -sf -X POST "$pc_url/_sim/faults" -d '{"faults": [
  {"kind": "timeout_after_commit", "method": "POST", "path": "/v1/customers", "count": 1, "delayMs": 50}]}' >/dev/null
run_workflow "$provision" '{"account_id": 1001}'
expect_code 0
tenant=$(tenant_by_domain northwind.onmicrosoft.com)
expect_eq "northwind tenants" "$(jq length <<<"$tenant")" 1
expect_eq "request ids that created it" "$(jq '.[0].createdByRequestIds | length' <<<"$tenant")" 1
expect_eq "customer code of 1001" "$(customer_code 1001)" "$(jq -r '.[0].id' <<<"$tenant")"
expect_eq "welcome notifications" "$(notifications_to 1001 | wc -l)" 1

scenario "Partner Center keeps failing: retried per policy, then a clear failure"
reset_simulators
curl -sf -X POST "$pc_url/_sim/faults" -d '{"faults": [
  {"kind": "server_error", "method": "HEAD", "path": "/v1/domains/*", "status": 503}]}' >/dev/null
run_workflow "$provision" '{"account_id": 1001}'
expect_code 1
expect_eq "domain checks (4 attempts)" "$(pc_calls 'HEAD /v1/domains/{domain}')" 4
expect_line 'run finished: failed (retryable: check domain northwind.onmicrosoft.com: HTTP 503 (code 503))'
expect_eq "sync status of 1001" "$(sync_status 1001)" \
  "Failed: A service did not answer in time (check domain northwind.onmicrosoft.com: HTTP 503). Press Save & Synchronize again later."
expect_eq "creates" "$(pc_calls 'POST /v1/customers')" 0
curl -sf -X DELETE "$pc_url/_sim/faults" >/dev/null

# ---- A solution engineer's edit, with no rebuild -------------------------

scenario "an edited copy: credentials to the reseller, a reworded prerequisite"
reset_simulators
mkdir -p "$work/edited/templates"
cp "$root/workflows/templates/"*.yaml "$work/edited/templates/"
sed -i 's/^to: "{#Accounts.Email#}"$/to: "{#Accounts.ParentAccountEmail#}"/' \
  "$work/edited/templates/welcome-office365.yaml"
grep -q '^to: "{#Accounts.ParentAccountEmail#}"$' "$work/edited/templates/welcome-office365.yaml" ||
  fail "the template's To was not edited"
sed 's/The account has no valid phone number\. Enter one in the Phone field/A phone number is required: fill in the Phone field/' \
  "$provision" >"$work/edited/provision-tenant.yaml"
export BSSFLOW_TEMPLATES_DIR=$work/edited/templates
"$bssflow" validate "$work/edited/provision-tenant.yaml" >/dev/null
run_workflow "$work/edited/provision-tenant.yaml" '{"account_id": 2002}'
expect_code 0
expect_line "  welcome: notification 'welcome-office365' sent to partners@litware.example"
expect_eq "notifications to 2002" "$(notifications_to 2002)" \
  "partners@litware.example|Your Microsoft tenant wideworldimporters.onmicrosoft.com is ready"
run_workflow "$work/edited/provision-tenant.yaml" '{"account_id": 1003}'
expect_code 1
expect_line '    - A phone number is required: fill in the Phone field of the account details page.'
unset BSSFLOW_TEMPLATES_DIR

echo "ok: $scenario_count scenarios of the Microsoft tenant workflows"
