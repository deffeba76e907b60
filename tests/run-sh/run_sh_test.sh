#!/usr/bin/env bash
# tests/run-sh/run_sh_test.sh: ./run.sh as a newcomer meets it. A fresh clone (as root: inside a
# folder only root may enter, as root's home is) must start the whole platform, answer on
# /health/ready, and stop everything it started on SIGINT (sent to it running in the background,
# where bash starts with SIGINT ignored) and again on SIGTERM. Run by ./test.sh.
set -euo pipefail
source "$(dirname "$0")/../../.ci/postgres.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)

base=$(mktemp -d /tmp/labelplatform-runsh.XXXXXX)
chmod 700 "$base"  # like /root: only its owner may enter
clone="$base/clone"
git clone -q "$repo" "$clone"
# The build outputs of this checkout come along, so the clone builds incrementally.
for built in $(cd "$repo" && git ls-files -z '*.csproj' | xargs -0 -n1 dirname | sort -u); do
  for out in bin obj; do
    [ -d "$repo/$built/$out" ] && mkdir -p "$clone/$built" && cp -a "$repo/$built/$out" "$clone/$built/"
  done
done

port=$(free_port 27080)
fail() { echo "FAIL: $*" >&2; [ -f "$base/run.log" ] && tail -n 40 "$base/run.log" | sed 's/^/    /' >&2; exit 1; }

# run_and_stop SIGNAL: starts ./run.sh in the background, waits until it serves, sends SIGNAL, checks that nothing is left.
run_and_stop() {
  local signal=$1
  : >"$base/run.log"
  # Started straight from this script, in the background: bash gives it SIGINT ignored, as a terminal's
  # `./run.sh &` or a supervisor would.
  PORT=$port "$clone/run.sh" >"$base/run.log" 2>&1 &
  local runner=$!
  local ready=""
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$runner" 2>/dev/null || fail "./run.sh exited before it served (signal test $signal)"
    sleep 1
  done
  [ -n "$ready" ] || fail "./run.sh did not answer on /health/ready within 4 minutes"
  kill "-$signal" "$runner"
  for _ in $(seq 1 60); do
    kill -0 "$runner" 2>/dev/null || break
    sleep 1
  done
  kill -0 "$runner" 2>/dev/null && fail "./run.sh still runs 60 s after SIG$signal"
  grep -q "Stopped." "$base/run.log" || fail "./run.sh did not say it stopped after SIG$signal"
  sleep 1
  if pgrep -f -- "$clone/" >/dev/null; then
    pgrep -af -- "$clone/" >&2
    fail "processes of the clone are left after SIG$signal"
  fi
  echo "ok: ./run.sh served on port $port and stopped everything on SIG$signal"
}

# As root the demo cluster lives under /var/tmp, named after the clone's path: stop and remove it too.
elsewhere="/var/tmp/labelplatform-$(printf '%s' "$clone" | md5sum | cut -c1-12)"
trap 'pkill -f -- "$clone/" 2>/dev/null || true; stop_cluster "$elsewhere/postgres"; stop_cluster "$clone/.data/postgres"; rm -rf "$base" "$elsewhere"' EXIT
run_and_stop INT
run_and_stop TERM
if [ "$(id -u)" = 0 ]; then
  grep -q "cannot enter" "$base/run.log" || fail "as root in a folder only root may enter, run.sh should say where the database went"
  echo "ok: the cluster lives where the postgres user can reach it"
fi
