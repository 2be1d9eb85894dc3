#!/bin/bash
# up.sh: start, from Debian's packages and on 127.0.0.1 only, real daemons whose processes look
# like those of an ELMA365 host, for the live discovery/check test (tests/live_daemons.rs):
#   nginx with a proxy cache (master, workers, cache manager, cache loader), redis-server,
#   RabbitMQ (sh rabbitmq-server -> beam.smp under /usr/lib/erlang/erts-X/bin, and epmd),
#   PostgreSQL 15, git daemon, gpg-agent, dumb-init wrapping a node server, and runit's
#   runsvdir -> runsv -> a node worker.
#
# Usage (root): up.sh STATE_DIR
#   STATE_DIR  a private directory (the test's temp dir); everything lives under it.
# Ports (127.0.0.1; override with the environment): PORT_NGINX 29080, PORT_NODE 29300,
#   PORT_REDIS 29379, PORT_PG 29432, PORT_AMQP 29672, PORT_DIST 29673, PORT_EPMD 29369,
#   PORT_GIT 29418. None is a default port of these daemons, so a host's own services never clash.
# Writes: STATE_DIR/pids ("role pid starttime" per line: every started main PID and, once all are
#   up, every descendant; starttime is field 22 of /proc/PID/stat, so down.sh never signals a
#   recycled PID), STATE_DIR/ports.env (NAME=port), STATE_DIR/processes.txt (a table).
# Installs nothing: scripts/test-deps.sh does. Exit: 0 all up; 1 something did not come up
#   (the PIDs started so far are recorded: run down.sh anyway); 2 usage, not root or a port
#   already in use; 3 a needed program is missing.
# Stop with: down.sh STATE_DIR
set -uo pipefail
exec </dev/null
ST=${1:-}
[ -n "$ST" ] && [ $# -eq 1 ] || { echo "usage: up.sh STATE_DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "up.sh: run as root" >&2; exit 2; }
mkdir -p "$ST" && ST=$(readlink -f "$ST") || exit 2
PORT_NGINX=${PORT_NGINX:-29080} PORT_NODE=${PORT_NODE:-29300} PORT_REDIS=${PORT_REDIS:-29379}
PORT_PG=${PORT_PG:-29432} PORT_AMQP=${PORT_AMQP:-29672} PORT_DIST=${PORT_DIST:-29673}
PORT_EPMD=${PORT_EPMD:-29369} PORT_GIT=${PORT_GIT:-29418}
PG_MAJOR=${PG_MAJOR:-15}
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
T0=$(date +%s.%N)
secs() { echo "$(date +%s.%N) $T0" | awk '{printf "%.1f", $1-$2}'; }
log() { echo "[$(secs)s] $*"; }

missing=()
for b in /usr/sbin/nginx /usr/bin/redis-server /usr/lib/rabbitmq/bin/rabbitmq-server "$PGBIN/postgres" \
         "$PGBIN/initdb" /usr/lib/git-core/git-daemon /usr/bin/gpg-agent /usr/bin/gpgconf \
         /usr/bin/gpg-connect-agent /usr/bin/dumb-init /usr/bin/node /usr/bin/runsvdir /usr/bin/chpst \
         /usr/bin/setpriv /usr/bin/ss /usr/bin/pgrep; do
  [ -x "$b" ] || missing+=("$b")
done
for u in www-data redis postgres rabbitmq gitdaemon nobody; do getent passwd "$u" >/dev/null || missing+=("user:$u"); done
[ ${#missing[@]} -eq 0 ] || { echo "up.sh: missing ${missing[*]} (run scripts/test-deps.sh)" >&2; exit 3; }

starttime() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; echo "$s" | cut -d' ' -f20; }
record() { # role pid
  local st; st=$(starttime "$2") || { log "WARNING: $1 (pid $2) already gone"; return 1; }
  echo "$1 $2 $st" >>"$ST/pids"
}
listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
wait_port() { # port seconds
  local i; for i in $(seq 1 $(($2*10))); do listening "$1" && return 0; sleep 0.1; done; return 1
}
port_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

if [ -s "$ST/pids" ]; then
  while read -r _ p st; do
    [ "$(starttime "$p" 2>/dev/null)" = "$st" ] && { echo "up.sh: already up in $ST (pid $p alive): run down.sh first" >&2; exit 2; }
  done <"$ST/pids"
fi
for p in $PORT_NGINX $PORT_NODE $PORT_REDIS $PORT_PG $PORT_AMQP $PORT_DIST $PORT_EPMD $PORT_GIT; do
  listening "$p" && { echo "up.sh: port $p is already in use" >&2; exit 2; }
done

# the daemons run as their own users: they must be able to reach the state dir
chmod 0755 "$ST"
: >"$ST/pids"; : >"$ST/up.log"
exec 3>>"$ST/up.log"
cat >"$ST/ports.env" <<EOF
PORT_NGINX=$PORT_NGINX
PORT_NODE=$PORT_NODE
PORT_REDIS=$PORT_REDIS
PORT_PG=$PORT_PG
PORT_AMQP=$PORT_AMQP
PORT_DIST=$PORT_DIST
PORT_EPMD=$PORT_EPMD
PORT_GIT=$PORT_GIT
EOF

# ---- node HTTP server under dumb-init (as in a container image)
mkdir -p "$ST/node"
cat >"$ST/node/server.js" <<JS
const http = require('http');
http.createServer((q, r) => { r.setHeader('Cache-Control', 'max-age=60'); r.end(JSON.stringify({ok: true}) + '\n'); })
  .listen($PORT_NODE, '127.0.0.1');
JS
/usr/bin/dumb-init /usr/bin/node "$ST/node/server.js" >>"$ST/node/node.log" 2>&1 &
record dumb-init $!

# ---- nginx with a proxy cache in front of node: master, workers, cache manager, cache loader
mkdir -p "$ST/nginx/logs" "$ST/nginx/cache" "$ST/nginx/tmp"
chown www-data "$ST/nginx/cache" "$ST/nginx/tmp"
cat >"$ST/nginx/nginx.conf" <<CONF
user www-data;
worker_processes 2;
pid $ST/nginx/nginx.pid;
error_log $ST/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $ST/nginx/tmp/body;
  proxy_temp_path $ST/nginx/tmp/proxy;
  fastcgi_temp_path $ST/nginx/tmp/fastcgi;
  uwsgi_temp_path $ST/nginx/tmp/uwsgi;
  scgi_temp_path $ST/nginx/tmp/scgi;
  proxy_cache_path $ST/nginx/cache levels=1:2 keys_zone=elma:1m max_size=10m;
  server {
    listen 127.0.0.1:$PORT_NGINX;
    location / { proxy_cache elma; proxy_pass http://127.0.0.1:$PORT_NODE; }
  }
}
CONF
/usr/sbin/nginx -p "$ST/nginx/" -c "$ST/nginx/nginx.conf" -g 'daemon off;' >>"$ST/nginx/logs/stderr.log" 2>&1 &
record nginx $!

# ---- redis as the redis user (like Debian's unit); Debian's redis-server is a symlink to
# redis-check-rdb, and it rewrites its title (the cmdline is padded)
mkdir -p "$ST/redis"; chown redis:redis "$ST/redis"
setpriv --reuid=redis --regid=redis --init-groups /usr/bin/redis-server --bind 127.0.0.1 --port "$PORT_REDIS" \
  --dir "$ST/redis" --save '' --appendonly no --daemonize no --logfile "$ST/redis/redis.log" >&3 2>&1 &
record redis $!

# ---- PostgreSQL: /usr/lib/postgresql/15/bin/postgres as postgres, titles "postgres: 15/main: ..."
if [ ! -f "$ST/pg/PG_VERSION" ]; then
  mkdir -p "$ST/pg"; chown postgres:postgres "$ST/pg"; chmod 700 "$ST/pg"
  setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/initdb" -D "$ST/pg" -A trust -E UTF8 --no-sync >&3 2>&1 \
    || log "WARNING: initdb failed, see $ST/up.log"
  log "initdb done"
fi
mkdir -p "$ST/pgsock"; chown postgres:postgres "$ST/pgsock"
setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$ST/pg" -p "$PORT_PG" -k "$ST/pgsock" \
  -c listen_addresses=127.0.0.1 -c cluster_name="$PG_MAJOR/main" >>"$ST/pg.log" 2>&1 &
record postgres $!

# ---- RabbitMQ as rabbitmq: sh /usr/lib/rabbitmq/bin/rabbitmq-server -> beam.smp; epmd daemonises.
# RABBITMQ_DIST_PORT alone binds the distribution port on 0.0.0.0: inet_dist_use_interface keeps it local.
mkdir -p "$ST/rabbitmq/home" "$ST/rabbitmq/mnesia" "$ST/rabbitmq/log"
echo '[].' >"$ST/rabbitmq/enabled_plugins"
chown -R rabbitmq:rabbitmq "$ST/rabbitmq"
( cd "$ST/rabbitmq/home" && exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env \
    HOME="$ST/rabbitmq/home" RABBITMQ_NODENAME=avxlive@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$PORT_AMQP" RABBITMQ_DIST_PORT="$PORT_DIST" ERL_EPMD_PORT="$PORT_EPMD" \
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$ST/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$ST/rabbitmq/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$ST/rabbitmq/enabled_plugins" RABBITMQ_CONFIG_FILE="$ST/rabbitmq/rabbitmq" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server ) >>"$ST/rabbitmq/stdout.log" 2>&1 &
record rabbitmq-server $!

# ---- git daemon: Debian's /usr/lib/git-core/git-daemon (not the /usr/local one PATH may find)
mkdir -p "$ST/git"
[ -d "$ST/git/elma365.git" ] || /usr/bin/git init -q --bare "$ST/git/elma365.git"
touch "$ST/git/elma365.git/git-daemon-export-ok"
chown -R gitdaemon:nogroup "$ST/git"   # else upload-pack, run as gitdaemon, refuses: "dubious ownership"
/usr/lib/git-core/git-daemon --user=gitdaemon --group=nogroup --reuseaddr --verbose --listen=127.0.0.1 \
  --port="$PORT_GIT" --base-path="$ST/git" "$ST/git" >>"$ST/git/daemon.log" 2>&1 &
record git-daemon $!

# ---- gpg-agent, launched the way gpg launches it (it detaches); its PID from the agent itself
mkdir -p -m 700 "$ST/gnupg"
GNUPGHOME="$ST/gnupg" gpgconf --launch gpg-agent >&3 2>&1
gpid=$(GNUPGHOME="$ST/gnupg" gpg-connect-agent 'getinfo pid' /bye 2>/dev/null | awk '/^D /{print $2}')
if [ -n "$gpid" ]; then record gpg-agent "$gpid"; else log "WARNING: gpg-agent pid unknown"; fi

# ---- runit: runsvdir -> runsv -> a node worker run as nobody through chpst
mkdir -p "$ST/sv/elma-worker"
printf '#!/bin/sh\nexec 2>&1\nexec chpst -u nobody /usr/bin/node -e "setInterval(() => {}, 1e9)"\n' >"$ST/sv/elma-worker/run"
chmod +x "$ST/sv/elma-worker/run"
/usr/bin/runsvdir -P "$ST/sv" 'log: ................................................................' >&3 2>&1 &
record runsvdir $!

# ---- wait for the listeners (RabbitMQ is the slow one: ~9 s)
ok=1
for pp in nginx:$PORT_NGINX node:$PORT_NODE redis:$PORT_REDIS postgres:$PORT_PG git:$PORT_GIT \
          epmd:$PORT_EPMD rabbitmq-amqp:$PORT_AMQP rabbitmq-dist:$PORT_DIST; do
  if wait_port "${pp#*:}" "${UP_WAIT:-90}"; then log "listening: $pp"; else log "NOT listening after ${UP_WAIT:-90}s: $pp"; ok=0; fi
done
# epmd was started by erl with -daemon and reparented away: record it by the port it holds
e=$(port_pid "$PORT_EPMD")
if [ -n "$e" ] && [ "$(cat "/proc/$e/comm" 2>/dev/null)" = epmd ]; then record epmd "$e"
else log "WARNING: no epmd on port $PORT_EPMD"; ok=0; fi
[ -n "$gpid" ] || ok=0
# runsv and its service, nginx's cache manager, postgres' background workers need a moment
rsd=$(awk '$1=="runsvdir"{print $2}' "$ST/pids")
ngx=$(awk '$1=="nginx"{print $2}' "$ST/pids")
for _ in $(seq 1 50); do
  rs=$(pgrep -P "$rsd" -x runsv | head -1)
  [ -n "$rs" ] && pgrep -P "$rs" -x node >/dev/null && pgrep -P "$ngx" -f '^nginx: cache manager process' >/dev/null && break
  sleep 0.1
done
[ -n "$(pgrep -P "$ngx" -f '^nginx: cache manager process')" ] || { log "WARNING: no nginx cache manager"; ok=0; }
[ -n "${rs:-}" ] && pgrep -P "$rs" -x node >/dev/null || { log "WARNING: runsv service did not start"; ok=0; }

# ---- record every descendant, then print the table
desc() { local c; for c in $(pgrep -P "$1"); do echo "$c"; desc "$c"; done; }
while read -r role p _; do
  case $role in */child) continue ;; esac
  for c in $(desc "$p"); do grep -q " $c " "$ST/pids" || record "$role/child" "$c"; done
done < <(cat "$ST/pids")
{
  printf '%-22s %-7s %-7s %-9s %-16s %-46s %-16s %s\n' ROLE PID PPID USER COMM EXE PORTS CMDLINE
  while read -r role p _; do
    [ -d "/proc/$p" ] || continue
    ports=$(ss -ltnpH 2>/dev/null | grep "pid=$p," | awk '{print $4}' | sort -u | paste -sd, -)
    printf '%-22s %-7s %-7s %-9s %-16s %-46s %-16s %s\n' "$role" "$p" "$(ps -o ppid= -p "$p" | tr -d ' ')" \
      "$(ps -o user= -p "$p")" "$(cat "/proc/$p/comm")" "$(readlink "/proc/$p/exe")" "${ports:--}" \
      "$(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-200)"
  done <"$ST/pids"
} >"$ST/processes.txt"
cat "$ST/processes.txt"
curl -s -m 5 "http://127.0.0.1:$PORT_NGINX/" >/dev/null 2>&1 || true
log "up in $(secs)s; $(wc -l <"$ST/pids") PIDs in $ST/pids"
[ $ok = 1 ] || exit 1
