#!/usr/bin/env bash
# Kills the engine with SIGKILL in the middle of many runs, again and again,
# then lets it finish, and checks that every run finished exactly once and
# that no call completed before a kill was made again (crash_driver.cc).
#
#   kill_resume_test.sh CRASH_DRIVER [RUNS] [KILLS]
set -euo pipefail
driver=$1
runs=${2:-300}
kills=${3:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
state=$work/state
ledger=$work/ledger

killed=0
for ((round = 1; round <= kills; round++)); do
  "$driver" drive "$state" "$ledger" "$runs" >/dev/null 2>"$work/stderr" &
  pid=$!
  # A random moment within the first quarter second of a drive.
  sleep "0.$(printf '%03d' $((RANDOM % 240 + 10)))"
  if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  { wait "$pid"; } 2>/dev/null || true
done
echo "killed the engine $killed times in $kills drives"
"$driver" drive "$state" "$ledger" "$runs" || {
  cat "$work/stderr" >&2
  exit 1
}
"$driver" verify "$state" "$ledger" "$runs"
