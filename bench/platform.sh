#!/usr/bin/env bash
# Runs bench/platform.bench.ts against infrastructure of its own (never the lead's fixed ports
# or the shared slotbook_devdb): a fresh devdb keeping its data in a new PostgreSQL database
# (whose pg_stat_database the bench reads), its own RabbitMQ vhost, Redis database 4 (or
# REDIS_URL). Everything it created is removed at exit. Knobs: see the bench's header.
set -euo pipefail
# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

VHOST="slotbook-bench-$$"
DEVDB_PID=""
DEVDB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/slotbook-bench-devdb.XXXXXX")
# shellcheck disable=SC2317 # invoked by the trap below
cleanup() {
  local code=$?
  if [[ -n "$DEVDB_PID" ]]; then kill -TERM "$DEVDB_PID" 2>/dev/null || true; wait "$DEVDB_PID" 2>/dev/null || true; fi
  if [[ -n "${BENCH_PG_URL:-}" ]]; then drop_devdb_database "$BENCH_PG_URL" || log "could not drop ${BENCH_PG_URL##*/}"; fi
  rm -rf "$DEVDB_TMP"
  timeout 30 rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_node_modules
ensure_rabbitmq
ensure_redis
ensure_postgres
timeout 30 rabbitmqctl -q add_vhost "$VHOST" >/dev/null
timeout 30 rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
export AMQP_URL="amqp://guest:guest@127.0.0.1:5672/$VHOST"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/4}"
export BENCH_PG_DATABASE="slotbook_bench_$(date +%Y%m%d%H%M%S)_$$"
BENCH_PG_URL=$(url_with_database "$DEVDB_PG_SERVER" "$BENCH_PG_DATABASE")
port=$(free_port)
start_devdb "$port" "$BENCH_PG_URL" "$DEVDB_TMP/devdb.log"
export MONGO_URL="mongodb://127.0.0.1:$port"
if [[ "${SLOTBOOK_SKIP_BUILD:-0}" != 1 ]]; then npx tsc -b tsconfig.build.json; fi
npx tsx --tsconfig tsconfig.spec.json bench/platform.bench.ts
