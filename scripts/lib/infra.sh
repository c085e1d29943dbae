# shellcheck shell=bash
# Shared helpers for scripts/up.sh, scripts/down.sh and scripts/test.sh (SPEC §8).
# Source it; it defines functions and a few variables and changes nothing by itself.
#
#   SLOTBOOK_ROOT   the repository root (wherever the caller was started from)
#   RUN_DIR         .run/: logs, pid files and the JWT key pair of the local platform
#   DEVDB_BIN       tools/devdb/bin/devdb, the FerretDB-based MongoDB stand-in
#   DEVDB_PG_SERVER set by ensure_postgres: the PostgreSQL server devdb keeps its data in

SLOTBOOK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$SLOTBOOK_ROOT/.run"
DEVDB_DIR="$SLOTBOOK_ROOT/tools/devdb"
DEVDB_BIN="$DEVDB_DIR/bin/devdb"

# Go is often installed outside PATH on these machines.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="$PATH:/usr/local/go/bin"
fi

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the child bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# wait_port HOST PORT SECONDS [PID]: wait until the port accepts connections; gives up early
# when PID (the process that should open it) has exited.
wait_port() {
  local host=$1 port=$2 seconds=$3 pid=${4:-}
  local deadline=$((SECONDS + seconds))
  until port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.3
  done
}

# free_port: prints a TCP port nobody listens on right now, below the kernel's ephemeral range
# (whose ports outgoing connections take at any moment), as libs/testing's freePort does.
free_port() {
  node -e "
    const net = require('net');
    const tryPort = (n) => {
      const port = 20000 + Math.floor(Math.random() * 12000);
      const s = net.createServer();
      s.once('error', () => (n > 0 ? tryPort(n - 1) : process.exit(1)));
      s.listen(port, () => s.close(() => console.log(port)));
    };
    tryPort(100);"
}

# url_host_port URL: prints "HOST PORT" for a single-host URL (default port per scheme), or
# nothing when the URL cannot be probed that simply (several hosts, mongodb+srv, unix socket).
url_host_port() {
  local url=$1 scheme rest authority host port
  scheme=${url%%://*}
  rest=${url#*://}
  authority=${rest%%[/?]*}
  authority=${authority##*@}
  [[ "$scheme" == "mongodb+srv" || "$authority" == *,* || -z "$authority" ]] && return 0
  if [[ "$authority" =~ ^\[(.*)\](:([0-9]+))?$ ]]; then
    host=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]}
  elif [[ "$authority" =~ ^([^:]+)(:([0-9]+))?$ ]]; then
    host=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]}
  else
    return 0
  fi
  if [[ -z "$port" ]]; then
    case "$scheme" in
      amqp) port=5672 ;; amqps) port=5671 ;;
      redis | rediss) port=6379 ;;
      mongodb) port=27017 ;;
      postgres | postgresql) port=5432 ;;
      *) return 0 ;;
    esac
  fi
  printf '%s %s\n' "$host" "$port"
}

# check_url_reachable NAME URL: fail clearly when a URL given by the caller cannot be reached.
check_url_reachable() {
  local name=$1 url=$2 hp
  hp=$(url_host_port "$url")
  [[ -z "$hp" ]] && return 0
  # shellcheck disable=SC2086 # "HOST PORT" splits into two arguments on purpose
  port_open $hp || die "$name is set but nothing answers on ${hp/ /:}; start it or fix $name"
}

