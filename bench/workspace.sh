# bench/run.sh workspace: the worker's labelling page in a real browser. Sourced by bench/run.sh
# (which provides bench_build, bench_postgres_start, bench_psql, bench_connection, measure_field,
# run_logged and bench_pids).

bench_workspace() {
  local started=$SECONDS
  local items=${BENCH_ITEMS:-200}
  local warmup=${BENCH_WARMUP:-10}
  local think_ms=${BENCH_THINK_MS:-100}
  local boxes=${BENCH_BOXES:-500}
  local drag_seconds=${BENCH_DRAG_SECONDS:-3}
  local viewport=${BENCH_VIEWPORT:-1920x1080}
  local out="$root/bench/out/workspace-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  local log="$out/run.log"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Workspace benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine is busy (1-minute load ${load_before%% *} on $(nproc) cores); the figures will be high and noisy."
  fi
  echo "BENCH_ITEMS=$items BENCH_WARMUP=$warmup BENCH_THINK_MS=$think_ms BENCH_BOXES=$boxes BENCH_DRAG_SECONDS=$drag_seconds BENCH_VIEWPORT=$viewport; output in ${out#$root/}"

  ensure_chromium_installed
  bench_build
  local web_dir="$root/src/LabelPlatform.Web/bin/Release/net10.0"
  echo "==> Build the web app (Release)"
  dotnet build "$root/src/LabelPlatform.Web" -c Release -nologo -v q -clp:ErrorsOnly

  echo "==> PostgreSQL"
  bench_postgres_start
  bench_psql postgres -c "CREATE DATABASE labelplatform_bench"
  local cs storage
  cs=$(bench_connection labelplatform_bench)
  storage="$bench_tmp/items"

  # Enough digits for the warm-up and the measured items, with some to spare (300 by default).
  echo "==> Seeding through the product: a worker, a digits job, a box job with $boxes suggested boxes"
  run_logged "$log" dotnet "$bench_dll" workspace-prepare --connection "$cs" --storage "$storage" \
    --digits "$root/src/LabelPlatform.Web/SeedData/digits.csv.gz" --items $((warmup + items + 20 > 300 ? warmup + items + 20 : 300)) --boxes "$boxes"
  local seed
  seed=$(grep '^MEASURE workspace_seed ' "$log" | tail -n 1)

  echo "==> The web app, as ./run.sh starts it (Production, its own process, background jobs on)"
  local port
  port=$(free_port 28080)
  (cd "$web_dir" && exec env ConnectionStrings__Default="$cs" Storage__Root="$storage" Auth__RequireSecureCookies=false Accounts__RequireConfirmedEmail=false \
    dotnet LabelPlatform.Web.dll --urls "http://127.0.0.1:$port") >"$out/web.log" 2>&1 &
  bench_pids+=($!)
  local i
  for i in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/account/login" && break
    if ! kill -0 "${bench_pids[-1]}" 2>/dev/null || [ "$i" = 120 ]; then
      echo "The web app did not start; the end of ${out#$root/}/web.log:" >&2
      tail -n 30 "$out/web.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "    listening on http://127.0.0.1:$port"

  echo "==> Chromium: $((warmup + items)) items submitted by keyboard, then a ${drag_seconds}s box drag"
  run_logged "$log" dotnet "$bench_dll" workspace-run --url "http://127.0.0.1:$port" \
    --classify-job "$(measure_field "$seed" classify_job)" --box-job "$(measure_field "$seed" box_job)" \
    --warmup "$warmup" --items "$items" --think-ms "$think_ms" --drag-seconds "$drag_seconds" \
    --viewport-width "${viewport%x*}" --viewport-height "${viewport#*x}" --screenshots "$out"
  local next drag
  next=$(grep '^MEASURE submit_next ' "$log" | tail -n 1)
  drag=$(grep '^MEASURE drag ' "$log" | tail -n 1)
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  bench_cleanup

  echo
  echo "Workspace benchmark: $(nproc) cores, headless Chromium $(chromium --version 2>/dev/null | awk '{print $2}') with software rendering, viewport $viewport;"
  echo "the web app, PostgreSQL (durable commits) and the browser on this machine"
  echo
  printf '%-52s %9s %9s %9s\n' "measurement" "p50 ms" "p95 ms" "max ms"
  printf '%-52s %9s %9s %9s\n' "----------------------------------------------------" "---------" "---------" "---------"
  printf '%-52s %9.2f %9.2f %9.2f\n' "Enter -> next item on the page ($items items)" \
    "$(measure_field "$next" changed_p50_ms)" "$(measure_field "$next" changed_p95_ms)" "$(measure_field "$next" changed_max_ms)"
  printf '%-52s %9.2f %9.2f %9.2f\n' "Enter -> next item's image loaded *" \
    "$(measure_field "$next" p50_ms)" "$(measure_field "$next" p95_ms)" "$(measure_field "$next" max_ms)"
  printf '%-52s %9.2f %9.2f %9.2f\n' "Enter -> the frame after it" \
    "$(measure_field "$next" painted_p50_ms)" "$(measure_field "$next" painted_p95_ms)" "$(measure_field "$next" painted_max_ms)"
  printf '%-52s %9.2f %9.2f %9.2f\n' "box editor draw callback, dragging 1 of $(measure_field "$drag" boxes) boxes" \
    "$(measure_field "$drag" p50_frame_ms)" "$(measure_field "$drag" p95_frame_ms)" "$(measure_field "$drag" max_frame_ms)"
  printf '%-52s %9.2f %9.2f %9.2f\n' "main-thread work per frame (rAF to after paint) *" \
    "$(measure_field "$drag" p50_main_ms)" "$(measure_field "$drag" p95_main_ms)" "$(measure_field "$drag" max_main_ms)"
  printf '%-52s %9.2f %9.2f %9.2f\n' "frame interval (rAF to rAF) during the drag" \
    "$(measure_field "$drag" p50_interval_ms)" "$(measure_field "$drag" p95_interval_ms)" "$(measure_field "$drag" max_interval_ms)"
  echo "* in the RESULT line (p95)"
  echo
  local next_p95 frame_p95
  next_p95=$(measure_field "$next" p95_ms)
  # The whole frame's main-thread work, canvas drawing and paint included: Chromium draws a
  # canvas after the editor's callback returns, so the callback's own time would flatter it.
  frame_p95=$(measure_field "$drag" p95_main_ms)
  echo "target: p95 submit-to-next under 150 ms: $(workspace_verdict "$next_p95" 150)"
  echo "target: under 16 ms a frame while dragging (p95): $(workspace_verdict "$frame_p95" 16)"
  echo "drag: $(measure_field "$drag" frames) editor frames from $(measure_field "$drag" moves) mouse moves in $(measure_field "$drag" seconds) s; $(measure_field "$drag" dropped) frame intervals over 25 ms"
  echo "load average before the run: $load_before, at the end of the browser run: $load_after; took $((SECONDS - started)) s"
  local result
  result=$(printf 'RESULT workspace submit_next_p95_ms=%.2f drag_frame_p95_ms=%.2f boxes=%s' "$next_p95" "$frame_p95" "$(measure_field "$drag" boxes)")
  echo "$result" >"$out/result.txt"
  echo "$result"
}

# workspace_verdict VALUE LIMIT → "met (v ms)" or "MISSED (v ms)"
workspace_verdict() {
  awk -v v="$1" -v l="$2" 'BEGIN { printf "%s (%.2f ms)", (v < l ? "met" : "MISSED"), v }'
}
