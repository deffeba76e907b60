#!/usr/bin/env bash
# Starts the whole platform with a seeded demo: PostgreSQL (private, under .data/ unless
# ConnectionStrings__Default is set), the web app and the worker. Ctrl+C stops what it started.
set -euo pipefail
# Started in the background by a script (`./run.sh &`), bash begins with SIGINT ignored and cannot
# trap it then: start again with default handlers, so SIGINT and SIGTERM both stop everything.
if [ -z "${LP_RUN_SIGNALS_RESET:-}" ] && (( 0x$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status) & 2 )); then
  export LP_RUN_SIGNALS_RESET=1
  exec env --default-signal=INT,TERM "$0" "$@"
fi
cd "$(dirname "$0")"
root=$PWD
source .ci/postgres.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
web_port=${PORT:-5080}
pids=()
pgdata=""

cleanup() {
  # Finish the clean-up even if the terminal or a pipe reading our output is already gone
  # (then every echo fails, which must not stop us under set -e).
  set +e
  trap '' INT TERM PIPE
  trap - EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # `dotnet tool run` starts smtp4dev as a child of its own: stop that one too.
  [ -n "${mail_port:-}" ] && pkill -f -- "--smtpport=$mail_port" 2>/dev/null
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$pgdata" ] && stop_cluster "$pgdata"
  echo "Stopped."
}
trap cleanup INT TERM EXIT

if [ -z "${ConnectionStrings__Default:-}" ]; then
  ensure_postgres_installed
  mkdir -p .data
  chmod 755 .data
  pgdata="$root/.data/postgres"
  if ! cluster_dir_reachable "$root/.data"; then
    # A clone in a home folder only its owner may enter (root's, typically): the postgres user, who
    # runs the cluster, cannot reach .data/, so the cluster lives where it can, the same for every run.
    pgdata="/var/tmp/labelplatform-$(printf '%s' "$root" | md5sum | cut -c1-12)/postgres"
    mkdir -p "$(dirname "$pgdata")"
    chmod 755 "$(dirname "$pgdata")"
    echo "The postgres user cannot enter $root, so the demo's database lives in $pgdata (delete it for a fresh start)."
  fi
  if [ -f "$pgdata/postmaster.pid" ] && pg_run "$(pg_bin)/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    echo "PostgreSQL in .data/postgres is already running (another ./run.sh?); using it."
    pgport=$(sed -n 4p "$pgdata/postmaster.pid")
    pgdata=""  # not ours to stop
  else
    pgport=$(free_port 25432)
    start_cluster "$pgdata" "$pgport"
  fi
  pg_run "$(pg_bin)/psql" -h 127.0.0.1 -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'labelplatform'" | grep -q 1 \
    || pg_run "$(pg_bin)/createdb" -h 127.0.0.1 -p "$pgport" -U postgres labelplatform
  export ConnectionStrings__Default="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=labelplatform"
  echo "PostgreSQL: .data/postgres on port $pgport"
fi

export Storage__Root="${Storage__Root:-$root/.data/items}"
export Stripe__PublicUrl="http://localhost:$web_port"
# No real Stripe is reachable from a demo: unless STRIPE_SECRET_KEY (a test-mode key) is set, payments
# and payouts go to the local Stripe-compatible emulator (tests/LabelPlatform.StripeEmulator), whose
# checkout and onboarding pages stand in for Stripe's. It keeps nothing when stopped.
stripe_port=""
if [ -n "${STRIPE_SECRET_KEY:-}" ]; then
  export Stripe__SecretKey="$STRIPE_SECRET_KEY" Stripe__WebhookSecret="${STRIPE_WEBHOOK_SECRET:-}" Stripe__ConnectWebhookSecret="${STRIPE_CONNECT_WEBHOOK_SECRET:-}"
else
  stripe_port=$(free_port 12111)
  export Stripe__SecretKey=sk_test_emulator Stripe__WebhookSecret=whsec_emulator Stripe__ConnectWebhookSecret=whsec_emulator_connect \
    Stripe__ApiBase="http://127.0.0.1:$stripe_port"
