#!/usr/bin/env bash
# Side by side with the Flink peer: runs the peer (../shared/peer-flink: consume, consumer loop, Flink exactly-once)
# and then Pulse's same-work section on the same sizes, on this machine, one after the other, and appends one row
# per size to BENCHMARKS.md ("Side by side with the Flink peer"). Figures only compare within one such run.
#
# Usage: modules/bench/side-by-side.sh [--sizes 1000000,5000000] [--runs 3] [--peer DIR]
#                                      [--full-catalog | --no-full-catalog] [--no-append]
#   --peer DIR   the peer's directory (default: $PEER_FLINK_DIR, else <repo>/../shared/peer-flink)
#   --runs R     runs per job on both sides (Pulse needs at least 3: its figures are medians of >= 3 repetitions)
# Results: bench-results/side-by-side-<UTC stamp>/ (peer-runs.jsonl, peer-results.md, both consoles, the Pulse JSON).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIZES="1000000,5000000"
RUNS=3
PEER="${PEER_FLINK_DIR:-$REPO/../shared/peer-flink}"
FULL_CATALOG=1
APPEND=1

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="${2:?--sizes needs N,N,...}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --peer) PEER="${2:?--peer needs a directory}"; shift 2 ;;
    --full-catalog) FULL_CATALOG=1; shift ;;
    --no-full-catalog) FULL_CATALOG=0; shift ;;
    --no-append) APPEND=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "side-by-side.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if ! [[ "$SIZES" =~ ^[0-9]+(,[0-9]+)*$ ]]; then
  echo "side-by-side.sh: --sizes must be N,N,... (events), got '$SIZES'" >&2; exit 2
fi
if ! [[ "$RUNS" =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 3 ]; then
  echo "side-by-side.sh: --runs must be at least 3 (pulse bench reports medians of >= 3 repetitions), got '$RUNS'" >&2; exit 2
fi
if [ ! -d "$PEER" ] || [ ! -x "$PEER/run.sh" ]; then
  echo "side-by-side.sh: no Flink peer at '$PEER' (expected a directory with an executable run.sh)." >&2
  echo "  Put it at <repo>/../shared/peer-flink, or pass --peer DIR or set PEER_FLINK_DIR." >&2
  exit 2
fi
PEER="$(cd "$PEER" && pwd)"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench-results/side-by-side-$STAMP"
mkdir -p "$REPO/$OUT"

# Other work on the machine skews both sides, and not by the same amount: say so before each part.
load_check() {
  echo "== load before $1: $(uptime)"
  local one
  one="$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages\{0,1\}: *//; s/,.*//')"
  if awk -v l="$one" 'BEGIN { exit !(l > 1) }'; then
    echo "WARNING: 1-minute load average $one is above 1: other work is running, the figures will be skewed." >&2
  fi
}

# The peer rewrites its results/runs.jsonl; the marker tells this run's file from an older one if the peer fails early.
marker="$REPO/$OUT/.peer-started"
touch "$marker"
load_check "the Flink peer ($PEER)"
if ! "$PEER/run.sh" --sizes "$SIZES" --runs "$RUNS" --modes consume,baseline,flink-eos 2>&1 | tee "$REPO/$OUT/peer-console.txt"; then
  echo "side-by-side.sh: the peer's run.sh failed; its console is in $OUT/peer-console.txt" >&2
  exit 1
fi
if [ ! -f "$PEER/results/runs.jsonl" ] || [ ! "$PEER/results/runs.jsonl" -nt "$marker" ]; then
  echo "side-by-side.sh: the peer did not write a new $PEER/results/runs.jsonl" >&2
  exit 1
fi
rm -f "$marker"
cp "$PEER/results/runs.jsonl" "$REPO/$OUT/peer-runs.jsonl"
[ -f "$PEER/results/results.md" ] && cp "$PEER/results/results.md" "$REPO/$OUT/peer-results.md"

pulse_args=(bench --sections same-work --same-work-events "$SIZES" --reps "$RUNS"
  --peer-results "$OUT/peer-runs.jsonl" --output-dir "$OUT")
[ "$FULL_CATALOG" -eq 0 ] && pulse_args+=(--no-same-work-full-catalog)
[ "$APPEND" -eq 0 ] && pulse_args+=(--no-append)

cd "$REPO"
load_check "Pulse's same-work section"
./pulse "${pulse_args[@]}" 2>&1 | tee "$OUT/pulse-console.txt"

echo
echo "Side-by-side results: $REPO/$OUT"
echo "  peer-runs.jsonl, peer-results.md, peer-console.txt: the Flink peer; bench-*.json, pulse-console.txt: Pulse"
if [ "$APPEND" -eq 1 ]; then
  echo "  rows appended to BENCHMARKS.md under '## Side by side with the Flink peer'"
fi
