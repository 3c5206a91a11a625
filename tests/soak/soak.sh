#!/usr/bin/env bash
# The soak of docs/reliability.md: starts `bssflow sim` and `bssflow serve`
# (SQLite store) as processes of their own on loopback, starts many
# provisioning runs over HTTP across the demo account shapes, answers their
# confirmations, injects Partner Center and BSS faults, SIGKILLs the server
# at random moments and starts it again on the same state directory; then
# checks and prints the invariants (every run final and started once, one
# tenant per create, no domain twice, one welcome notification per new
# tenant to the right recipient, no confirmation lost, complete journals).
#
#   tests/soak/soak.sh BSSFLOW [options]        the CI version: 300 runs, 3 kills
#   tests/soak/soak.sh BSSFLOW --runs 5000 --kills 20    the long version
#   tests/soak/soak.sh --help                   every option
#
# Exit status: 0 every invariant held; 1 one failed (the message names the
# run; the working files are kept); 2 the soak could not run.
# Needs python3 (standard library only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree

case "${1:-}" in
  -h | --help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    echo
    exec python3 "$here/soak_driver.py" --help
    ;;
  "")
    echo "usage: tests/soak/soak.sh BSSFLOW [options]  (--help: every option)" >&2
    exit 2
    ;;
esac
bssflow=$1
shift
[ -x "$bssflow" ] || {
  echo "soak.sh: $bssflow is not an executable" >&2
  exit 2
}
command -v python3 >/dev/null || {
  echo "soak.sh: needs python3 (scripts/setup installs it)" >&2
  exit 2
}

# The soak chooses its own state, workflows and connectors; the templates
# and data files are those of this checkout.
unset BSSFLOW_STATE_DIR BSSFLOW_WORKFLOWS_DIR BSSFLOW_CONNECTORS BSSFLOW_TEMPLATES_DIR
export BSSFLOW_DATA_DIR=${BSSFLOW_DATA_DIR:-$here/../../workflows/data}
exec python3 "$here/soak_driver.py" --bssflow "$bssflow" "$@"
