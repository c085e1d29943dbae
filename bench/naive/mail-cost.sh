#!/usr/bin/env bash
# What a booking's mail costs on its own, on the platform of scripts/up.sh: notifications is
# stopped, SECONDS of creates are made (load.mjs, as bench:naive makes them), then notifications
# is started again with the environment it had and the CPU of every process is counted while it
# works off the backlog alone (its start included), divided by the events it took. Prints one
# line: ms of CPU per booking event (two mails: the guest's and the host's) of notifications, the
# mail sink, devdb, PostgreSQL (devdb's database), RabbitMQ and the other services.
#
#   bash scripts/up.sh && bash bench/naive/mail-cost.sh 15
set -euo pipefail
# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/infra.sh"
cd "$SLOTBOOK_ROOT"
RUN_SECONDS=${1:-15}
QUEUE=notifications.booking-events
COST_HERE=${COST_TOOLS:-/work/shared/tools/cost}
# shellcheck source=/dev/null
source "$COST_HERE/lib.sh"
cost_deps

pid=$(pid_running "$RUN_DIR/notifications.pid" services/notifications/dist/main.js) ||
  die "notifications is not running; start the platform with bash scripts/up.sh"
sink=$(pid_running "$RUN_DIR/mail-sink.pid" scripts/mail-sink.js) || die "the mail sink is not running"
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
tr '\0' '\n' <"/proc/$pid/environ" >"$env_file"
backlog() { rabbitmqctl -q list_queues name messages | awk -v q="$QUEUE" '$1 == q { print $2 }'; }
[[ "$(backlog)" == 0 ]] || die "$QUEUE holds $(backlog) events already: let notifications take them first"
stop_pidfile notifications "$RUN_DIR/notifications.pid" services/notifications/dist/main.js
node "$COST_DEPS/load.mjs" slotbook http://127.0.0.1:3000 "$RUN_SECONDS" 64 | tail -n 1 >&2
sleep 5

ticks() {
  local total=0 p
  for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}
events=$(backlog)
devdb=$(<"$RUN_DIR/devdb.pid")
mapfile -t postgres < <(pgrep -f 'postgres: .*slotbook_devdb')
mapfile -t rabbitmq < <(pgrep beam.smp)
others=()
for service in gateway identity availability booking webhooks; do others+=("$(<"$RUN_DIR/$service.pid")"); done
before=("$(ticks "$sink")" "$(ticks "$devdb")" "$(ticks "${postgres[@]}")" "$(ticks "${rabbitmq[@]}")" "$(ticks "${others[@]}")")
# shellcheck disable=SC2046 # one argument per variable of the saved environment
detach env -i $(<"$env_file") node services/notifications/dist/main.js >>"$RUN_DIR/notifications.log" 2>&1
new=$!
echo "$new" >"$RUN_DIR/notifications.pid"
started=$SECONDS
until [[ "$(backlog)" == 0 ]]; do
  ((SECONDS - started < 300)) || die "notifications has not taken its backlog after 300 s"
  sleep 1
done
sleep 2
after=("$(ticks "$sink")" "$(ticks "$devdb")" "$(ticks "${postgres[@]}")" "$(ticks "${rabbitmq[@]}")" "$(ticks "${others[@]}")")
node -e '
const [events, seconds, notifications, ...rest] = process.argv.slice(1).map(Number);
const names = ["mail-sink", "devdb", "postgres", "rabbitmq", "other services"];
const per = (ticks) => Number(((ticks * 10) / events).toFixed(2));
const line = { events, seconds, msPerEvent: { notifications: per(notifications) } };
rest.forEach((ticks, i) => (line.msPerEvent[names[i]] = per(ticks)));
line.msPerEvent.total = per(notifications + rest.reduce((a, b) => a + b, 0));
console.log(JSON.stringify(line));' "$events" "$((SECONDS - started))" "$(ticks "$new")" \
  $((after[0] - before[0])) $((after[1] - before[1])) $((after[2] - before[2])) \
  $((after[3] - before[3])) $((after[4] - before[4]))