fi
# A local demo over plain http: cookies cannot require https here. Put TLS in front in production.
export Auth__RequireSecureCookies=false
# A laptop's receiver is on localhost or the local network, over http: let webhooks reach it (never in production).
export Webhooks__AllowPrivateAddresses="${Webhooks__AllowPrivateAddresses:-true}" Webhooks__RequireHttps="${Webhooks__RequireHttps:-false}"
# The demo's workers take work at once; production asks them to confirm their address first.
export Accounts__RequireConfirmedEmail="${Accounts__RequireConfirmedEmail:-false}"
# Mail (password resets) goes to a local SMTP sink whose web page shows every message, unless
# Email__SmtpHost points at a real server.
mail_port=""
if [ -z "${Email__SmtpHost:-}" ]; then
  mail_port=$(free_port 12525)
  mail_web_port=$(free_port 12580)
  export Email__SmtpHost=127.0.0.1 Email__SmtpPort="$mail_port" Email__Security=None
fi
export Email__PublicBaseUrl="${Email__PublicBaseUrl:-http://localhost:$web_port}"

echo "Building..."
dotnet tool restore >/dev/null
dotnet build LabelPlatform.sln -c Release -nologo -v q -clp:ErrorsOnly
bin=Release/net10.0
web_dll="src/LabelPlatform.Web/bin/$bin/LabelPlatform.Web.dll"
worker_dll="src/LabelPlatform.Worker/bin/$bin/LabelPlatform.Worker.dll"
emulator_dll="tests/LabelPlatform.StripeEmulator/bin/$bin/LabelPlatform.StripeEmulator.dll"

mkdir -p .data
payments="Stripe test mode"
if [ -n "$stripe_port" ]; then
  payments="the local Stripe emulator at http://127.0.0.1:$stripe_port"
  dotnet "$emulator_dll" --port "$stripe_port" --api-key sk_test_emulator --webhook-secret whsec_emulator \
    --webhook-url "http://localhost:$web_port/api/stripe/webhook" --connect-webhook-secret whsec_emulator_connect \
    --connect-webhook-url "http://localhost:$web_port/api/stripe/connect-webhook" >.data/stripe-emulator.log 2>&1 &
  pids+=($!)
  echo "Stripe emulator: http://127.0.0.1:$stripe_port (log: .data/stripe-emulator.log)"
fi
if [ -n "$mail_port" ]; then
  dotnet tool run smtp4dev -- --urls="http://127.0.0.1:$mail_web_port" --smtpport="$mail_port" --imapport= --pop3port= --db= --nousersettings \
    >.data/smtp4dev.log 2>&1 &
  pids+=($!)
  echo "Mail sink (smtp4dev): http://127.0.0.1:$mail_web_port shows every message sent (log: .data/smtp4dev.log)"
fi

echo "Applying migrations and seeding the demo..."
# Each process runs from its build folder, so it finds its appsettings.json.
credentials=$(cd "$(dirname "$web_dll")" && dotnet LabelPlatform.Web.dll seed-demo | sed -n '/^Demo accounts/,$p')

(cd "$(dirname "$web_dll")" && exec dotnet LabelPlatform.Web.dll --urls "http://localhost:$web_port") &
pids+=($!)
(cd "$(dirname "$worker_dll")" && exec dotnet LabelPlatform.Worker.dll) &
pids+=($!)

for _ in $(seq 1 60); do
  if (echo >"/dev/tcp/127.0.0.1/$web_port") 2>/dev/null; then break; fi
  sleep 1
done

cat <<MSG

========================================================================
 LabelPlatform is running at  http://localhost:$web_port
 Health:                      http://localhost:$web_port/health/ready  (details for admins: /health)

$credentials

 Researcher: open "Handwritten digits" to watch progress and download CSV;
             "Handwritten digits, model first" shows the model's pre-filter, then Launch.
 Worker:     "Start labelling", then press a digit key and Enter.
 Reviewer:   /review lists the answers the model flagged, with its evidence.
 Billing:    researchers add funds on /billing (card payments go to $payments);
             workers connect a payout account on /work/earnings; admins settle and reconcile on /admin/billing.
 Press Ctrl+C to stop.
========================================================================
MSG
wait -n "${pids[@]}"
