#!/usr/bin/env bash
# Builds, checks formatting, runs every test against a throwaway PostgreSQL and Debian's Chromium,
# and runs every benchmark once at tiny sizes (bench/smoke.sh).
#
#   ./test.sh                      everything (what CI runs)
#   ./test.sh e2e                  only the browser tests; E2E_REPEAT=10 runs them ten times over,
#                                  E2E_BURN=1 keeps one core busy beside them (flakes show under load)
#
# A failed browser test keeps its Playwright trace, screenshots, DOM and logs under test-results/e2e/
# and its failure message names the folder and says what each page showed.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/postgres.sh

mode=${1:-all}
case "$mode" in
  all | e2e) ;;
  *) echo "usage: ./test.sh [e2e]" >&2; exit 2 ;;
esac
repeat=${E2E_REPEAT:-1}
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "E2E_REPEAT must be a positive whole number" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "==> Tools (dotnet tool restore: the SMTP sink the tests read mail from)"
dotnet tool restore >/dev/null

echo "==> Build"
dotnet build LabelPlatform.sln -c Release -nologo -v q -clp:ErrorsOnly

if [ "$mode" = all ]; then
  echo "==> Formatting (dotnet format --verify-no-changes)"
  dotnet format LabelPlatform.sln --verify-no-changes --no-restore -v q
fi

echo "==> PostgreSQL and Chromium"
ensure_postgres_installed
ensure_chromium_installed
work=$(mktemp -d /tmp/labelplatform-test.XXXXXX)
chmod 755 "$work"
pgdata="$work/pg"
burner=""
cleanup() {
  [ -z "$burner" ] || kill "$burner" 2>/dev/null || true
  stop_cluster "$pgdata"
  rm -rf "$work"
}
trap cleanup EXIT
# Below the kernel's ephemeral range (32768+), so no outgoing connection can hold the port we pick.
port=$(free_port 26432)
# fsync off: a throwaway cluster need not survive a power cut, and tests run faster.
start_cluster "$pgdata" "$port" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
export LP_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
# The queue's restart test restarts this cluster with pg_ctl, so it needs the data directory.
export LP_TEST_PGDATA="$pgdata"
echo "PostgreSQL on port $port"

artifacts="$PWD/test-results/e2e"
rm -rf "$artifacts"
export LP_E2E_ARTIFACTS="$artifacts"

if [ "${E2E_BURN:-0}" != 0 ]; then
  echo "==> Keeping one core busy beside the tests (E2E_BURN)"
  yes >/dev/null &
  burner=$!
fi

log="$work/test.log"
: >"$log"
status=0
if [ "$mode" = all ]; then
  echo "==> Tests"
  # Test projects run side by side on one server, so the tests that restart it run afterwards, alone.
  dotnet test LabelPlatform.sln -c Release --no-build -nologo --logger "console;verbosity=normal" \
    --filter "Category!=RestartsPostgres" 2>&1 | tee -a "$log" || status=$?
  echo "==> Tests that restart PostgreSQL"
  dotnet test tests/LabelPlatform.IntegrationTests -c Release --no-build -nologo --logger "console;verbosity=normal" \
    --filter "Category=RestartsPostgres" 2>&1 | tee -a "$log" || status=$?
  # Every benchmark at tiny sizes, so none can rot unnoticed (each must still print its RESULT line).
  echo "==> Benchmark smoke runs (bench/smoke.sh)"
  bench/smoke.sh || status=$?
  echo "==> ./run.sh on a fresh clone: serves, then stops everything on SIGINT and on SIGTERM"
  tests/run-sh/run_sh_test.sh || status=$?
else
  for run in $(seq 1 "$repeat"); do
    echo "==> Browser tests, run $run of $repeat"
    dotnet test tests/LabelPlatform.EndToEndTests -c Release --no-build -nologo --logger "console;verbosity=normal" \
      2>&1 | tee -a "$log" || status=$?
  done
fi

if [ -d "$artifacts" ] && [ -n "$(ls -A "$artifacts")" ]; then
  echo
  echo "Browser recordings of failed tests (trace, screenshots, DOM, logs):"
  ls -d "$artifacts"/* | sed 's/^/  /'
fi

# One closing line for every test project together (each prints "Passed: N", "Failed: N", ...).
read -r passed failed skipped < <(awk '
  /^ *Passed: *[0-9]+ *$/  { p += $2 }
  /^ *Failed: *[0-9]+ *$/  { f += $2 }
  /^ *Skipped: *[0-9]+ *$/ { s += $2 }
  END { print p + 0, f + 0, s + 0 }' "$log")
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
