#!/usr/bin/env bash
# Builds, checks formatting, and runs every test against a throwaway PostgreSQL and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/postgres.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "==> Build"
dotnet build LabelPlatform.sln -c Release -nologo -v q -clp:ErrorsOnly

echo "==> Formatting (dotnet format --verify-no-changes)"
dotnet format LabelPlatform.sln --verify-no-changes --no-restore -v q

echo "==> PostgreSQL and Chromium"
ensure_postgres_installed
ensure_chromium_installed
work=$(mktemp -d /tmp/labelplatform-test.XXXXXX)
chmod 755 "$work"
pgdata="$work/pg"
cleanup() {
  stop_cluster "$pgdata"
  rm -rf "$work"
}
trap cleanup EXIT
port=$(free_port 56432)
# fsync off: a throwaway cluster need not survive a power cut, and tests run faster.
start_cluster "$pgdata" "$port" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
export LP_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
# The queue's restart test restarts this cluster with pg_ctl, so it needs the data directory.
export LP_TEST_PGDATA="$pgdata"
echo "PostgreSQL on port $port"

echo "==> Tests"
log="$work/test.log"
status=0
# Test projects run side by side on one server, so the tests that restart it run afterwards, alone.
dotnet test LabelPlatform.sln -c Release --no-build -nologo --logger "console;verbosity=normal" \
  --filter "Category!=RestartsPostgres" 2>&1 | tee "$log" || status=$?
echo "==> Tests that restart PostgreSQL"
dotnet test tests/LabelPlatform.IntegrationTests -c Release --no-build -nologo --logger "console;verbosity=normal" \
  --filter "Category=RestartsPostgres" 2>&1 | tee -a "$log" || status=$?

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
