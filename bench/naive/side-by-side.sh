#!/usr/bin/env bash
# Issue 16 from outside: Slotbook against a naive Express + mongoose booking API
# (bench/naive/naive-api.ts) on the same devdb, driven by the same load generator
# (/work/shared/tools/cost/load.mjs: distinct slots, creates for SECONDS at CONNECTIONS), run
# alternately slotbook, naive, slotbook, naive, ... Each run's CPU is measured as
# /work/shared/tools/cost/breakdown.sh measures it: /proc/<pid>/stat of every process before the
# generator starts and after 5 s of drain (its set-up, registrations and logins, included),
# divided by the 201s; Slotbook's is taken once its services are quiet too (its mails of the
# run may still be going out 5 s later: they are its cost, not the next run's). `cpuMsPerCreate` sums the system's own processes and the devdb and
# PostgreSQL under both (Slotbook: its six services, the mail sink, devdb, PostgreSQL, RabbitMQ, Redis;
# naive: the naive API, devdb, PostgreSQL); `cpuMsPerCreateAllGroups` adds the other system's
# idle processes. Prints one JSON line per run, then the ratio line issue 16 is judged by:
# Slotbook's creates/s at least 1.5x the naive API's, at no more CPU per create.
#
#   bash scripts/up.sh                             # Slotbook on :3000, devdb on :27017
#   npm run bench:naive                            # 2 rounds of 20 s at 64 connections
#   npm run bench:naive -- 5 64 1                  # SECONDS CONNECTIONS ROUNDS
#
# Knobs: GATEWAY (http://127.0.0.1:3000), MONGO_URL (mongodb://127.0.0.1:27017, the devdb of
# scripts/up.sh), NAIVE_PORT (3100), NAIVE_DB (naive_bench, dropped at start), PG_DATABASE
# (slotbook_devdb, where that devdb keeps its data), COST_TOOLS (/work/shared/tools/cost),
# DRAIN_SECONDS (5), SLOTBOOK_RUN_DIR (.run: the pid files of the Slotbook services to count).
# Run it on an otherwise quiet machine; `otherCores` in each line says how busy the rest of the
# machine was.
set -euo pipefail
# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

RUN_SECONDS=${1:-20}
CONNECTIONS=${2:-64}
ROUNDS=${3:-2}
GATEWAY=${GATEWAY:-http://127.0.0.1:3000}
MONGO_URL=${MONGO_URL:-mongodb://127.0.0.1:27017}
NAIVE_PORT=${NAIVE_PORT:-3100}
NAIVE_DB=${NAIVE_DB:-naive_bench}
NAIVE_URL="http://127.0.0.1:$NAIVE_PORT"
DRAIN_SECONDS=${DRAIN_SECONDS:-5}
export PG_DATABASE=${PG_DATABASE:-slotbook_devdb}
COST_HERE=${COST_TOOLS:-/work/shared/tools/cost}
TSX=(node_modules/.bin/tsx --tsconfig tsconfig.spec.json)
SLOTBOOK_RUN_DIR=${SLOTBOOK_RUN_DIR:-$RUN_DIR}

[[ -f "$COST_HERE/load.mjs" ]] || die "no load generator at $COST_HERE/load.mjs; set COST_TOOLS"
# shellcheck source=/dev/null
source "$COST_HERE/lib.sh" # cost_deps: autocannon and load.mjs in $COST_DEPS, outside the repo
ensure_node_modules
http_ok "$GATEWAY/health/ready" || die "Slotbook is not up at $GATEWAY; start it with bash scripts/up.sh"
port_open 127.0.0.1 "$NAIVE_PORT" && die "port $NAIVE_PORT is taken; set NAIVE_PORT"
read -r mongo_host mongo_port <<<"$(url_host_port "$MONGO_URL")"
export DEVDB_LISTEN="$mongo_host:$mongo_port"

# The services of this checkout's scripts/up.sh, so that services of other runs on the machine
# are not counted; without pid files, every Slotbook service process counts.
pids=()
for service in gateway identity availability booking webhooks notifications; do
  if pid=$(pid_running "$SLOTBOOK_RUN_DIR/$service.pid" "services/$service/dist/main.js"); then
    pids+=("$pid")
  fi
done
SLOTBOOK_PIDS=$(IFS=,; echo "${pids[*]}")
export SLOTBOOK_PIDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slotbook-naive-bench.XXXXXX")
NAIVE_PID=""
# shellcheck disable=SC2317 # invoked by the trap below
cleanup() {
  local code=$?
  if [[ -n "$NAIVE_PID" ]]; then
    kill -TERM -- "-$NAIVE_PID" 2>/dev/null || true
    wait "$NAIVE_PID" 2>/dev/null || true
  fi
  if ((code != 0)) && [[ -f "$WORK/naive-api.log" ]]; then
    printf 'last lines of the naive API log:\n' >&2
    tail -n 20 "$WORK/naive-api.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cost_deps
log "starting the naive API on $NAIVE_URL (database $NAIVE_DB on $DEVDB_LISTEN)"
# Its own process group (setsid), so that tsx and the node process it runs stop together.
PORT=$NAIVE_PORT MONGO_URL=$MONGO_URL NAIVE_DB=$NAIVE_DB NAIVE_RESET=1 \
  setsid "${TSX[@]}" bench/naive/naive-api.ts >"$WORK/naive-api.log" 2>&1 </dev/null &
NAIVE_PID=$!
deadline=$((SECONDS + 60))
until http_ok "$NAIVE_URL/api/v1/health"; do
  kill -0 "$NAIVE_PID" 2>/dev/null || die "the naive API exited during start"
  ((SECONDS < deadline)) || die "the naive API is not ready after 60 s"
  sleep 0.5
done

sample() { "${TSX[@]}" bench/naive/cpu-per-create.ts sample; }
# CPU ticks (10 ms) the Slotbook services have spent so far.
slotbook_ticks() {
  local total=0 pid
  for pid in ${SLOTBOOK_PIDS//,/ }; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# Waits (at most 60 s) until the Slotbook services spend under 200 ms of CPU in a second.
wait_quiet() {
  local last now i
  last=$(slotbook_ticks)
  for ((i = 0; i < 60; i++)); do
    sleep 1
    now=$(slotbook_ticks)
    ((now - last < 20)) && return 0
    last=$now
  done
  log "Slotbook was still busy 60 s after its run"
}
log "$ROUNDS rounds of slotbook then naive, ${RUN_SECONDS} s at $CONNECTIONS connections each"
for ((round = 1; round <= ROUNDS; round++)); do
  for system in slotbook naive; do
    url=$GATEWAY
    [[ "$system" == naive ]] && url=$NAIVE_URL
    before=$(sample)
    # load.mjs knows one system, 'slotbook'; the naive API answers the same requests.
    load=$(node "$COST_DEPS/load.mjs" slotbook "$url" "$RUN_SECONDS" "$CONNECTIONS" | tail -n 1)
    sleep "$DRAIN_SECONDS"
    [[ "$system" == slotbook ]] && wait_quiet
    after=$(sample)
    "${TSX[@]}" bench/naive/cpu-per-create.ts line "$system" "$round" "$load" "$before" "$after" |
      tee -a "$WORK/runs.jsonl"
  done
done
"${TSX[@]}" bench/naive/cpu-per-create.ts summary "$WORK/runs.jsonl"
