# bench/run.sh review: the review worker's throughput against bare ONNX Runtime inference. Sourced by
# bench/run.sh (which provides bench_build, bench_postgres_start, bench_psql, bench_connection,
# measure_field and run_logged).

bench_review() {
  local started=$SECONDS
  local items=${BENCH_REVIEW_ITEMS:-256}
  local answers_per_item=${BENCH_REVIEW_ANSWERS_PER_ITEM:-8}
  local batches=${BENCH_REVIEW_BATCHES:-"1 16 64"}
  local threads=${BENCH_REVIEW_THREADS:-$(nproc)}
  local cold=${BENCH_REVIEW_COLD:-1}
  local rounds=${BENCH_REVIEW_ROUNDS:-16}
  local out="$root/bench/out/review-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  local log="$out/run.log"
  local data="$root/bench/data"
  local photos="$data/rocket.jpg,$data/china.jpg,$data/flower.jpg,$data/hubble_deep_field.jpg"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Review benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine is busy (1-minute load ${load_before%% *} on $(nproc) cores); the figures will be low and noisy."
  fi
  echo "BENCH_REVIEW_ITEMS=$items BENCH_REVIEW_ANSWERS_PER_ITEM=$answers_per_item BENCH_REVIEW_BATCHES=\"$batches\" BENCH_REVIEW_THREADS=$threads BENCH_REVIEW_COLD=$cold BENCH_REVIEW_ROUNDS=$rounds; output in ${out#$root/}"

  bench_build

  echo "==> PostgreSQL"
  bench_postgres_start
  bench_psql postgres -c "CREATE DATABASE labelplatform_bench"
  local cs storage
  cs=$(bench_connection labelplatform_bench)
  storage="$bench_tmp/items"

  echo "==> Seeding through the product: a job of $items photos, the MobileNet-shaped model registered, its input copies made, $answers_per_item answers per item"
  run_logged "$log" dotnet "$bench_dll" review-prepare --connection "$cs" --storage "$storage" \
    --items "$items" --answers-per-item "$answers_per_item" --model "$data/mobilenet-v1-random.onnx" --photos "$photos" --threads "$threads"
  local seed
  seed=$(grep '^MEASURE review_seed ' "$log" | tail -n 1)

  echo "==> Review: the product's batch loop until drained, and bare inference, at batch sizes $batches"
  run_logged "$log" dotnet "$bench_dll" review-run --connection "$cs" --storage "$storage" \
    --job "$(measure_field "$seed" job)" --batches "${batches// /,}" --threads "$threads" --cold "$cold" --rounds "$rounds"
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  bench_cleanup

  echo
  echo "Review benchmark: $(nproc) cores, MobileNet v1 shape (random weights, 224x224), ONNX Runtime on CPU with $threads intra-op threads;"
  echo "$(measure_field "$seed" answers) answers over $items items (640x427 and 1000x872 JPEGs), PostgreSQL with durable commits, item store on local disk."
  echo "Model-sized input copies were made at setup, as the pass after registering a model does ($(measure_field "$seed" copy_img_per_s | awk '{printf "%.0f", $1}') images/s on all cores)."
  echo
  printf '%-34s %12s %12s %8s\n' "batch size" "pipeline/s" "bare/s" "ratio"
  printf '%-34s %12s %12s %8s\n' "----------------------------------" "------------" "------------" "--------"
  local line batch
  while read -r line; do
    printf '%-34s %12.1f %12.1f %8.3f\n' "$(measure_field "$line" batch)" \
      "$(measure_field "$line" pipeline_img_per_s)" "$(measure_field "$line" bare_img_per_s)" "$(measure_field "$line" ratio)"
  done < <(grep '^MEASURE review_batch ' "$log")
  local cold_line
  cold_line=$(grep '^MEASURE review_cold ' "$log" | tail -n 1 || true)
  if [ -n "$cold_line" ]; then
    printf '%-34s %12.1f %12.1f %8.3f\n' "$(measure_field "$cold_line" batch), no copies (decode originals)" \
      "$(measure_field "$cold_line" pipeline_img_per_s)" "$(measure_field "$cold_line" bare_img_per_s)" "$(measure_field "$cold_line" ratio)"
  fi
  echo "pipeline: ReviewPending.RunOnceAsync until drained (lock, read copies, values, infer, verdicts committed);"
  echo "bare: InferenceSession.Run on one prepared tensor, same session options, as many images, in $rounds slices between the pipeline's"
  echo

  local result64
  result64=$(grep '^MEASURE review_batch ' "$log" | grep ' batch=64 ' | tail -n 1)
  if [ -z "$result64" ]; then
    echo "No run at batch 64 (BENCH_REVIEW_BATCHES=\"$batches\"): no RESULT line." >&2
    return 1
  fi
  local ratio
  ratio=$(measure_field "$result64" ratio)
  echo "target: the pipeline at 0.80 or more of bare inference at batch 64: $(awk -v r="$ratio" 'BEGIN { printf "%s (%.3f)", (r >= 0.8 ? "met" : "MISSED"), r }')"
  echo "load average before the run: $load_before, at the end: $load_after; took $((SECONDS - started)) s"
  local result
  result=$(printf 'RESULT review batch=64 pipeline_img_per_s=%.1f bare_img_per_s=%.1f ratio=%.3f device=cpu' \
    "$(measure_field "$result64" pipeline_img_per_s)" "$(measure_field "$result64" bare_img_per_s)" "$ratio")
  echo "$result" >"$out/result.txt"
  echo "$result"
}
