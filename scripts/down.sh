#!/usr/bin/env bash
# Stops what scripts/up.sh started: the six services and the mail sink (graceful SIGTERM, pids in .run/*.pid) and
# the devdb it started, if any. A devdb or MongoDB that up.sh found already running, RabbitMQ and
# Redis are left alone. With a Docker engine, also `docker compose down` (volumes are kept).
set -euo pipefail

# shellcheck source=scripts/lib/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra.sh"
cd "$SLOTBOOK_ROOT"

for service in gateway notifications webhooks booking availability identity; do
  stop_pidfile "$service" "$RUN_DIR/$service.pid" "services/$service/dist/main.js"
done
stop_pidfile mail-sink "$RUN_DIR/mail-sink.pid" scripts/mail-sink.js
stop_pidfile devdb "$RUN_DIR/devdb.pid" devdb

if docker_available; then
  # docker-compose.yml requires the JWT keys to be set for any command; here they do not matter.
  export JWT_PRIVATE_KEY="${JWT_PRIVATE_KEY:-unused}" JWT_PUBLIC_KEY="${JWT_PUBLIC_KEY:-unused}"
  if [[ -n "$(docker compose ps -q 2>/dev/null || true)" ]]; then docker compose down; fi
fi
log "stopped"
