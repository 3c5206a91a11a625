# Sourced by the end-to-end tests: starts `bssflow sim` as a process of its
# own on free loopback ports and writes a connectors file for it.
#
#   source tests/lib/simulators.sh
#   start_simulators BSSFLOW WORK_DIR   # sets pc_url, bss_url, sim_pid and
#                                       # writes WORK_DIR/connectors.yaml
#   stop_simulators                     # in the caller's EXIT trap
#   start_simulators_session BSSFLOW    # both at once: a temporary $work,
#                                       # the simulators started in it, and
#                                       # an EXIT trap that stops them and
#                                       # removes $work
#
# Requires curl and jq for the helpers below.

sim_pid=
pc_url=
bss_url=

start_simulators() {
  local bssflow=$1 work=$2
  "$bssflow" sim --partner-center-port 0 --bss-port 0 \
    >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  # The simulators print their URLs once they listen.
  for _ in $(seq 1 100); do
    grep -q '^bss simulator:' "$work/sim.out" && break
    if ! kill -0 "$sim_pid" 2>/dev/null; then
      echo "bssflow sim exited early:" >&2
      cat "$work/sim.err" >&2
      return 1
    fi
    sleep 0.1
  done
  pc_url=$(sed -n 's/^partner center simulator: *\(http[^ ]*\).*/\1/p' "$work/sim.out")
  bss_url=$(sed -n 's/^bss simulator: *\(http[^ ]*\).*/\1/p' "$work/sim.out")
  if [ -z "$pc_url" ] || [ -z "$bss_url" ]; then
    echo "bssflow sim printed no URLs:" >&2
    cat "$work/sim.out" "$work/sim.err" >&2
    return 1
  fi
  cat >"$work/connectors.yaml" <<YAML
partner_center:
  api_base_url: $pc_url
  login_base_url: $pc_url
  client_id: 0b5f1c0e-5ca1-4e55-9b1e-000000000001
  client_secret: demo-client-secret
  refresh_token: demo-refresh-token
bss:
  base_url: $bss_url
  client_key: bssflow-demo-client
  client_secret: bssflow-demo-secret
  username: integration@bss.example
  password: demo-password
YAML
}

stop_simulators() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=
  fi
}

# Both simulators back to their demo data, no faults.
reset_simulators() {
  curl -sf -X POST "$pc_url/_sim/reset" >/dev/null
  curl -sf -X POST "$bss_url/_sim/reset" >/dev/null
}

pc_state() { curl -sf "$pc_url/_sim/state"; }
bss_state() { curl -sf "$bss_url/_sim/state"; }

start_simulators_session() {
  work=$(mktemp -d)
  trap 'stop_simulators; rm -rf "$work"' EXIT
  unset BSSFLOW_CONNECTORS BSSFLOW_TEMPLATES_DIR
  start_simulators "$1" "$work"
}

# A BSS API token, as the integration user of the demo data.
bss_token() {
  curl -sf -u bssflow-demo-client:bssflow-demo-secret "$bss_url/oauth/token" \
    --data-urlencode grant_type=password \
    --data-urlencode username=integration@bss.example \
    --data-urlencode password=demo-password | jq -r .access_token
}

# set_sync_option ACCOUNT CODE VALUE: "Save" in the Sync Options pop-up.
set_sync_option() {
  curl -sf -X PUT -H "Authorization: Bearer $(bss_token)" \
    -H 'Content-Type: application/json' \
    -d "[{\"Code\": \"$2\", \"Value\": \"$3\"}]" \
    "$bss_url/api/Accounts/$1/syncoptions/MSCSP" >/dev/null
}
