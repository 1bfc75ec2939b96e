#!/usr/bin/env bash
# The production topology on loopback, from Debian's packages (no container runtime needed): a PostgreSQL of
# its own, `laget db upgrade` and the demo load as one-shots, two `laget run` replicas on their own ports, and
# nginx with deploy/nginx/laget.conf (TLS, sticky sessions, websocket upgrade) in front of both.
#
#   bash scripts/cluster.sh start|stop|status|clean
#
# Settings (environment):
#   LAGET_CLUSTER_DIR        state folder: logs, pids, nginx config, cookie key (default: .cluster in the checkout)
#   LAGET_CLUSTER_PORT       nginx's HTTPS port on 127.0.0.1 (default 8443); the printed URL
#   LAGET_CLUSTER_APP_PORTS  the replicas' ports, space separated (default "8511 8512")
#   LAGET_CLUSTER_PG_PORT    the cluster's own PostgreSQL port (default 5442)
#   LAGET_CLUSTER_DATABASE_URL  use this database instead of starting a PostgreSQL of its own
#   LAGET_CLUSTER_DEMO       1 (default): load the demo plans and demo users (password laget-demo); 0: empty
#   LAGET_CLUSTER_PYTHON     the Python with Laget installed (default .venv/bin/python, else python3)
# Other LAGET_* variables pass through to the replicas. The replicas run in an empty folder, not the checkout,
# as they would from a systemd unit or in the image. tests/e2e/test_cluster.py drives this script.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${LAGET_CLUSTER_DIR:-$ROOT/.cluster}"
PORT="${LAGET_CLUSTER_PORT:-8443}"
APP_PORTS="${LAGET_CLUSTER_APP_PORTS:-8511 8512}"
PG_PORT="${LAGET_CLUSTER_PG_PORT:-5442}"
if [ -n "${LAGET_CLUSTER_PYTHON:-}" ]; then PY="$LAGET_CLUSTER_PYTHON"
elif [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"
else PY=python3; fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's code, whichever venv runs it
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
# PostgreSQL refuses to run as root: then its folder belongs to the postgres user, outside a private tmp folder.
if [ "$(id -u)" = 0 ]; then PG_DIR="/tmp/laget-cluster-pg-$PG_PORT"; AS_PG=(runuser -u postgres --)
else PG_DIR="$DIR/pg"; AS_PG=(); fi

say() { echo "cluster: $*"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || return 1
    sleep 0.3
  done
}

database_url() {
  if [ -n "${LAGET_CLUSTER_DATABASE_URL:-}" ]; then echo "$LAGET_CLUSTER_DATABASE_URL"
  else echo "postgresql+psycopg://laget:laget@127.0.0.1:$PG_PORT/laget"; fi
}

start_postgres() {
  [ -z "${LAGET_CLUSTER_DATABASE_URL:-}" ] || return 0
  [ -n "$PG_BIN" ] || { echo "cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    chmod 700 "$PG_DIR"
    [ "$(id -u)" != 0 ] || chown postgres: "$PG_DIR"
    echo laget > "$PG_DIR/pwfile"
    [ "$(id -u)" != 0 ] || chown postgres: "$PG_DIR/pwfile"
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U laget --pwfile="$PG_DIR/pwfile" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  fi
  if ! "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off" start >/dev/null
  fi
  PGPASSWORD=laget wait_for 30 "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U laget -d postgres -qAtc 'select 1' \
    || { echo "cluster: PostgreSQL did not start" >&2; cat "$PG_DIR/postgres.log" >&2; exit 1; }
  PGPASSWORD=laget "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U laget -d postgres -qAtc \
    "select 1 from pg_database where datname='laget'" | grep -q 1 \
    || PGPASSWORD=laget "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U laget laget
  say "PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

laget() {  # the laget command of this checkout, run from the state folder like a service would
  (cd "$DIR/run" && DATABASE_URL="$(database_url)" LAGET_COOKIE_KEY="$(cat "$DIR/cookie_key")" \
    "$PY" -m dashboard.cli "$@")
}

start_replica() {
  local port=$1
  if alive "$DIR/app-$port.pid"; then return 0; fi
  (cd "$DIR/run" && DATABASE_URL="$(database_url)" LAGET_COOKIE_KEY="$(cat "$DIR/cookie_key")" \
    LAGET_TRUSTED_PROXIES=1 LAGET_LOAD_DEMO=0 LAGET_BASE_URL="https://127.0.0.1:$PORT" \
    exec setsid "$PY" -m dashboard.cli run --server.port "$port" --server.address 127.0.0.1 \
      --server.headless true >"$DIR/app-$port.log" 2>&1 < /dev/null) &
  echo $! > "$DIR/app-$port.pid"
}

render_nginx() {
  local replicas=() p
  for p in $APP_PORTS; do replicas+=("127.0.0.1:$p"); done
  mkdir -p "$DIR/nginx"
  sh "$ROOT/deploy/nginx/replicas.sh" "${replicas[@]}" >"$DIR/nginx/laget-replicas.conf"
  [ -f "$DIR/nginx/laget.crt" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" -keyout "$DIR/nginx/laget.key" \
    -out "$DIR/nginx/laget.crt" >/dev/null 2>&1
  PORT="$PORT" DIR="$DIR" "$PY" - "$ROOT/deploy/nginx/laget.conf" \
    >"$DIR/nginx/laget.conf" <<'PYEOF'
import os, re, sys
text = open(sys.argv[1]).read()
assert "include /etc/nginx/laget-replicas.conf;" in text, "deploy/nginx/laget.conf: the replicas' include changed"
text = text.replace("include /etc/nginx/laget-replicas.conf;", f"include {os.environ['DIR']}/nginx/laget-replicas.conf;")
text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{os.environ['PORT']} ssl http2;")
text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
# the plain-HTTP server (a redirect to HTTPS) is left out: its port 80 is not ours on a shared machine
text = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", text, flags=re.S)
d = os.environ["DIR"]
text = text.replace("/etc/nginx/certs/laget.crt", f"{d}/nginx/laget.crt")
text = text.replace("/etc/nginx/certs/laget.key", f"{d}/nginx/laget.key")
print(text)
PYEOF
  local temp="" kind
  for kind in client_body proxy fastcgi uwsgi scgi; do temp+="    ${kind}_temp_path $DIR/nginx/$kind;"$'\n'; done
  local user=""  # as root, nginx's workers would run as nobody, who cannot enter a private state folder
  [ "$(id -u)" != 0 ] || user="user root;"
  cat >"$DIR/nginx/nginx.conf" <<EOF
$user
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log info;
worker_processes 1;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    # which replica answered each request, and for which browser (its route cookie): tests/e2e/test_cluster.py
    log_format laget '\$remote_addr [\$time_local] "\$request" \$status upstream=\$upstream_addr route=\$cookie_laget_route';
    access_log $DIR/nginx/access.log laget;
$temp
    include $DIR/nginx/laget.conf;
}
EOF
}

start() {
  [ -x "$NGINX" ] || { echo "cluster: nginx is not installed (apt-get install nginx)" >&2; exit 1; }
  mkdir -p "$DIR/run"
  [ -s "$DIR/cookie_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(32))" > "$DIR/cookie_key"
  chmod 600 "$DIR/cookie_key"
  start_postgres
  say "one-shot: laget db upgrade"
  laget db upgrade
  if [ "${LAGET_CLUSTER_DEMO:-1}" = 1 ]; then
    say "one-shot: laget demo load"
    laget demo load
  fi
  local p
  for p in $APP_PORTS; do start_replica "$p"; done
  for p in $APP_PORTS; do
    wait_for 90 curl -fsS "http://127.0.0.1:$p/_stcore/health" \
      || { echo "cluster: replica on $p did not start:" >&2; cat "$DIR/app-$p.log" >&2; exit 1; }
    say "replica on 127.0.0.1:$p (pid $(cat "$DIR/app-$p.pid"), log $DIR/app-$p.log)"
  done
  render_nginx
  if alive "$DIR/nginx/nginx.pid"; then "$NGINX" -c "$DIR/nginx/nginx.conf" -s reload 2>/dev/null
  else "$NGINX" -c "$DIR/nginx/nginx.conf"; fi
  wait_for 20 curl -fksS "https://127.0.0.1:$PORT/_stcore/health" \
    || { echo "cluster: nginx did not start:" >&2; cat "$DIR/nginx/error.log" >&2; exit 1; }
  say "nginx on 127.0.0.1:$PORT"
  echo "https://127.0.0.1:$PORT"
}

stop() {
  if alive "$DIR/nginx/nginx.pid"; then "$NGINX" -c "$DIR/nginx/nginx.conf" -s quit 2>/dev/null || true; fi
  local p pid
  for p in $APP_PORTS; do
    if alive "$DIR/app-$p.pid"; then
      pid=$(cat "$DIR/app-$p.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      wait_for 15 bash -c "! kill -0 $pid" || kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/app-$p.pid"
  done
  if [ -z "${LAGET_CLUSTER_DATABASE_URL:-}" ] && [ -f "$PG_DIR/data/PG_VERSION" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  say "stopped"
}

status() {
  local p rc=0
  for p in $APP_PORTS; do
    if alive "$DIR/app-$p.pid" && curl -fsS "http://127.0.0.1:$p/_stcore/health" >/dev/null 2>&1; then
      echo "replica 127.0.0.1:$p: up (pid $(cat "$DIR/app-$p.pid"))"
    else echo "replica 127.0.0.1:$p: down"; rc=1; fi
  done
  if alive "$DIR/nginx/nginx.pid"; then echo "nginx https://127.0.0.1:$PORT: up"
  else echo "nginx https://127.0.0.1:$PORT: down"; rc=1; fi
  if [ -z "${LAGET_CLUSTER_DATABASE_URL:-}" ]; then
    if "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
      echo "postgresql 127.0.0.1:$PG_PORT: up"
    else echo "postgresql 127.0.0.1:$PG_PORT: down"; rc=1; fi
  fi
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) stop; rm -rf "$DIR" "$PG_DIR" ;;
  *) echo "usage: bash scripts/cluster.sh start|stop|status|clean" >&2; exit 2 ;;
esac
