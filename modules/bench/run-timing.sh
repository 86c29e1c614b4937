#!/usr/bin/env bash
# pulse run start-up, restart and memory, measured from outside the way an operator sees them:
#   fresh data dir: launch -> /ready 200, launch -> first IV.3 value served by the API;
#   peak RSS (VmHWM of the java process); SIGTERM -> exit (duration, exit status);
#   restart on the same data dir after that clean stop, and again after a SIGKILL: launch -> /ready, -> first IV.3 value.
# Prints a table (figure, value, DESIGN target, PASS/MISS) and writes bench-results/run-timing-<UTC stamp>.json.
# Uses the jar ./pulse runs (build it first: ./mvnw -o -q -B -DskipTests package -pl modules/app -am).
# Everything on loopback, on ports picked free at start (kept across the restarts of a run).
# Usage: modules/bench/run-timing.sh [--runs N] [--settle S] [--timeout S] [--output-dir DIR] [--keep-data]
set -euo pipefail
# One block, read whole before it runs: editing the file (a checkout, a rebuild) cannot change a running measurement.
{

runs=1            # repetitions of the whole sequence (fresh, clean restart, kill -9 restart); medians printed
settle=20         # seconds the fresh instance keeps running after both readiness figures, before VmHWM is read
timeout=180       # seconds a launch may take to reach /ready and an IV.3 value before the run is abandoned
stop_timeout=30   # seconds SIGTERM may take before the script SIGKILLs (recorded as a failed stop)
keep_data=false
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out_dir="$root/bench-results"

# DESIGN targets
target_first_iv3=8
target_restart_ready=15
target_rss_mib=512

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --output-dir) out_dir="$2"; shift 2 ;;
    --keep-data) keep_data=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
for tool in curl awk; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done

cd "$root"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
load1() { cut -d' ' -f1 /proc/loadavg; }
log() { echo "[run-timing $(date -u +%H:%M:%S)] $*" >&2; }

free_port() {
  # Bind port 0 on loopback and report what the kernel chose (bash has no bind; python3 or perl does).
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1:0")->sockport, "\n"'
  fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/pulse-run-timing.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ] && alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if $keep_data; then log "data and logs kept in $work"; else rm -rf "$work"; fi
}
# A child that exited stays a zombie until waited for: "alive" means not gone and not a zombie.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != "Z" ]; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ./pulse rebuilds when a source is newer than the jar: do that now, outside every measurement.
log "preflight: ./pulse --help and ./pulse run --help (builds the jar only if sources changed)"
./pulse --help >/dev/null
./pulse run --help >/dev/null

load_start="$(load1)"
if awk -v l="$load_start" 'BEGIN { exit !(l > 1) }'; then
  log "WARNING: 1-minute load average is $load_start (> 1 on $(nproc) cores): other work is running, the figures are skewed"
fi
java_opts="${PULSE_JAVA_OPTS:-(pulse default)}"

# launch PHASE: starts ./pulse run in the background on $data with the run's ports; sets pid and t_launch.
launch() {
  local phase="$1"
  t_launch="$(now_ms)"
  ./pulse run --data-dir "$data" \
      --set "http.port=$http_port" --set "embedded.kafka.port=$kafka_port" \
      --set "embedded.schema.registry.port=$registry_port" --set "embedded.mqtt.port=$mqtt_port" \
      --set "ingest.push.http.port=$push_port" --set "safety.push.http.port=$safety_port" \
      --set "management.http.port=$mgmt_port" \
      >"$work/run$run-$phase.log" 2>&1 &
  pid=$!
}

# rebuilt_during: ./pulse rebuilt the jar inside a timed launch (a source changed while the script ran): figure void.
rebuilt_during() {
  if grep -q "^Building Kraków Pulse" "$work/run$run-$1.log"; then
    log "$1: ./pulse rebuilt the jar during the timed launch (a source changed while measuring): figures void"
    keep_data=true; exit 1
  fi
}

