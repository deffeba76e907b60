#!/usr/bin/env bash
# bench/smoke.sh: every benchmark once at tiny sizes (seconds each, the same code path), so a change
# that breaks a benchmark fails ./test.sh instead of being found months later. Each must end with its
# RESULT line; the figures of a smoke run mean nothing. The queue's Graphile Worker peer is left out
# (it needs npm and the network); everything else runs as in a full run.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
# smoke NAME [MUST=KEY=VALUE ...] [ENV=VALUE ...]: a MUST= argument is a key=value the RESULT line has to
# carry (the queue's exactly-once and paid-once checks hold even at tiny sizes).
smoke() {
  local name=$1
  shift
  local musts=()
  while [[ "${1:-}" == MUST=* ]]; do
    musts+=("${1#MUST=}")
    shift
  done
  local log
  log=$(mktemp /tmp/labelplatform-smoke.XXXXXX)
  local started=$SECONDS
  env "$@" bench/run.sh "$name" >"$log" 2>&1
  local rc=$?
  local result
  result=$(tail -n 1 "$log")
  local must missing=""
  for must in "${musts[@]}"; do
    [[ " $result " == *" $must "* ]] || missing="$missing $must"
  done
  if [ "$rc" -ne 0 ] || [[ "$result" != "RESULT $name "* ]] || [ -n "$missing" ]; then
    [ -z "$missing" ] || echo "FAILED  bench/run.sh $name: its RESULT line lacks$missing: $result"
    echo "FAILED  bench/run.sh $name (exit $rc); its last lines:"
    tail -n 30 "$log" | sed 's/^/    /'
    failed+=("$name")
  else
    echo "ok      bench/run.sh $name in $((SECONDS - started)) s: $result"
  fi
  rm -f "$log"
}

smoke aggregate BENCH_AGG_ITEMS=2000 BENCH_AGG_COST_ITEMS=500
smoke queue MUST=double_assigned=0 MUST=paid_exactly_once=1 BENCH_SECONDS=2 BENCH_WARMUP=1 BENCH_HISTORY=2000 BENCH_OPEN_ITEMS=30000 BENCH_WORKERS=200 BENCH_POOL=50 \
  BENCH_HANGFIRE_JOBS=200 BENCH_QUEUE_GRAPHILE=0
smoke workspace BENCH_ITEMS=5 BENCH_WARMUP=1 BENCH_BOXES=20 BENCH_DRAG_SECONDS=1
smoke review BENCH_REVIEW_ITEMS=16 BENCH_REVIEW_ANSWERS_PER_ITEM=2 BENCH_REVIEW_BATCHES="1 64" BENCH_REVIEW_ROUNDS=1 BENCH_REVIEW_COLD=0
smoke settle BENCH_SETTLE_WORKERS=60 BENCH_SETTLE_TEST_WORKERS=30 BENCH_SETTLE_PENDING_WORKERS=30 BENCH_SETTLE_JOBS=2 BENCH_SETTLE_REVIEWERS=2
smoke export BENCH_EXPORT_ITEMS=3000

if [ ${#failed[@]} -gt 0 ]; then
  echo "Benchmarks that no longer run: ${failed[*]}"
  exit 1
fi
