#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, e2e) on a fresh clone (SPEC §8):
#
#   scripts/test.sh [jest arguments...]      e.g. scripts/test.sh --selectProjects unit
#
# Infrastructure: AMQP_URL, REDIS_URL and MONGO_URL (a server URL without a database; tests
# choose their own database names) are used when set. Otherwise:
#   - RabbitMQ on 127.0.0.1:5672 (started if installed), in a vhost of this run's own
#     (`slotbook-test-<pid>`, deleted at exit) when rabbitmqctl works, so tests never take the
#     commands of a platform started by scripts/up.sh, nor of another test run;
#   - Redis on 127.0.0.1:6379 (started if installed), database 15;
#   - a fresh devdb (FerretDB on PostgreSQL, built from tools/devdb with Go) on a free port,
#     keeping its data in a new PostgreSQL database of its own (slotbook_test_<time>_<pid>) on
#     DEVDB_POSTGRESQL_URL's server, else 127.0.0.1:5432 (started with pg_ctlcluster if
#     installed); devdb is stopped and its database dropped at exit.
# Without jest arguments it runs everything: tools/devdb's Go tests (go vet, go test; when Go is
# installed), then the unit specs, then the integration and e2e specs one file at a time.
# SLOTBOOK_SKIP_BUILD=1 skips the build (`tsc -b`, then apps/web; specs that start services use
# their dist/, the browser specs apps/web/dist). The browser specs drive /usr/bin/chromium: when
# it is missing, Debian's chromium package is installed with apt-get.
# Exits non-zero when any step failed (jest's exit code, or 1 for the Go tests).
set -euo pipefail

# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

TEST_VHOST="slotbook-test-$$"
VHOST_CREATED=""
DEVDB_PID=""
DEVDB_TMP=""
DEVDB_PG_URL=""

# shellcheck disable=SC2317 # invoked by the trap below
cleanup() {
  local code=$?
  if [[ -n "$DEVDB_PID" ]] && kill -0 "$DEVDB_PID" 2>/dev/null; then
    kill -TERM "$DEVDB_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$DEVDB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DEVDB_PID" 2>/dev/null || true
  fi
  if [[ -n "$DEVDB_PG_URL" ]]; then
    drop_devdb_database "$DEVDB_PG_URL" || log "could not drop devdb's PostgreSQL database (${DEVDB_PG_URL##*/})"
  fi
  if [[ -n "$DEVDB_TMP" ]]; then rm -rf "$DEVDB_TMP"; fi
  if [[ -n "$VHOST_CREATED" ]]; then
    timeout 30 rabbitmqctl -q delete_vhost "$TEST_VHOST" >/dev/null 2>&1 || log "could not delete the vhost $TEST_VHOST"
  fi
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
  if command -v rabbitmqctl >/dev/null 2>&1 && timeout 30 rabbitmqctl -q add_vhost "$TEST_VHOST" >/dev/null 2>&1; then
    VHOST_CREATED=1
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
  ensure_postgres
  ensure_devdb_binary
  DEVDB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/slotbook-test-devdb.XXXXXX")
  DEVDB_PG_URL=$(url_with_database "$DEVDB_PG_SERVER" "slotbook_test_$(date +%Y%m%d%H%M%S)_$$")
  port=$(free_port)
  start_devdb "$port" "$DEVDB_PG_URL" "$DEVDB_TMP/devdb.log"
  MONGO_URL="mongodb://127.0.0.1:$port"
fi

export AMQP_URL REDIS_URL MONGO_URL
log "tests use AMQP_URL=${AMQP_URL/\/\/*@/\/\/***@} REDIS_URL=$REDIS_URL MONGO_URL=${MONGO_URL/\/\/*@/\/\/***@}"

if [[ "${SLOTBOOK_SKIP_BUILD:-0}" != 1 ]]; then
  build_all
fi

# The browser specs run in the e2e project; any run that may include them needs chromium.
if (($# == 0)) || [[ " $* " == *" e2e "* || " $* " == *"apps/"* ]]; then
  ensure_chromium
fi

code=0
if (($# > 0)); then
  npx jest --ci "$@" || code=$?
  exit "$code"
fi

# tools/devdb's own tests: the wire-protocol parsing, the locks and the relay.
if command -v go >/dev/null 2>&1; then
  log "testing tools/devdb (go vet, go test)"
  (cd "$DEVDB_DIR" && go vet ./... && go test ./...) || code=1
else
  log "Go is not installed: skipping tools/devdb's Go tests"
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
