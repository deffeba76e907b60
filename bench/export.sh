# bench/run.sh export: a finished box job of 1,000,000 settled items (three answers each) exported in
# COCO, YOLO, Pascal VOC, CSV and JSON Lines by the product's export: items/s per format and the
# process's peak memory. Sourced by bench/run.sh (which provides bench_build, bench_postgres_start,
# bench_psql, bench_connection, measure_field and run_logged).

bench_export() {
  local started=$SECONDS
  local items=${BENCH_EXPORT_ITEMS:-1000000}
  local answers=${BENCH_EXPORT_ANSWERS_PER_ITEM:-3}
  local out="$root/bench/out/export-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out"
  echo "Export benchmark: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "BENCH_EXPORT_ITEMS=$items BENCH_EXPORT_ANSWERS_PER_ITEM=$answers; output in ${out#$root/}"

  bench_build

  echo "==> PostgreSQL"
  bench_postgres_start
  bench_psql postgres -c "CREATE DATABASE labelplatform_bench_export"

  echo "==> Seed, then export in each format"
  run_logged "$out/export.log" dotnet "$bench_dll" export-run --connection "$(bench_connection labelplatform_bench_export)" \
    --items "$items" --answers-per-item "$answers" --storage "$bench_tmp/items" --out "$bench_tmp/exports"

  bench_cleanup

  local line
  line=$(grep '^MEASURE export ' "$out/export.log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "The export run printed no measurement: no RESULT line." >&2
    return 1
  fi

  echo "took $((SECONDS - started)) s"
  local result
  result=$(printf 'RESULT export items=%s formats=%s min_items_per_s=%.0f peak_rss_mb=%.0f' \
    "$(measure_field "$line" items)" "$(measure_field "$line" formats)" "$(measure_field "$line" min_items_per_s)" "$(measure_field "$line" peak_rss_mb)")
  echo "$result" >"$out/result.txt"
  echo "$result"
}
