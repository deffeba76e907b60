#!/usr/bin/env bash
# bench/run.sh NAME: the one entry point for the project's benchmarks (see bench/README.md).
# Each benchmark builds in Release, starts what it needs on this machine, prints a table for
# people and ends with exactly one line for programs: "RESULT NAME key=value ...".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source .ci/postgres.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat >&2 <<'USAGE'
usage: bench/run.sh NAME
  aggregate
          majority vote and Dawid–Skene over 1,000,000 simulated answers (100,000 items × 10
          workers): seconds, memory, accuracy; then a recorded job (a crowd with spammers and a
          miscalibrated model) replayed through labelling policies, the default one by the
          labelplatform tool: answers bought per item and accuracy. No database.
          Environment: BENCH_AGG_ITEMS (100000), BENCH_AGG_ANSWERS_PER_ITEM (10),
          BENCH_AGG_COST_ITEMS (20000), BENCH_AGG_SEED (42).
  queue   claim+submit cycles/s and claim latency at 50, 200 and 1000 simulated workers over
          1M completed assignments, beside Hangfire.PostgreSql, Graphile Worker and pgbench.
          Environment: BENCH_SECONDS (15), BENCH_HISTORY (1000000), BENCH_WORKERS ("50 200 1000"),
          BENCH_OPEN_ITEMS (500000), BENCH_WARMUP (3), BENCH_POOL (200), BENCH_HANGFIRE_JOBS (5000).
  workspace
          the worker's labelling page in Chromium: submit-to-next-item time (p50/p95) for
          classification, and the box editor's frame time while dragging a box among 500 on a
          4000x3000 image. Environment: BENCH_ITEMS (200), BENCH_WARMUP (10), BENCH_THINK_MS (100),
          BENCH_BOXES (500), BENCH_DRAG_SECONDS (3), BENCH_VIEWPORT ("1920x1080").
  review  the review worker's images/s end to end (lock answers, read model-sized input copies,
          infer MobileNet on CPU, save verdicts) beside bare ONNX Runtime inference of the same
          batches, at batch sizes 1, 16 and 64. Environment: BENCH_REVIEW_ITEMS (256),
          BENCH_REVIEW_ANSWERS_PER_ITEM (8), BENCH_REVIEW_BATCHES ("1 16 64"),
          BENCH_REVIEW_THREADS (nproc), BENCH_REVIEW_COLD (1: also batch 64 without the copies),
          BENCH_REVIEW_ROUNDS (16).
  settle  settlement through the Stripe emulator (in-process, 20 ms latency) under Stripe's documented
          limits: 10,000 payouts in live mode (100 requests/s, 25/s per endpoint), 2,000 in test
          mode (25/s in all), 2,000 with half the funds pending; request rate against the binding
          limit, duplicate transfers, 429s, wrongly failed payouts; and reviewer approvals/s with
          their ledger postings (batches of 50 decided by 8 reviewers at once).
          Environment: BENCH_SETTLE_WORKERS (10000), BENCH_SETTLE_TEST_WORKERS (2000),
          BENCH_SETTLE_PENDING_WORKERS (2000), BENCH_SETTLE_JOBS (8), BENCH_SETTLE_REVIEWERS (8),
          BENCH_SETTLE_LATENCY_MS (20), BENCH_SETTLE_PARALLELISM (16).
  export  a finished box job of 1,000,000 settled items (three answers each) exported in COCO, YOLO,
          Pascal VOC, CSV and JSON Lines by the product's streamed export: items/s per format and the
          process's peak resident memory. Environment: BENCH_EXPORT_ITEMS (1000000),
          BENCH_EXPORT_ANSWERS_PER_ITEM (3).
USAGE
}

# --- shared by every benchmark -------------------------------------------------------------

bench_dll="$root/bench/LabelPlatform.Bench/bin/Release/net10.0/LabelPlatform.Bench.dll"
pgdata=""
bench_tmp=""
bench_pids=() # processes a benchmark started in the background (a web app); stopped by bench_cleanup

bench_build() {
  command -v dotnet >/dev/null || { echo "The .NET SDK is required (see global.json)." >&2; exit 1; }
  echo "==> Build (Release)"
  dotnet build "$root/bench/LabelPlatform.Bench" -c Release -nologo -v q -clp:ErrorsOnly
}

# A private cluster with durable commits (fsync, synchronous_commit and full-page writes on, as in
# production) and room for the benchmark: big shared buffers, many connections, no checkpoint
# forced by WAL volume during a measurement. Planner costs stay at their defaults.
bench_postgres_start() {
  ensure_postgres_installed
  bench_tmp=$(mktemp -d /tmp/labelplatform-bench.XXXXXX)
  chmod 755 "$bench_tmp"
  pgdata="$bench_tmp/pg"
  pgport=$(free_port 27432)
  local preload=""
  [ -f "$(dirname "$(pg_bin)")/lib/pg_stat_statements.so" ] && preload="-c shared_preload_libraries=pg_stat_statements"
  start_cluster "$pgdata" "$pgport" "-c fsync=on -c synchronous_commit=on -c full_page_writes=on \
    -c shared_buffers=1GB -c max_connections=400 -c max_wal_size=8GB -c min_wal_size=1GB \
    -c checkpoint_timeout=30min -c maintenance_work_mem=512MB -c work_mem=16MB -c effective_cache_size=8GB $preload"
  echo "PostgreSQL $(bench_psql postgres -tAc 'SHOW server_version' | cut -d' ' -f1) on port $pgport ($pgdata)"
}

bench_cleanup() {
  trap '' INT TERM PIPE
  trap - EXIT
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bench_pids=()
  [ -n "$pgdata" ] && stop_cluster "$pgdata"
  [ -n "$bench_tmp" ] && rm -rf "$bench_tmp"
  pgdata=""
  bench_tmp=""
}

bench_psql() {
  local db=$1
  shift
  "$(pg_bin)/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d "$db" -v ON_ERROR_STOP=1 -q "$@"
}

bench_connection() {
  echo "Host=127.0.0.1;Port=$pgport;Username=postgres;Database=$1${2:+;$2}"
}

# measure_field "MEASURE name k=v ..." KEY → v
measure_field() {
  tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

# run_logged LOG COMMAND...: runs a step, shows its output indented, keeps it in LOG.
run_logged() {
  local log=$1
  shift
  "$@" 2>&1 | tee -a "$log" | sed 's/^/    /'
  return "${PIPESTATUS[0]}"
}

# --- benchmarks -----------------------------------------------------------------------------

name=${1:-}
case "$name" in
  aggregate)
    source "$root/bench/aggregate.sh"
    bench_aggregate
    ;;
  queue)
    source "$root/bench/queue.sh"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    bench_queue
    ;;
  workspace)
    source "$root/bench/workspace.sh"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    bench_workspace
    ;;
  review)
    source "$root/bench/review.sh"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    bench_review
    ;;
  settle)
    source "$root/bench/settle.sh"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    bench_settle
    ;;
  export)
    source "$root/bench/export.sh"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    bench_export
    ;;
  *)
    usage
    exit 2
    ;;
esac