# await_ready: polls every 100 ms until /ready is 200 and the IV.3 endpoint serves a numeric value;
# sets ready_ms and iv3_ms (ms after launch). Fails when the process dies or the timeout passes.
await_ready() {
  local phase="$1" t body code
  ready_ms=""; iv3_ms=""
  local deadline=$(( t_launch + timeout * 1000 ))
  while [ -z "$ready_ms" ] || [ -z "$iv3_ms" ]; do
    if ! alive "$pid"; then
      log "$phase: pulse run (pid $pid) exited before it was ready; log: $work/run$run-$phase.log"
      tail -n 30 "$work/run$run-$phase.log" >&2; keep_data=true; exit 1
    fi
    if [ -z "$ready_ms" ]; then
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/ready" || true)"
      t="$(now_ms)"
      [ "$code" = "200" ] && ready_ms=$(( t - t_launch ))
    fi
    if [ -z "$iv3_ms" ]; then
      body="$(curl -s --max-time 2 "$base/api/v1/goals/IV.3/indicators" || true)"
      t="$(now_ms)"
      # A value, not a placeholder: "value": followed by a number (null while an indicator has none).
      if grep -qE '"value":[[:space:]]*-?[0-9]' <<<"$body"; then iv3_ms=$(( t - t_launch )); fi
    fi
    if [ "$(now_ms)" -gt "$deadline" ]; then
      log "$phase: not ready after ${timeout} s (ready: ${ready_ms:-no}, IV.3: ${iv3_ms:-no}); log: $work/run$run-$phase.log"
      keep_data=true; exit 1
    fi
    sleep 0.1
  done
  rebuilt_during "$phase"
  log "$phase: /ready 200 after $(secs "$ready_ms") s, first IV.3 value after $(secs "$iv3_ms") s"
}

# vmhwm: peak resident set of the java process, MiB. ./pulse execs java, so $! is the JVM itself.
vmhwm() {
  local exe
  exe="$(readlink "/proc/$pid/exe" || true)"
  case "$exe" in
    */java) ;;
    *) log "pid $pid is $exe, not java: the RSS figure would be the wrapper's"; keep_data=true; exit 1 ;;
  esac
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
}

# stop SIGNAL: sends it and waits for the exit; sets stop_ms and stop_rc (SIGKILLed after stop_timeout: rc 137, stop_ms empty).
stop() {
  local sig="$1" t0
  t0="$(now_ms)"
  kill "-$sig" "$pid"
  while alive "$pid" && [ $(( $(now_ms) - t0 )) -lt $(( stop_timeout * 1000 )) ]; do sleep 0.05; done
  stop_ms=$(( $(now_ms) - t0 ))
  if alive "$pid"; then log "no exit ${stop_timeout} s after SIG$sig: SIGKILL"; kill -KILL "$pid"; stop_ms=""; fi
  stop_rc=0; { wait "$pid"; } 2>/dev/null || stop_rc=$?
  pid=""
}

declare -a fresh_ready fresh_iv3 rss term_ms term_rc term2_ms term2_rc clean_ready clean_iv3 kill_ready kill_iv3
for run in $(seq 1 "$runs"); do
  data="$work/data-$run"
  mkdir -p "$data"
  http_port="$(free_port)"; kafka_port="$(free_port)"; registry_port="$(free_port)"; mqtt_port="$(free_port)"
  push_port="$(free_port)"; safety_port="$(free_port)"; mgmt_port="$(free_port)"
  base="http://127.0.0.1:$http_port"
  log "run $run/$runs: data dir $data, HTTP $base, load $(load1)"

  # a-c: fresh data dir
  launch fresh; await_ready fresh
  fresh_ready+=("$ready_ms"); fresh_iv3+=("$iv3_ms")
  sleep "$settle"
  peak="$(vmhwm)"
  # d: clean stop
  stop TERM
  term_ms+=("${stop_ms:-}"); term_rc+=("$stop_rc")
  log "fresh: VmHWM $peak MiB; SIGTERM -> exit $stop_rc after $(secs "${stop_ms:-0}") s"

  # e: restart after the clean stop
  launch clean; await_ready clean
  clean_ready+=("$ready_ms"); clean_iv3+=("$iv3_ms")
  sleep 5
  peak="$(awk -v a="$peak" -v b="$(vmhwm)" 'BEGIN { print (a > b ? a : b) }')"
  # f: SIGKILL, restart again
  stop KILL
  launch kill9; await_ready kill9
  kill_ready+=("$ready_ms"); kill_iv3+=("$iv3_ms")
  sleep 5
  peak="$(awk -v a="$peak" -v b="$(vmhwm)" 'BEGIN { print (a > b ? a : b) }')"
  stop TERM
  term2_ms+=("${stop_ms:-}"); term2_rc+=("$stop_rc")
  log "kill9: SIGTERM -> exit $stop_rc after $(secs "${stop_ms:-0}") s"
  rss+=("$peak")
  log "run $run: peak RSS $peak MiB (max VmHWM of the three processes)"
  $keep_data || rm -rf "$data"
done
load_end="$(load1)"

