# bench/run.sh aggregate: the aggregation maths on a simulated crowd, no database. Sourced by
# bench/run.sh (which provides bench_build, measure_field and run_logged).

bench_aggregate() {
  local items=${BENCH_AGG_ITEMS:-100000}
  local per_item=${BENCH_AGG_ANSWERS_PER_ITEM:-10}
  local cost_items=${BENCH_AGG_COST_ITEMS:-20000}
  local seed=${BENCH_AGG_SEED:-42}
  local out="$root/bench/out/aggregate-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  local log="$out/run.log"

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "Aggregate benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $load_before"
  echo "BENCH_AGG_ITEMS=$items BENCH_AGG_ANSWERS_PER_ITEM=$per_item BENCH_AGG_COST_ITEMS=$cost_items BENCH_AGG_SEED=$seed; output in ${out#$root/}"

  bench_build
  echo "==> Build the labelplatform tool (Release)"
  dotnet build "$root/src/LabelPlatform.Cli" -c Release -nologo -v q -clp:ErrorsOnly

  echo "==> Majority vote and Dawid–Skene over $((items * per_item)) simulated answers, then labelling policies replayed on a recorded job"
  run_logged "$log" dotnet "$bench_dll" aggregate --items "$items" --answers-per-item "$per_item" \
    --cost-items "$cost_items" --seed "$seed" --replay-dir "$out/replay"
  local m
  m=$(grep '^MEASURE aggregate ' "$log" | tail -n 1)

  # The cost figures come from the tool a researcher runs, on the files the benchmark wrote, with a new job's defaults.
  echo "==> labelplatform replay on $out/replay (a new job's default policy)"
  run_logged "$out/replay.log" dotnet "$root/src/LabelPlatform.Cli/bin/Release/net10.0/labelplatform.dll" replay \
    --answers "$out/replay/answers.csv" --model "$out/replay/model.csv" --gold "$out/replay/gold.csv" --truth "$out/replay/truth.csv" \
    --out "$out/replay/results.csv"
  local r
  r=$(grep '^RESULT replay ' "$out/replay.log" | tail -n 1)
  echo "    load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

  echo
  echo "RESULT aggregate answers=$(measure_field "$m" answers) mv_s=$(measure_field "$m" mv_s) ds_s=$(measure_field "$m" ds_s)" \
    "ds_accuracy=$(measure_field "$m" ds_accuracy) mv_accuracy=$(measure_field "$m" mv_accuracy)" \
    "answers_per_item=$(measure_field "$r" answers_per_item) accuracy=$(measure_field "$r" accuracy)"
}