# url_with_database BASE DATABASE: BASE with its database path replaced by DATABASE
# (mongodb://h:1 -> mongodb://h:1/DATABASE; the query string, if any, is kept).
url_with_database() {
  local base=$1 db=$2 scheme rest query="" authority
  scheme=${base%%://*}
  rest=${base#*://}
  if [[ "$rest" == *\?* ]]; then
    query="?${rest#*\?}"
    rest=${rest%%\?*}
  fi
  authority=${rest%%/*}
  printf '%s://%s/%s%s\n' "$scheme" "$authority" "$db" "$query"
}

# mongo_url_for BASE DATABASE: the MongoDB URL of DATABASE on the server of BASE.
mongo_url_for() { url_with_database "$@"; }

# ensure_node_modules: `npm ci` when node_modules is missing or older than package-lock.json.
ensure_node_modules() {
  local marker="$SLOTBOOK_ROOT/node_modules/.package-lock.json"
  if [[ ! -d "$SLOTBOOK_ROOT/node_modules" || ! -f "$marker" || "$SLOTBOOK_ROOT/package-lock.json" -nt "$marker" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is not installed (Node.js >= 20 is required)"
    log "installing dependencies (npm ci)"
    (cd "$SLOTBOOK_ROOT" && npm ci --no-audit --no-fund)
  fi
}

# ensure_local_server NAME PORT BINARY VAR START_COMMAND...: make sure something listens on
# 127.0.0.1:PORT, starting it with START_COMMAND when BINARY is installed.
ensure_local_server() {
  local name=$1 port=$2 binary=$3 var=$4
  shift 4
  port_open 127.0.0.1 "$port" && return 0
  if ! command -v "$binary" >/dev/null 2>&1; then
    die "$name is not reachable on 127.0.0.1:$port and $binary is not installed; set $var"
  fi
  log "starting $name ($*)"
  "$@" >/dev/null || die "$name is not reachable on 127.0.0.1:$port and '$*' failed; set $var"
  wait_port 127.0.0.1 "$port" 90 ||
    die "$name was started but does not answer on 127.0.0.1:$port after 90 s; set $var"
}

# ensure_rabbitmq: AMQP_URL when set (checked), else a RabbitMQ on 127.0.0.1:5672.
ensure_rabbitmq() {
  if [[ -n "${AMQP_URL:-}" ]]; then
    check_url_reachable AMQP_URL "$AMQP_URL"
    return 0
  fi
  ensure_local_server RabbitMQ 5672 rabbitmq-server AMQP_URL rabbitmq-server -detached
}

# ensure_redis: REDIS_URL when set (checked), else a Redis on 127.0.0.1:6379.
ensure_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then
    check_url_reachable REDIS_URL "$REDIS_URL"
    return 0
  fi
  ensure_local_server Redis 6379 redis-server REDIS_URL \
    redis-server --daemonize yes --port 6379 --save "" --appendonly no
}

# ensure_postgres: the PostgreSQL server devdb keeps its data in (SPEC §8): DEVDB_POSTGRESQL_URL
# when set (checked; its database part is replaced by the caller's), else 127.0.0.1:5432 as
# user postgres, started with pg_ctlcluster when it is installed but not running. Sets
# DEVDB_PG_SERVER.
ensure_postgres() {
  if [[ -n "${DEVDB_POSTGRESQL_URL:-}" ]]; then
    check_url_reachable DEVDB_POSTGRESQL_URL "$DEVDB_POSTGRESQL_URL"
    DEVDB_PG_SERVER=$DEVDB_POSTGRESQL_URL
    return 0
  fi
  DEVDB_PG_SERVER="postgres://postgres@127.0.0.1:5432"
  port_open 127.0.0.1 5432 && return 0
  local version=""
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
  fi
  [[ -n "$version" ]] ||
    die "devdb needs PostgreSQL: nothing answers on 127.0.0.1:5432 and pg_ctlcluster is not installed; start PostgreSQL, or set DEVDB_POSTGRESQL_URL (e.g. postgres://user:password@host:5432) or MONGO_URL"
  log "starting PostgreSQL $version (pg_ctlcluster $version main start)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 ||
    die "PostgreSQL is not reachable on 127.0.0.1:5432 and 'pg_ctlcluster $version main start' failed; set DEVDB_POSTGRESQL_URL or MONGO_URL"
  wait_port 127.0.0.1 5432 60 ||
    die "PostgreSQL was started but does not answer on 127.0.0.1:5432 after 60 s; set DEVDB_POSTGRESQL_URL or MONGO_URL"
}

# ensure_devdb_binary: build tools/devdb when its binary is missing or older than its source.
ensure_devdb_binary() {
  local stale=0 f
  if [[ ! -x "$DEVDB_BIN" ]]; then
    stale=1
  else
    for f in "$DEVDB_DIR"/*.go "$DEVDB_DIR/go.mod" "$DEVDB_DIR/go.sum" "$DEVDB_DIR/build.sh" \
      $(find "$DEVDB_DIR/_ferretdb" -name '*.go'); do
      [[ -f "$f" && "$f" -nt "$DEVDB_BIN" ]] && stale=1
    done
  fi
  ((stale)) || return 0
  command -v go >/dev/null 2>&1 ||
    die "MongoDB: MONGO_URL is not set and tools/devdb cannot be built because Go is not installed; install Go (>= the version in tools/devdb/go.mod) or set MONGO_URL"
  log "building tools/devdb (FerretDB stand-in for MongoDB; the first build takes a few minutes)"
  "$DEVDB_DIR/build.sh" || die "building tools/devdb failed (see above); or set MONGO_URL"
}

# start_devdb PORT POSTGRESQL_URL LOG_FILE: start devdb in the background on 127.0.0.1:PORT,
# keeping its data in the PostgreSQL database of POSTGRESQL_URL (devdb creates it when missing),
# and wait until it accepts connections. Sets DEVDB_PID.
start_devdb() {
  local port=$1 pg_url=$2 logfile=$3
  ensure_devdb_binary
  log "starting devdb on 127.0.0.1:$port (data in PostgreSQL ${pg_url/\/\/*@/\/\/***@})"
  detach "$DEVDB_BIN" -listen "127.0.0.1:$port" -postgresql-url "$pg_url" >"$logfile" 2>&1
  DEVDB_PID=$!
  if ! wait_port 127.0.0.1 "$port" 60 "$DEVDB_PID"; then
    tail -n 30 "$logfile" >&2 || true
    die "devdb did not start on 127.0.0.1:$port (log: $logfile); or set MONGO_URL"
  fi
}

# drop_devdb_database POSTGRESQL_URL: drop the PostgreSQL database a devdb kept its data in.
drop_devdb_database() {
  "$DEVDB_BIN" -postgresql-url "$1" -drop-database
}

# detach COMMAND...: run COMMAND in the background in its own session, so that it outlives the
# script and the terminal; $! is the command's own pid. Redirect its output at the call site.
detach() {
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup "$@" </dev/null &
  else
    nohup "$@" </dev/null &
  fi
}

# ensure_jwt_keys: an Ed25519 key pair in .run/ (private PKCS#8 PEM, public SPKI PEM).
ensure_jwt_keys() {
  local private="$RUN_DIR/jwt-private.pem" public="$RUN_DIR/jwt-public.pem"
  mkdir -p "$RUN_DIR"
  if [[ -s "$private" && -s "$public" ]]; then return 0; fi
  log "generating the JWT signing key pair in .run/"
  (
    umask 077
    if command -v openssl >/dev/null 2>&1; then
      openssl genpkey -algorithm ed25519 -out "$private"
      openssl pkey -in "$private" -pubout -out "$public"
    else
      node -e "
        const { generateKeyPairSync } = require('crypto');
        const fs = require('fs');
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        fs.writeFileSync(process.argv[1], privateKey.export({ type: 'pkcs8', format: 'pem' }));
        fs.writeFileSync(process.argv[2], publicKey.export({ type: 'spki', format: 'pem' }));
      " "$private" "$public"
    fi
  )
  chmod 644 "$public"
}

# pid_running PIDFILE PATTERN: prints the pid recorded in PIDFILE when that process is alive and
# its command line contains PATTERN (so a recycled pid is never mistaken for ours).
pid_running() {
  local pidfile=$1 pattern=$2 pid args
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  args=$(ps -p "$pid" -o args= 2>/dev/null) || return 1
  [[ "$args" == *"$pattern"* ]] || return 1
  printf '%s\n' "$pid"
}

# stop_pidfile NAME PIDFILE PATTERN [SECONDS]: SIGTERM the recorded process (graceful shutdown),
# SIGKILL it after SECONDS (default 20), and remove the pid file.
stop_pidfile() {
  local name=$1 pidfile=$2 pattern=$3 seconds=${4:-20} pid deadline
  if pid=$(pid_running "$pidfile" "$pattern"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + seconds))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "$name did not stop within ${seconds}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$pidfile"
}

# http_ok URL: true when GET URL answers 2xx.
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else
    node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$1"
  fi
}

# docker_available: a Docker engine answers (not only a docker CLI).
docker_available() {
  command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1 &&
    docker compose version >/dev/null 2>&1
}

# build_all: compiles the libs and services (tsc -b), then the web app, which generates its API
# types from the gateway it was just compiled with (apps/web/scripts/build.mjs).
build_all() {
  log "building (npx tsc -b tsconfig.build.json, then apps/web)"
  npx tsc -b tsconfig.build.json >&2 || return 1
  npm run --silent build --workspace @slotbook/web >&2 || return 1
}

# ensure_chromium: the browser specs (apps/web/test/e2e) drive Debian's chromium at
# /usr/bin/chromium (never a browser download); installed with apt-get when absent.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "the browser specs need /usr/bin/chromium (Debian's chromium package); apt-get is not available to install it"
  log "installing Debian's chromium for the browser specs (apt-get install -y chromium)"
  local sudo=""
  if ((EUID != 0)); then sudo="sudo"; fi
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2 ||
    die "apt-get install chromium failed; the browser specs need /usr/bin/chromium"
}