# --- report -------------------------------------------------------------------------------------
# stats VALUES...: "median min max" (median of an even count: mean of the middle two).
stats() {
  printf '%s\n' "$@" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "null null null"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[1], v[NR] }'
}
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out_dir"
json="$out_dir/run-timing-$stamp.json"
rows=""
table() {  # NAME KEY UNIT DIVISOR TARGET SAMPLES...
  local name="$1" key="$2" unit="$3" div="$4" target="$5"; shift 5
  local s median min max verdict samples
  s="$(stats "$@")"; read -r median min max <<<"$s"
  median="$(awk -v v="$median" -v d="$div" 'BEGIN { if (v == "null") print "null"; else printf "%.2f", v / d }')"
  min="$(awk -v v="$min" -v d="$div" 'BEGIN { if (v == "null") print "null"; else printf "%.2f", v / d }')"
  max="$(awk -v v="$max" -v d="$div" 'BEGIN { if (v == "null") print "null"; else printf "%.2f", v / d }')"
  verdict="-"
  if [ "$target" != "-" ] && [ "$median" != "null" ]; then
    verdict="$(awk -v v="$median" -v t="$target" 'BEGIN { print (v <= t ? "PASS" : "MISS") }')"
  fi
  local shown="$median"; [ "$runs" -gt 1 ] && shown="$median ($min-$max)"
  printf '%-46s %-28s %-12s %s\n' "$name" "$shown $unit" "$( [ "$target" = - ] && echo - || echo "<= $target $unit")" "$verdict"
  samples="$(printf '%s\n' "$@" | awk -v d="$div" '{ printf "%s%s", (NR > 1 ? "," : ""), ($1 == "" ? "null" : sprintf("%.3f", $1 / d)) }')"
  rows+="${rows:+,
}    {\"figure\": \"$key\", \"description\": \"$name\", \"unit\": \"$unit\", \"median\": $median, \"min\": $min, \"max\": $max, \"target\": $( [ "$target" = - ] && echo null || echo "$target"), \"verdict\": \"$verdict\", \"samples\": [$samples]}"
}

echo
echo "pulse run start-up, restart and memory — $runs run(s), $(nproc) cores, load $load_start → $load_end$( [ "$runs" -gt 1 ] && echo ', median (min–max)')"
printf '%-46s %-28s %-12s %s\n' "figure" "measured" "target" ""
table "fresh: launch -> /ready 200"                  fresh_ready s 1000 - "${fresh_ready[@]}"
table "fresh: launch -> first IV.3 value (API)"      fresh_first_iv3 s 1000 "$target_first_iv3" "${fresh_iv3[@]}"
table "SIGTERM -> exit"                              sigterm_exit s 1000 - "${term_ms[@]}"
table "SIGTERM -> exit (after the kill -9 restart)"   sigterm_exit_after_restart s 1000 - "${term2_ms[@]}"
table "restart after clean stop: -> /ready 200"      restart_clean_ready s 1000 "$target_restart_ready" "${clean_ready[@]}"
table "restart after clean stop: -> first IV.3"      restart_clean_first_iv3 s 1000 "$target_restart_ready" "${clean_iv3[@]}"
table "restart after kill -9: -> /ready 200"         restart_kill_ready s 1000 "$target_restart_ready" "${kill_ready[@]}"
table "restart after kill -9: -> first IV.3"         restart_kill_first_iv3 s 1000 "$target_restart_ready" "${kill_iv3[@]}"
table "peak RSS (VmHWM, max of the 3 processes)"     peak_rss MiB 1 "$target_rss_mib" "${rss[@]}"
echo "SIGTERM exit status: fresh instance ${term_rc[*]}; after the kill -9 restart ${term2_rc[*]} (0 expected)"
if awk -v l="$load_start" -v e="$load_end" 'BEGIN { exit !(l > 1 || e > 1) }'; then
  echo "WARNING: 1-minute load average above 1 ($load_start at start, $load_end at end): other work ran, the figures are skewed"
fi

cat >"$json" <<EOF
{
  "tool": "modules/bench/run-timing.sh",
  "utc": "$stamp",
  "git_commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
  "runs": $runs,
  "settle_seconds": $settle,
  "cores": $(nproc),
  "load_avg_1m_start": $load_start,
  "load_avg_1m_end": $load_end,
  "java_opts": "$java_opts",
  "sigterm_exit_status": [$(IFS=,; echo "${term_rc[*]}")],
  "sigterm_exit_status_after_kill_restart": [$(IFS=,; echo "${term2_rc[*]}")],
  "figures": [
$rows
  ]
}
EOF
echo "JSON: $json"
exit 0
}
