#!/usr/bin/env bash
# End-to-end tests of the hot reload of `bssflow serve` (docs/http-api.md,
# "Hot reload") while runs are in flight, on a copy of workflows/microsoft
# ($BSSFLOW_WORKFLOWS_DIR/microsoft):
#
#   - POST /v1/workflows:reload after an edit: `changed` names the workflow,
#     GET /v1/workflows/{name} shows the new version, a new run starts on it
#     (and asks the new question), a run parked before keeps its version and
#     succeeds once confirmed;
#   - SIGHUP with a broken file: the previous version is still offered and
#     the file's diagnostics are reported under `problems`;
#   - a change in the directory is picked up by itself (inotify), and a file
#     removed takes its workflow with it.
#
# The server watches the directory it was started on. Its path here is a
# symlink, $work/root/microsoft -> wf-a: the edits that must reach the
# server only by POST /v1/workflows:reload or SIGHUP are made in a second
# copy, wf-b, which the symlink is then switched to (the way a deployment
# switches releases). The watched directory, wf-a, does not change, so the
# watcher cannot reload first and make the checks racy.
#
#   serve_reload_test.sh BSSFLOW
#
# Needs curl, jq and openssl.
# jq filters and their $variables are in single quotes.
# shellcheck disable=SC2016
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
source "$here/lib.sh"
http_test_init "$1"

provision=microsoft.provision-tenant
definitions=microsoft.get-services-definitions
contoso=c0000000-0000-4000-8000-000000000001
question_v1="An Account with the same Customer Code already exists in BSS. Please confirm that you want to synchronize this account with the same Customer."
question_v2="An Account with the same Customer Code (v2) already exists in BSS. Please confirm that you want to synchronize this account with the same Customer."

mkdir -p "$work/root"
cp -R "$root/workflows/microsoft" "$work/wf-a"
ln -s ../wf-a "$work/root/microsoft"
dir=$work/root/microsoft
file=$dir/provision-tenant.yaml

version_of() { sha256sum "$1" | cut -d' ' -f1; }
# point_at COPY: switches the symlink atomically (a rename over it).
point_at() {
  ln -s "../$1" "$work/root/microsoft.next"
  mv -T "$work/root/microsoft.next" "$work/root/microsoft"
}
# edit_question COPY TAG: puts TAG in the first line of the question.
edit_question() {
  local copy=$work/$1/provision-tenant.yaml before
  before=$(version_of "$copy")
  sed -i "s/^\( *\)An Account with the same Customer Code already exists\$/\1An Account with the same Customer Code $2 already exists/" "$copy"
  [ "$(version_of "$copy")" != "$before" ] ||
    fail "sed did not change $copy: update this test to the workflow's question"
}
# reloads_logged CAUSE JSON: the workflows that the reloads the log reports
# with that cause changed, all together (an editor's save may come as two
# bursts of changes, hence two reloads), as a JSON array; at least one
# such reload.
reloads_logged() {
  local got
  got=$(jq -c --arg cause "$1" 'select(.event == "workflows_loaded" and .cause == $cause) | .changed' \
    "$server_log" | jq -cs 'add')
  [ "$got" = "$(jq -cn "$2")" ] ||
    fail "the log reports the reloads caused by $1 as changing $got, expected $2"
}
v1=$(version_of "$work/wf-a/provision-tenant.yaml")
definitions_version=$(version_of "$work/wf-a/get-services-definitions.yaml")

BSSFLOW_WORKFLOWS_DIR=$work/root start_server "$work/state"

check "start: the workflows of \$BSSFLOW_WORKFLOWS_DIR/microsoft"
[[ $listen_line == "bssflow serve: listening on $base (2 workflow(s) from $dir; "* ]] ||
  fail "serve printed '$listen_line', expected the workflows of $dir"
request GET /v1/workflows
expect_status 200
expect_json '[.workflows[] | {name, version, file}]' '[
  {"name": "'"$definitions"'", "version": "'"$definitions_version"'", "file": "'"$dir"'/get-services-definitions.yaml"},
  {"name": "'"$provision"'", "version": "'"$v1"'", "file": "'"$file"'"}]'
expect_json .problems '[]'
expect_json '.workflows[1].inputs | map({name, type, required})' \
  '[{"name": "account_id", "type": "int", "required": true}, {"name": "system_code", "type": "string", "required": false}]'

check "a run parked on version 1"
start_run "$provision" '{"inputs": {"account_id": 4002}}'
run_old=$run_id
expect_text .version "$v1"
wait_for_status "$run_old" awaiting_confirmation
expect_text .prompt.message "$question_v1"

