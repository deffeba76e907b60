# bench/run.sh queue: the task queue against its peers. Sourced by bench/run.sh (which provides
# bench_build, bench_postgres_start, bench_psql, bench_connection, measure_field, run_logged).

bench_queue() {
  local started=$SECONDS
  local seconds=${BENCH_SECONDS:-15}
  local history=${BENCH_HISTORY:-1000000}
  local open_items=${BENCH_OPEN_ITEMS:-500000}
  local workers_list=${BENCH_WORKERS:-"50 200 1000"}
  local warmup=${BENCH_WARMUP:-3}
  local pool=${BENCH_POOL:-200}
  local hangfire_cap=${BENCH_HANGFIRE_JOBS:-5000}
  # 0 leaves out the Graphile Worker peer (and with it Node.js and npm): the smoke run in ./test.sh.
  local with_graphile=${BENCH_QUEUE_GRAPHILE:-1}
  local out="$root/bench/out/queue-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  local log="$out/run.log"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Queue benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine is busy (1-minute load ${load_before%% *} on $(nproc) cores); the figures will be low and noisy."
  fi
  echo "BENCH_SECONDS=$seconds BENCH_HISTORY=$history BENCH_WORKERS=\"$workers_list\" BENCH_OPEN_ITEMS=$open_items BENCH_POOL=$pool; output in ${out#$root/}"

  queue_install_tools "$with_graphile"
  bench_build
  if [ "$with_graphile" != 0 ]; then
    echo "==> Graphile Worker (npm ci)"
    (cd "$root/bench/graphile" && { [ -d node_modules/graphile-worker ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
  fi

  echo "==> PostgreSQL"
  bench_postgres_start
  local db
  for db in labelplatform_bench hangfire_bench graphile_plain graphile_local pgbench_bench; do
    bench_psql postgres -c "CREATE DATABASE $db"
  done
  local have_pgss=0
  if bench_psql labelplatform_bench -c "CREATE EXTENSION pg_stat_statements" 2>/dev/null; then have_pgss=1; fi
  local cs
  # A long pool wait is measured as claim latency, not turned into a timeout error that hides it.
  cs=$(bench_connection labelplatform_bench "Maximum Pool Size=$pool;Timeout=300;Command Timeout=300")

  echo "==> Seeding: $history completed assignments, $open_items open items"
  run_logged "$log" dotnet "$bench_dll" queue-prepare --connection "$cs" --history "$history" --open-items "$open_items"

  echo "==> Claim plan with the history in place, before the load runs"
  run_logged "$log" dotnet "$bench_dll" queue-explain --connection "$cs" --label fresh --out "$out/plans-fresh.txt"

  local w line
  declare -A cps p50 p99 errs
  for w in $workers_list; do
    echo "==> Ours: $w workers, ${warmup}s warm-up + ${seconds}s"
    # Each measurement starts from vacuumed tables, as pgbench starts its own runs (and as
    # autovacuum leaves them between bursts): the previous measurement's dead rows are not this one's.
    bench_psql labelplatform_bench -c "VACUUM ANALYZE items, assignments"
    bench_psql labelplatform_bench -c "CHECKPOINT"
    [ "$have_pgss" = 1 ] && bench_psql labelplatform_bench -tAc "SELECT pg_stat_statements_reset()" >/dev/null
    run_logged "$log" dotnet "$bench_dll" queue-run --connection "$cs" --workers "$w" --seconds "$seconds" --warmup "$warmup"
    line=$(grep "^MEASURE ours workers=$w " "$log" | tail -n 1)
    cps[$w]=$(measure_field "$line" cycles_per_s)
    p50[$w]=$(measure_field "$line" p50_claim_ms)
    p99[$w]=$(measure_field "$line" p99_claim_ms)
    errs[$w]=$(measure_field "$line" errors)
    [ "$have_pgss" = 1 ] && queue_top_statements "$out/statements-$w.txt"
  done

  echo "==> Exactly-once check"
  run_logged "$log" dotnet "$bench_dll" queue-check --connection "$cs"
  local check
  check=$(grep '^MEASURE check ' "$log" | tail -n 1)

  echo "==> Claim plan with the history in place, after the load runs"
  run_logged "$log" dotnet "$bench_dll" queue-explain --connection "$cs" --label after-runs --out "$out/plans-after-runs.txt"
  local plan_fresh plan_after
  plan_fresh=$(measure_field "$(grep '^MEASURE plan label=fresh ' "$log" | tail -n 1)" claim_statement_ms)
  plan_after=$(measure_field "$(grep '^MEASURE plan label=after-runs ' "$log" | tail -n 1)" claim_statement_ms)

  # The peers drain as many no-op jobs as we completed at 200 workers, but at least 100,000 (so a
  # batched Graphile run lasts long enough to time) and at most 300,000; each drain is timed to
  # the end of its queue or to BENCH_SECONDS, whichever comes first. Hangfire enqueues through its
  # client at only a few hundred jobs/s, so it gets at most BENCH_HANGFIRE_JOBS: more than it
  # drains in the window.
  local ref=${cps[200]:-${cps[$(tr ' ' '\n' <<<"$workers_list" | tail -n 1)]}}
  local peer_jobs hangfire_jobs
  peer_jobs=$(awk -v c="$ref" -v s="$seconds" 'BEGIN { n = int(c * s); if (n < 100000) n = 100000; if (n > 300000) n = 300000; print n }')
  hangfire_jobs=$((peer_jobs < hangfire_cap ? peer_jobs : hangfire_cap))

  echo "==> Hangfire.PostgreSql: $hangfire_jobs no-op jobs, 50 workers"
  bench_psql postgres -c "CHECKPOINT"
  run_logged "$log" dotnet "$bench_dll" hangfire --connection "$(bench_connection hangfire_bench)" \
    --jobs "$hangfire_jobs" --workers 50 --seconds "$seconds"
  local hangfire
  hangfire=$(measure_field "$(grep '^MEASURE hangfire ' "$log" | tail -n 1)" jobs_per_s)

  local mode
  declare -A graphile=([plain]=0 [local]=0)
  for mode in plain local; do
    [ "$with_graphile" != 0 ] || break
    echo "==> Graphile Worker ($mode): $peer_jobs no-op jobs, concurrency 50"
    bench_psql postgres -c "CHECKPOINT"
    run_logged "$log" env DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/graphile_$mode" \
      node "$root/bench/graphile/drain.mjs" "$mode" "$peer_jobs" "$seconds"
    graphile[$mode]=$(measure_field "$(grep "^MEASURE graphile_$mode " "$log" | tail -n 1)" jobs_per_s)
  done

  echo "==> pgbench: one-row UPDATE by primary key"
  bench_psql pgbench_bench -c "CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
    INSERT INTO bench_counter (id) SELECT generate_series(1, 10000);"
  bench_psql pgbench_bench -c "VACUUM ANALYZE bench_counter"
  printf '%s\n' '\set id random(1, 10000)' 'UPDATE bench_counter SET n = n + 1 WHERE id = :id;' >"$out/pgbench.sql"
  local clients
  declare -A pgb
  for clients in 50 200; do
    bench_psql postgres -c "CHECKPOINT"
    run_logged "$log" "$(pg_bin)/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -c "$clients" -j 2 -T "$seconds" \
      -f "$out/pgbench.sql" pgbench_bench
    pgb[$clients]=$(grep -E '^tps = ' "$log" | tail -n 1 | sed -E 's/^tps = ([0-9.]+).*/\1/')
  done

  bench_cleanup

  echo
  echo "Queue benchmark: $(nproc) cores, durable commits (fsync, synchronous_commit on), $history completed assignments in the tables, ${seconds}s per measurement"
  echo
  printf '%-44s %12s %13s %13s\n' "measurement" "per second" "p50 claim ms" "p99 claim ms"
  printf '%-44s %12s %13s %13s\n' "--------------------------------------------" "------------" "-------------" "-------------"
  for w in $workers_list; do
    printf '%-44s %12.0f %13.2f %13.2f\n' "ours: claim+submit cycles, $w workers" "${cps[$w]}" "${p50[$w]}" "${p99[$w]}"
  done
  printf '%-44s %12.0f %13s %13s\n' "Hangfire.PostgreSql no-op jobs, 50 workers" "$hangfire" "-" "-"
  printf '%-44s %12.0f %13s %13s\n' "Graphile Worker no-op jobs, concurrency 50" "${graphile[plain]}" "-" "-"
  printf '%-44s %12.0f %13s %13s\n' "Graphile Worker, local queue 500 + batching" "${graphile[local]}" "-" "-"
  for clients in 50 200; do
    printf '%-44s %12.0f %13s %13s\n' "pgbench one-row UPDATE, $clients clients" "${pgb[$clients]}" "-" "-"
  done
  echo
  local vs_hangfire vs_graphile vs_pgbench ours ours_p99
  ours=${cps[200]:-$ref}
  ours_p99=${p99[200]:-0}
  vs_hangfire=$(queue_ratio "$ours" "$hangfire")
  vs_graphile=$(queue_ratio "$ours" "${graphile[plain]}")
  [ "$with_graphile" != 0 ] || vs_graphile=skipped
  vs_pgbench=$(queue_ratio "$ours" "${pgb[200]}")
  echo "ours (200 workers) / Hangfire.PostgreSql        = $vs_hangfire"
  echo "ours (200 workers) / Graphile Worker (no batch) = $vs_graphile"
  echo "ours (200 workers) / pgbench (200 clients)      = $vs_pgbench"
  echo "exactly once: double_assigned=$(measure_field "$check" double_assigned) (duplicate item-worker pairs $(measure_field "$check" duplicate_pairs), over-answered items $(measure_field "$check" over_answered)); slots not adding up $(measure_field "$check" slot_mismatch); leases left open $(measure_field "$check" open_leases)"
  echo "billing on: every accepted answer paid at submit; paid_exactly_once=$(measure_field "$check" paid_exactly_once) ($(measure_field "$check" accepted) accepted answers; unpaid $(measure_field "$check" unpaid), paid twice $(measure_field "$check" paid_twice), paid but not accepted $(measure_field "$check" paid_wrongly), payables off $(measure_field "$check" payables_off), balances off $(measure_field "$check" balances_off), trial balance $(measure_field "$check" trial_balance))"
  echo "errors during the runs: $(for w in $workers_list; do printf '%s workers %s; ' "$w" "${errs[$w]}"; done)"
  if [ "${plan_fresh:-0}" = "0" ] && [ "${plan_after:-0}" = "0" ]; then
    # The plan capture hooks EF Core; the batched queue talks to Npgsql directly, so there is nothing to capture.
    echo "claim statement (EXPLAIN ANALYZE): not captured (the queue's SQL runs on Npgsql, outside EF); plans are checked by QueueHistoryTests"
  else
    echo "claim statement (EXPLAIN ANALYZE): ${plan_fresh} ms before the runs, ${plan_after} ms after them; plans in ${out#$root/}"
  fi
  echo "load average before the run: $load_before (the run itself loads the machine); took $((SECONDS - started)) s"
  local double_assigned
  double_assigned=$(measure_field "$check" double_assigned)
  local result
  result=$(printf 'RESULT queue workers=200 cycles_per_s=%.0f p99_claim_ms=%.2f vs_hangfire=%s vs_graphile=%s vs_pgbench=%s double_assigned=%s billing=on paid_exactly_once=%s' \
    "$ours" "$ours_p99" "$vs_hangfire" "$vs_graphile" "$vs_pgbench" "$double_assigned" "$(measure_field "$check" paid_exactly_once)")
  echo "$result" >"$out/result.txt"
  echo "$result"
}

# queue_ratio A B → A / B with two decimals, or three significant digits below 1 (0.000953).
queue_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { r = (b > 0 ? a / b : 0); if (r >= 1 || r == 0) printf "%.2f", r; else printf "%.3g", r }'
}

queue_install_tools() {
  ensure_postgres_installed
  if [ ! -x "$(pg_bin)/pgbench" ]; then
    echo "pgbench is missing; installing postgresql-contrib with apt..."
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-contrib
  fi
  if [ "${1:-1}" != 0 ] && ! command -v npm >/dev/null 2>&1; then
    echo "Node.js is missing; installing nodejs and npm with apt..."
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
  fi
}

# The statements that cost the most during the last load run (pg_stat_statements).
queue_top_statements() {
  bench_psql labelplatform_bench -P pager=off -c "
    SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
           round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct, rows,
           left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_exec_time DESC LIMIT 12" >"$1"
}
