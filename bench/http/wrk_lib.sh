# shellcheck shell=bash disable=SC2154  # script and bssflow are set by the caller
# What bench/http/wrk.sh and bench/http/serve_wrk.sh share: the load
# settings, the tool check, and one wrk measurement repeated and reduced to
# medians. Source it after setting `script` (the caller's name, for
# messages) and `bssflow` (the executable under test).
#
# Environment: WRK_THREADS (default 2), WRK_CONNECTIONS (64), WRK_DURATION
# (10s), REPETITIONS (3).
threads=${WRK_THREADS:-2}
connections=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
repetitions=${REPETITIONS:-3}

for tool in wrk curl jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "$script: $tool is missing; run scripts/setup" >&2
    exit 2
  fi
done
if [ ! -x "$bssflow" ]; then
  echo "$script: no bssflow at $bssflow; build it or pass its path" >&2
  exit 2
fi

# wrk's latency ("812.00us", "1.23ms", "2.01s") in milliseconds.
to_ms() {
  awk -v t="$1" 'BEGIN {
    if (t ~ /us$/) { sub(/us$/, "", t); printf "%.3f", t / 1000 }
    else if (t ~ /ms$/) { sub(/ms$/, "", t); printf "%.3f", t }
    else if (t ~ /m$/) { sub(/m$/, "", t); printf "%.3f", t * 60000 }
    else { sub(/s$/, "", t); printf "%.3f", t * 1000 } }'
}

# The middle value of the numbers on stdin (the lower middle for an even
# count).
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# wrk_measure NAME URL [wrk args...]: REPETITIONS runs of wrk against URL;
# prints one line with the median requests/s and the median p99. Any non-2xx
# answer or socket error stops the measurement.
wrk_measure() {
  local name=$1 url=$2 out rps=() p99=()
  shift 2
  for ((i = 1; i <= repetitions; i++)); do
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
      echo "$script: errors while loading $url:" >&2
      echo "$out" >&2
      return 1
    fi
    rps+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
    p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
  done
  printf '%-16s %10.0f req/s  p99 %8.2f ms   (runs: %s req/s)\n' "$name" \
    "$(printf '%s\n' "${rps[@]}" | median)" \
    "$(printf '%s\n' "${p99[@]}" | median)" "${rps[*]}"
}

wrk_banner() {
  echo "wrk -t$threads -c$connections -d$duration --latency, median of" \
    "$repetitions runs"
}