check "POST /v1/workflows:reload after an edit: changed names the workflow"
cp -R "$work/wf-a" "$work/wf-b"
edit_question wf-b "(v2)"
v2=$(version_of "$work/wf-b/provision-tenant.yaml")
point_at wf-b
request POST /v1/workflows:reload
expect_status 200
expect_json . '{"workflows": ["'"$definitions"'", "'"$provision"'"], "changed": ["'"$provision"'"], "problems": []}'
request GET "/v1/workflows/$provision"
expect_status 200
expect_text .version "$v2"
expect_text .file "$file"
[ "$(jq -j .definition <<<"$body" | sha256sum | cut -d' ' -f1)" = "$v2" ] ||
  fail "GET /v1/workflows/$provision: the definition is not the edited file"
expect_match .graph '^flowchart TD'
request POST /v1/workflows:reload
expect_status 200
expect_json .changed '[]'

check "a new run starts on the new version, and asks the new question"
start_run "$provision" '{"inputs": {"account_id": 4002}}'
run_new=$run_id
expect_text .version "$v2"
wait_for_status "$run_new" awaiting_confirmation
expect_text .prompt.message "$question_v2"

check "the run parked before keeps version 1, and succeeds once confirmed"
request GET "/v1/runs/$run_old"
expect_status 200
expect_text .version "$v1"
expect_text .prompt.message "$question_v1"
request_json POST "/v1/runs/$run_old/confirmation" '{"decision": "confirm", "by": "alice"}'
expect_status 200
wait_for_status "$run_old" succeeded
expect_text .version "$v1"
expect_json .outputs '{"domain": "contoso.com", "outcome": "linked", "tenant_id": "'"$contoso"'"}'

check "the new run, rejected, succeeds with the outcome rejected"
request_json POST "/v1/runs/$run_new/confirmation" '{"decision": "reject", "by": "bob"}'
expect_status 200
wait_for_status "$run_new" succeeded
expect_text .version "$v2"
expect_text .outputs.outcome rejected
request GET "/v1/runs/$run_new/journal"
expect_status 200
expect_json '[.events[] | select(.type == "confirmation_answered") | .data]' \
  '[{"answer": "reject", "by": "bob"}]'
expect_json '[.events[] | select(.type == "confirmation_requested") | .data.message]' \
  "$(jq -cn --arg m "$question_v2" '[$m]')"

check "SIGHUP with a broken file: the previous version stays, the problem is reported"
printf 'workflow: %s\nversion: 1\nsteps: [\n' "$provision" >"$work/wf-b/provision-tenant.yaml"
kill -HUP "$server_pid"
for _ in $(seq 50); do
  request GET /v1/workflows
  [ "$(jq '.problems | length' <<<"$body")" != 0 ] && break
  sleep 0.1
done
expect_status 200
expect_json '[.workflows[] | {name, version}]' \
  '[{"name": "'"$definitions"'", "version": "'"$definitions_version"'"}, {"name": "'"$provision"'", "version": "'"$v2"'"}]'
expect_json .problems '[{"file": "'"$file"'", "diagnostics": ["'"$file"':4:1: YAML syntax error: end of sequence flow not found\n    \n    ^\n"]}]'
reloads_logged SIGHUP '[]'
request GET "/v1/workflows/$provision"
expect_status 200
expect_text .version "$v2"
start_run "$provision" '{"inputs": {"account_id": 4002}}'
expect_text .version "$v2"
wait_for_status "$run_id" succeeded
expect_text .outputs.outcome "already linked"
request POST /v1/workflows:reload
expect_status 200
expect_json '{changed, problems: (.problems | map(.file))}' '{"changed": [], "problems": ["'"$file"'"]}'

check "a change in the directory is picked up by itself (inotify)"
point_at wf-a
edit_question wf-a "(v3)"
v3=$(version_of "$work/wf-a/provision-tenant.yaml")
for _ in $(seq 100); do
  request GET /v1/workflows
  [ "$(jq -r '.workflows[1].version' <<<"$body")" = "$v3" ] && break
  sleep 0.1
done
expect_json '[.workflows[] | {name, version}]' \
  '[{"name": "'"$definitions"'", "version": "'"$definitions_version"'"}, {"name": "'"$provision"'", "version": "'"$v3"'"}]'
expect_json .problems '[]'
reloads_logged directory '["'"$provision"'"]'

check "a file removed takes its workflow with it"
rm "$work/wf-a/get-services-definitions.yaml"
for _ in $(seq 100); do
  request GET /v1/workflows
  [ "$(jq '.workflows | length' <<<"$body")" = 1 ] && break
  sleep 0.1
done
expect_json '{names: [.workflows[].name], problems}' '{"names": ["'"$provision"'"], "problems": []}'
request GET "/v1/workflows/$definitions"
expect_problem 404 workflow-not-found
request_json POST "/v1/workflows/$definitions/runs" '{}'
expect_problem 404 workflow-not-found

check "SIGTERM: exits 0"
stop_server
passed
