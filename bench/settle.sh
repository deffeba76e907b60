# bench/run.sh settle: settlement's transfers/s against Stripe's write limit, with duplicates and 429s,
# and reviewer approvals/s with their ledger postings. Sourced by bench/run.sh (which provides
# bench_build, bench_postgres_start, bench_psql, bench_connection, measure_field and run_logged).

bench_settle() {
  local started=$SECONDS
  local workers=${BENCH_SETTLE_WORKERS:-10000}
  local jobs=${BENCH_SETTLE_JOBS:-8}
  local reviewers=${BENCH_SETTLE_REVIEWERS:-8}
  local latency=${BENCH_SETTLE_LATENCY_MS:-20}
  local limit=${BENCH_SETTLE_STRIPE_LIMIT:-100}
  local pace=${BENCH_SETTLE_PACE:-99}
  local parallelism=${BENCH_SETTLE_PARALLELISM:-16}
  local out="$root/bench/out/settle-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  local log="$out/run.log"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Settlement benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  echo "BENCH_SETTLE_WORKERS=$workers BENCH_SETTLE_JOBS=$jobs BENCH_SETTLE_REVIEWERS=$reviewers BENCH_SETTLE_LATENCY_MS=$latency BENCH_SETTLE_STRIPE_LIMIT=$limit BENCH_SETTLE_PACE=$pace BENCH_SETTLE_PARALLELISM=$parallelism; output in ${out#$root/}"

  bench_build

  echo "==> PostgreSQL"
  bench_postgres_start
  bench_psql postgres -c "CREATE DATABASE labelplatform_bench"
  local cs
  cs=$(bench_connection labelplatform_bench "Maximum Pool Size=100")

  echo "==> Seed, approve through reviewer batches, settle against the in-process Stripe emulator"
  run_logged "$log" dotnet "$bench_dll" settle-run --connection "$cs" --storage "$bench_tmp/items" \
    --workers "$workers" --jobs "$jobs" --reviewers "$reviewers" --latency-ms "$latency" \
    --stripe-limit "$limit" --pace "$pace" --parallelism "$parallelism"
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  bench_cleanup

  local line approvals
  line=$(grep '^MEASURE settle ' "$log" | tail -n 1)
  approvals=$(grep '^MEASURE settle_approvals ' "$log" | tail -n 1)
  if [ -z "$line" ] || [ -z "$approvals" ]; then
    echo "The settlement run printed no measurement: no RESULT line." >&2
    return 1
  fi

  echo
  printf '%-44s %s\n' "payouts (written down while sending)" "$(measure_field "$line" payouts) in $(measure_field "$line" seconds) s"
  printf '%-44s %s\n' "paid / refused / left pending" "$(measure_field "$line" paid) / $(measure_field "$line" failed) / $(measure_field "$line" pending)"
  printf '%-44s %s\n' "transfers/s, whole run" "$(measure_field "$line" transfers_per_s) against a limit of $limit/s"
  printf '%-44s %s\n' "duplicate transfers, 429s" "$(measure_field "$line" duplicates), $(measure_field "$line" http_429)"
  printf '%-44s %s\n' "payable or in-transit balances left" "$(measure_field "$line" balances_left)"
  printf '%-44s %s\n' "approvals/s (reviewer batches, paid in-tx)" "$(measure_field "$approvals" approvals_per_s) ($(measure_field "$approvals" batches) batches by $reviewers reviewers)"
  echo "load average before the run: $load_before, at the end: $load_after; took $((SECONDS - started)) s"
  local result
  result=$(printf 'RESULT settle payouts=%s rate_vs_limit=%.2f duplicates=%s http_429=%s approvals_per_s=%.0f' \
    "$(measure_field "$line" payouts)" "$(measure_field "$line" rate_vs_limit)" "$(measure_field "$line" duplicates)" \
    "$(measure_field "$line" http_429)" "$(measure_field "$approvals" approvals_per_s)")
  echo "$result" >"$out/result.txt"
  echo "$result"
}
