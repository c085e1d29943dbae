#!/usr/bin/env bash
# Brings the whole Slotbook platform up on this machine and prints the gateway URL (SPEC §8).
#
#   scripts/up.sh        (or: npm run up)      stop with scripts/down.sh (npm run down)
#
# With a reachable Docker engine it runs `docker compose up -d --build --wait` (set
# SLOTBOOK_LOCAL=1 to run locally anyway). Otherwise it runs everything as local processes:
#   - RabbitMQ, Redis: AMQP_URL / REDIS_URL when set, else 127.0.0.1:5672 / 127.0.0.1:6379,
#     started when not running and the server is installed;
#   - MongoDB: MONGO_URL (a server URL; each service gets its own database) when set, else
#     whatever listens on 127.0.0.1:27017, else tools/devdb (FerretDB on PostgreSQL) started
#     there with its data in the PostgreSQL database slotbook_devdb, kept across runs, on
#     DEVDB_POSTGRESQL_URL's server when set, else 127.0.0.1:5432 (started with pg_ctlcluster
#     when installed);
#   - the six services built with `tsc -b`, logs in .run/<service>.log, pids in .run/<service>.pid;
#   - the web pages (apps/web, built with Vite) served by the gateway under / (SPEC §10);
#   - mail: SMTP_URL when set; else a local SMTP sink (scripts/mail-sink.js) on 127.0.0.1:1025
#     (MAIL_SINK_PORT) that appends every mail to .run/mail.mbox instead of sending it.
# Running it again restarts the services it started before. Other knobs:
#   ADMIN_EMAIL / ADMIN_PASSWORD   the seeded admin (default admin@slotbook.local / change-me-admin-password)
#   SLOTBOOK_SERVICES              which services to start (default: all six)
#   SMTP_URL / MAIL_FROM           where notifications sends mail, and as whom
#   PUBLIC_URL                     where the web pages are, for the manage links in mail (default the gateway)
#   WEBHOOK_ALLOW_PRIVATE_URLS     `true` lets webhooks go to http and local addresses (development only)
#   SLOTBOOK_SKIP_BUILD=1          start from the existing dist/ without compiling
set -euo pipefail

# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

ALL_SERVICES=(identity availability booking webhooks notifications gateway)
read -r -a SERVICES <<<"${SLOTBOOK_SERVICES:-${ALL_SERVICES[*]}}"
GATEWAY_URL="http://127.0.0.1:3000"
READY_TIMEOUT=60

service_port() {
  case "$1" in
    gateway) echo 3000 ;; identity) echo 3001 ;; availability) echo 3002 ;; booking) echo 3003 ;;
    webhooks) echo 3004 ;; notifications) echo 3005 ;;
    *) die "unknown service '$1' (expected one of: ${ALL_SERVICES[*]})" ;;
  esac
}

# Prometheus /metrics, apart from the API port (each service's METRICS_PORT default).
service_metrics_port() {
  case "$1" in
    gateway) echo 9300 ;; identity) echo 9301 ;; availability) echo 9302 ;; booking) echo 9303 ;;
    webhooks) echo 9304 ;; notifications) echo 9305 ;;
    *) die "unknown service '$1' (expected one of: ${ALL_SERVICES[*]})" ;;
  esac
}

ensure_jwt_keys
export JWT_PRIVATE_KEY="${JWT_PRIVATE_KEY:-$(<"$RUN_DIR/jwt-private.pem")}"
export JWT_PUBLIC_KEY="${JWT_PUBLIC_KEY:-$(<"$RUN_DIR/jwt-public.pem")}"
# The gateway's secrets (SPEC §5b manage links, cursors), generated once: notifications makes the
# mails' manage links with the same MANAGE_TOKEN_SECRET.
run_secret() {
  local file="$RUN_DIR/$1"
  [[ -s "$file" ]] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" >"$file")
  cat "$file"
}
export CURSOR_SECRET="${CURSOR_SECRET:-$(run_secret cursor-secret)}"
export MANAGE_TOKEN_SECRET="${MANAGE_TOKEN_SECRET:-$(run_secret manage-token-secret)}"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@slotbook.local}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-change-me-admin-password}"

if [[ "${SLOTBOOK_LOCAL:-0}" != 1 ]] && docker_available; then
  log "Docker engine found: docker compose up -d --build --wait"
  docker compose up -d --build --wait >&2
  printf '\nSlotbook is up (docker compose). Gateway:\n' >&2
  echo "$GATEWAY_URL"
  exit 0
fi

# 1. Our own processes from a previous run go first, so this can be run again at any time.
for service in gateway notifications webhooks booking availability identity; do
  stop_pidfile "$service" "$RUN_DIR/$service.pid" "services/$service/dist/main.js"
done
stop_pidfile mail-sink "$RUN_DIR/mail-sink.pid" scripts/mail-sink.js

# 2. Infrastructure.
ensure_node_modules
ensure_rabbitmq
ensure_redis
AMQP_URL="${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

if [[ -n "${MONGO_URL:-}" ]]; then
  check_url_reachable MONGO_URL "$MONGO_URL"
  MONGO_BASE="$MONGO_URL"
else
  MONGO_BASE="mongodb://127.0.0.1:27017"
  if pid=$(pid_running "$RUN_DIR/devdb.pid" devdb) && port_open 127.0.0.1 27017; then
    log "reusing devdb (pid $pid) on 127.0.0.1:27017"
  elif port_open 127.0.0.1 27017; then
    rm -f "$RUN_DIR/devdb.pid"
    log "reusing the MongoDB-compatible server already listening on 127.0.0.1:27017"
  else
    rm -f "$RUN_DIR/devdb.pid"
    ensure_postgres
    start_devdb 27017 "$(url_with_database "$DEVDB_PG_SERVER" slotbook_devdb)" "$RUN_DIR/devdb.log"
    echo "$DEVDB_PID" >"$RUN_DIR/devdb.pid"
  fi
