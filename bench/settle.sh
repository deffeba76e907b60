# bench/run.sh settle: settlement's request rate against Stripe's documented limits in live and test
# mode and with half the funds pending, with duplicates, 429s and wrongly failed payouts, and reviewer
# approvals/s with their ledger postings. Sourced by bench/run.sh (which provides
# bench_build, bench_postgres_start, bench_psql, bench_connection, measure_field and run_logged).

bench_settle() {
  local started=$SECONDS
  local workers=${BENCH_SETTLE_WORKERS:-10000}
  local test_workers=${BENCH_SETTLE_TEST_WORKERS:-2000}
  local pending_workers=${BENCH_SETTLE_PENDING_WORKERS:-2000}
  local jobs=${BENCH_SETTLE_JOBS:-8}
  local reviewers=${BENCH_SETTLE_REVIEWERS:-8}
  local latency=${BENCH_SETTLE_LATENCY_MS:-20}
  local parallelism=${BENCH_SETTLE_PARALLELISM:-16}
  local out="$root/bench/out/settle-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Settlement benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  echo "BENCH_SETTLE_WORKERS=$workers BENCH_SETTLE_TEST_WORKERS=$test_workers BENCH_SETTLE_PENDING_WORKERS=$pending_workers BENCH_SETTLE_JOBS=$jobs BENCH_SETTLE_REVIEWERS=$reviewers BENCH_SETTLE_LATENCY_MS=$latency BENCH_SETTLE_PARALLELISM=$parallelism; output in ${out#$root/}"

  bench_build

  echo "==> PostgreSQL"
  bench_postgres_start

  # One fresh database and emulator per run: live mode, test mode, live mode with half the funds pending.
  local run name mode count share
  for run in "live live $workers 0" "test test $test_workers 0" "pending live $pending_workers 0.5"; do
    read -r name mode count share <<<"$run"
    echo "==> $name: $count payouts in $mode mode$([ "$share" != 0 ] && echo ", half the funds pending")"
    bench_psql postgres -c "CREATE DATABASE labelplatform_bench_$name"
    run_logged "$out/$name.log" dotnet "$bench_dll" settle-run --connection "$(bench_connection "labelplatform_bench_$name" "Maximum Pool Size=100")" \
      --storage "$bench_tmp/items-$name" --workers "$count" --jobs "$jobs" --reviewers "$reviewers" --latency-ms "$latency" \
      --mode "$mode" --pending-share "$share" --parallelism "$parallelism"
  done
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  bench_cleanup

  local live test pending approvals
  live=$(grep '^MEASURE settle ' "$out/live.log" | tail -n 1)
  test=$(grep '^MEASURE settle ' "$out/test.log" | tail -n 1)
  pending=$(grep '^MEASURE settle ' "$out/pending.log" | tail -n 1)
  approvals=$(grep '^MEASURE settle_approvals ' "$out/live.log" | tail -n 1)
  if [ -z "$live" ] || [ -z "$test" ] || [ -z "$pending" ] || [ -z "$approvals" ]; then
    echo "A settlement run printed no measurement: no RESULT line." >&2
    return 1
  fi

  local sum_duplicates=0 sum_429=0 sum_failed=0 line names=(live test pending) i=0
  echo
  for line in "$live" "$test" "$pending"; do
    printf '%-8s %-5s %6s payouts in %6s s: paid %s, waiting for funds %s then paid %s; %s requests; rate vs binding limit %.2f (global %.2f, busiest endpoint %.2f); duplicates %s, 429s %s, failed %s\n' \
      "${names[$i]}" "$(measure_field "$line" mode)" "$(measure_field "$line" payouts)" "$(measure_field "$line" seconds)" "$(measure_field "$line" paid)" \
      "$(measure_field "$line" waiting)" "$(measure_field "$line" paid_later)" "$(measure_field "$line" requests)" "$(measure_field "$line" rate_vs_limit)" \
      "$(measure_field "$line" global_vs_limit)" "$(measure_field "$line" endpoint_vs_limit)" "$(measure_field "$line" duplicates)" \
      "$(measure_field "$line" http_429)" "$(measure_field "$line" wrongly_failed)"
    sum_duplicates=$((sum_duplicates + $(measure_field "$line" duplicates)))
    sum_429=$((sum_429 + $(measure_field "$line" http_429)))
    sum_failed=$((sum_failed + $(measure_field "$line" wrongly_failed)))
    i=$((i + 1))
  done
  printf '%-44s %s\n' "approvals/s (reviewer batches, paid in-tx)" "$(measure_field "$approvals" approvals_per_s) ($(measure_field "$approvals" batches) batches by $reviewers reviewers)"
  echo "load average before the runs: $load_before, at the end: $load_after; took $((SECONDS - started)) s"
  local result
  result=$(printf 'RESULT settle payouts=%s rate_vs_limit=%.2f test_mode_rate_vs_limit=%.2f duplicates=%s http_429=%s wrongly_failed=%s approvals_per_s=%.0f' \
    "$(measure_field "$live" payouts)" "$(measure_field "$live" rate_vs_limit)" "$(measure_field "$test" rate_vs_limit)" \
    "$sum_duplicates" "$sum_429" "$sum_failed" "$(measure_field "$approvals" approvals_per_s)")
  echo "$result" >"$out/result.txt"
  echo "$result"
}
