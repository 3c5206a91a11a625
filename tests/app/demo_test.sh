#!/usr/bin/env bash
# `bssflow demo` (the README's main command, scripts/run): every demo
# account, with no configuration, says what happened to it.
#
#   demo_test.sh BSSFLOW
set -euo pipefail
bssflow=$1
out=$("$bssflow" demo --reject 4004)
echo "$out"
expect() {
  grep -qxF -- "$1" <<<"$out" || { echo "missing line: $1" >&2; exit 1; }
}
expect '  MSCSP-CT: created Username, DomainPrefix, ResellerMpnID; fields now: Username, Domain Prefix, Reseller (MPN ID)'
expect '  MSCSP-DIRECT: nothing to create; fields now: Username, Domain Prefix'
expect '    "Welcome Office 365 customer" sent to it@northwind.example'
expect "      - The account has no valid phone number. Enter one in the Phone field of the account details page."
expect '    asked:    "An Account with the same Customer Code already exists in BSS. Please confirm that you want to synchronize this account with the same Customer."'
expect '    answered: confirm (by demo)'
expect '    answered: reject (by demo)'
expect '    rejected: the account stays unlinked; nothing was created'
expect '    already linked to contoso.com'
expect '13 accounts: 1 already linked, 3 created, 2 failed, 1 linked, 5 prerequisites failed, 1 rejected'
grep -qE '^    tenant created: adatum\.onmicrosoft\.com \(tenant [0-9a-f-]{36}\)$' <<<"$out"
echo "ok: bssflow demo"