fi

# 3. Build.
if [[ "${SLOTBOOK_SKIP_BUILD:-0}" != 1 ]]; then
  build_all || die "the build failed (see above)"
fi

# 4. Mail: the SMTP server given, or a sink that keeps every mail in one mbox file (SPEC §6c).
MAIL_BOX="$RUN_DIR/mail.mbox"
if [[ -z "${SMTP_URL:-}" && " ${SERVICES[*]} " == *" notifications "* ]]; then
  MAIL_SINK_PORT="${MAIL_SINK_PORT:-1025}"
  if port_open 127.0.0.1 "$MAIL_SINK_PORT"; then
    die "port $MAIL_SINK_PORT (for the mail sink) is in use; set SMTP_URL or MAIL_SINK_PORT"
  fi
  log "SMTP_URL is not set: starting a mail sink on :$MAIL_SINK_PORT (mail goes to .run/mail.mbox)"
  detach node scripts/mail-sink.js "$MAIL_SINK_PORT" "$MAIL_BOX" >"$RUN_DIR/mail-sink.log" 2>&1
  echo $! >"$RUN_DIR/mail-sink.pid"
  wait_port 127.0.0.1 "$MAIL_SINK_PORT" 10 || die "the mail sink did not start (see .run/mail-sink.log)"
  SMTP_URL="smtp://127.0.0.1:$MAIL_SINK_PORT"
  MAIL_NOTE="mail:  caught in .run/mail.mbox (a local SMTP sink; set SMTP_URL to send it)"
else
  MAIL_NOTE="mail:  sent to ${SMTP_URL:-nowhere (notifications is not started)}"
fi

# 5. Services.
start_service() {
  local service=$1 port metrics_port main taken
  port=$(service_port "$service")
  metrics_port=$(service_metrics_port "$service")
  main="services/$service/dist/main.js"
  [[ -f "$main" ]] || die "$main does not exist: the build did not produce $service"
  for taken in "$port" "$metrics_port"; do
    if port_open 127.0.0.1 "$taken"; then
      die "port $taken (for $service) is already in use by a process this script did not start; stop it first"
    fi
  done
  local -a env=(PORT="$port" METRICS_PORT="$metrics_port" AMQP_URL="$AMQP_URL" REDIS_URL="$REDIS_URL")
  case "$service" in
    identity)
      env+=(MONGO_URL="$(mongo_url_for "$MONGO_BASE" identity)" JWT_PRIVATE_KEY="$JWT_PRIVATE_KEY"
        ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD")
      ;;
    availability | booking) env+=(MONGO_URL="$(mongo_url_for "$MONGO_BASE" "$service")") ;;
    webhooks)
      env+=(MONGO_URL="$(mongo_url_for "$MONGO_BASE" webhooks)"
        WEBHOOK_ALLOW_PRIVATE_URLS="${WEBHOOK_ALLOW_PRIVATE_URLS:-false}")
      ;;
    notifications)
      env+=(MONGO_URL="$(mongo_url_for "$MONGO_BASE" notifications)" SMTP_URL="$SMTP_URL"
        PUBLIC_URL="${PUBLIC_URL:-$GATEWAY_URL}")
      ;;
    gateway) env+=(JWT_PUBLIC_KEY="$JWT_PUBLIC_KEY") ;;
  esac
  log "starting $service on :$port, metrics on :$metrics_port (log: .run/$service.log)"
  # JWT_* and ADMIN_* are exported above; each service gets only the ones it needs.
  detach env -u JWT_PRIVATE_KEY -u JWT_PUBLIC_KEY -u ADMIN_EMAIL -u ADMIN_PASSWORD -u MONGO_URL \
    "${env[@]}" node "$main" >"$RUN_DIR/$service.log" 2>&1
  echo $! >"$RUN_DIR/$service.pid"
}

wait_ready() {
  local service=$1 port deadline
  port=$(service_port "$service")
  deadline=$((START_TIME + READY_TIMEOUT))
  until http_ok "http://127.0.0.1:$port/health/ready"; do
    if ! pid_running "$RUN_DIR/$service.pid" "services/$service/dist/main.js" >/dev/null; then
      printf '\n%s exited during start; last lines of .run/%s.log:\n' "$service" "$service" >&2
      tail -n 40 "$RUN_DIR/$service.log" >&2 || true
      die "$service did not start (the others keep running; scripts/down.sh stops them)"
    fi
    if ((SECONDS >= deadline)); then
      printf '\n%s is not ready after %ss; last lines of .run/%s.log:\n' "$service" "$READY_TIMEOUT" "$service" >&2
      tail -n 40 "$RUN_DIR/$service.log" >&2 || true
      die "$service is not ready (the others keep running; scripts/down.sh stops them)"
    fi
    sleep 0.5
  done
  log "$service is ready on :$port (pid $(<"$RUN_DIR/$service.pid"))"
}

for service in "${SERVICES[@]}"; do service_port "$service" >/dev/null; done
START_TIME=$SECONDS
for service in "${SERVICES[@]}"; do start_service "$service"; done
for service in "${SERVICES[@]}"; do wait_ready "$service"; done

cat >&2 <<EOF

Slotbook is up (${SERVICES[*]}). API docs: $GATEWAY_URL/docs
  admin: $ADMIN_EMAIL (password: ADMIN_PASSWORD, default change-me-admin-password)
  logs:  .run/<service>.log    stop: scripts/down.sh
  $MAIL_NOTE
Gateway:
EOF
# The URL alone on stdout, so that `url=$(scripts/up.sh)` works.
echo "$GATEWAY_URL"
