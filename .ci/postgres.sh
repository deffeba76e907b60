# Shared by run.sh and test.sh: a private PostgreSQL cluster in a folder, on a free port.
# Source it; it defines functions only.

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && echo "$bin"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bin)" ]; then
    echo "PostgreSQL is not installed; installing it with apt..."
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    # Debian starts a system cluster on install; ours is private, so leave theirs alone.
  fi
  [ -n "$(pg_bin)" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; return 1; }
}

ensure_chromium_installed() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "Chromium is not installed; installing it with apt..."
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

free_port() {
  local port=${1:-55432}
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses to run as root).
pg_run() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# cluster_dir_reachable DIR: true when the user PostgreSQL runs as can enter DIR (always, unless we are root).
cluster_dir_reachable() {
  [ "$(id -u)" != 0 ] && return 0
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  runuser -u postgres -- test -x "$1"
}

# start_cluster DIR PORT [extra postgres options]: initialises DIR if empty, starts it, waits until ready.
start_cluster() {
  local dir=$1 port=$2 extra=${3:-}
  local bin
  bin=$(pg_bin)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir" 2>/dev/null || { id postgres >/dev/null 2>&1 || useradd --system postgres; chown postgres "$dir"; }; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_run "$bin/initdb" -D "$dir" -U postgres -A trust --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; return 1; }
  fi
  pg_run "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $extra" start >/dev/null \
    || { tail -n 30 "$dir/server.log" >&2; return 1; }
}

stop_cluster() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  pg_run "$(pg_bin)/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}
