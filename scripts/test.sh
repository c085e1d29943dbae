#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, e2e) on a fresh clone (SPEC §8):
#
#   scripts/test.sh [jest arguments...]      e.g. scripts/test.sh --selectProjects unit
#
# Infrastructure: AMQP_URL, REDIS_URL and MONGO_URL (a server URL without a database; tests
# choose their own database names) are used when set. Otherwise:
#   - RabbitMQ on 127.0.0.1:5672 (started if installed), in the vhost `slotbook-test` when
#     rabbitmqctl works, so tests never collide with a platform started by scripts/up.sh;
#   - Redis on 127.0.0.1:6379 (started if installed), database 15;
#   - a fresh devdb (FerretDB, built from tools/devdb with Go) on a free port with a temporary
#     data directory, stopped and removed at exit.
# SLOTBOOK_SKIP_BUILD=1 skips the `tsc -b` step (specs that start services use their dist/).
# Exits with jest's exit code.
set -euo pipefail

# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

TEST_VHOST=slotbook-test
DEVDB_PID=""
DEVDB_TMP=""

# shellcheck disable=SC2317 # invoked by the trap below
cleanup() {
  local code=$?
  if [[ -n "$DEVDB_PID" ]] && kill -0 "$DEVDB_PID" 2>/dev/null; then
    kill -TERM "$DEVDB_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$DEVDB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DEVDB_PID" 2>/dev/null || true
  fi
  if [[ -n "$DEVDB_TMP" ]]; then rm -rf "$DEVDB_TMP"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_node_modules

# RabbitMQ
ensure_rabbitmq
if [[ -z "${AMQP_URL:-}" ]]; then
  AMQP_URL="amqp://guest:guest@127.0.0.1:5672"
  if command -v rabbitmqctl >/dev/null 2>&1 && vhosts=$(timeout 30 rabbitmqctl -q list_vhosts 2>/dev/null); then
    if ! grep -qx "$TEST_VHOST" <<<"$vhosts"; then
      timeout 30 rabbitmqctl -q add_vhost "$TEST_VHOST" >/dev/null
    fi
    timeout 30 rabbitmqctl -q set_permissions -p "$TEST_VHOST" guest '.*' '.*' '.*' >/dev/null
    AMQP_URL="amqp://guest:guest@127.0.0.1:5672/$TEST_VHOST"
  else
    log "rabbitmqctl is not usable here: the tests use RabbitMQ's default vhost"
  fi
fi

# Redis
ensure_redis
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"

# MongoDB
if [[ -n "${MONGO_URL:-}" ]]; then
  check_url_reachable MONGO_URL "$MONGO_URL"
else
  ensure_devdb_binary
  DEVDB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/slotbook-test-devdb.XXXXXX")
  port=$(free_port)
  start_devdb "$port" "$DEVDB_TMP/data" "$DEVDB_TMP/devdb.log"
  MONGO_URL="mongodb://127.0.0.1:$port"
fi

export AMQP_URL REDIS_URL MONGO_URL
log "tests use AMQP_URL=${AMQP_URL/\/\/*@/\/\/***@} REDIS_URL=$REDIS_URL MONGO_URL=${MONGO_URL/\/\/*@/\/\/***@}"

if [[ "${SLOTBOOK_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (npx tsc -b tsconfig.build.json)"
  npx tsc -b tsconfig.build.json
fi

code=0
if (($# > 0)); then
  npx jest --ci "$@" || code=$?
  exit "$code"
fi

# Unit specs run in parallel; integration and e2e specs start services that share the broker's
# queues, so they run one file at a time.
RESULTS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/slotbook-test-results.XXXXXX")
npx jest --ci --selectProjects unit --json --outputFile "$RESULTS_DIR/unit.json" || code=$?
npx jest --ci --selectProjects integration e2e --runInBand --forceExit --json --outputFile "$RESULTS_DIR/slow.json" || code=$?
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const result = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
' "$RESULTS_DIR/unit.json" "$RESULTS_DIR/slow.json"
rm -rf "$RESULTS_DIR"
exit "$code"
