#!/bin/bash
# down.sh: stop what up.sh started in STATE_DIR, and nothing else. Only the PIDs listed in
# STATE_DIR/pids whose start time (field 22 of /proc/PID/stat) still matches are signalled, so a
# recycled PID is never hit. Main processes get their clean-stop signal in reverse order of
# start (runsvdir HUP, so it stops its runsv children first; postgres INT, a fast shutdown; the
# rest TERM), epmd last; whatever recorded PID is still alive after DOWN_WAIT (default 20) s gets
# SIGKILL. A zombie counts as gone: without systemd, orphans are reaped by PID 1 only every few s.
# Usage (root): down.sh STATE_DIR      Exit 0 when every recorded PID is gone, 1 otherwise.
set -uo pipefail
exec </dev/null
ST=${1:-}
[ -n "$ST" ] && [ $# -eq 1 ] || { echo "usage: down.sh STATE_DIR" >&2; exit 2; }
[ -s "$ST/pids" ] || { echo "down.sh: nothing recorded in $ST/pids"; exit 0; }
T0=$(date +%s.%N)
WAIT=${DOWN_WAIT:-20}
secs() { echo "$(date +%s.%N) $T0" | awk '{printf "%.1f", $1-$2}'; }
# pid starttime: alive, the same process, and not a zombie
alive() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }
  [ "${s%% *}" != Z ] && [ "$(echo "$s" | cut -d' ' -f20)" = "$2" ]; }

# reverse order of start, but epmd after RabbitMQ
mapfile -t LINES < <(tac "$ST/pids" | grep -v '^epmd '; grep '^epmd ' "$ST/pids")
deadline=$(( $(date +%s) + WAIT ))
for l in "${LINES[@]}"; do
  read -r role p st <<<"$l"
  case $role in */child) continue ;; esac
  alive "$p" "$st" || continue
  case $role in
    runsvdir) sig=HUP ;;
    postgres) sig=INT ;;
    *) sig=TERM ;;
  esac
  kill -s "$sig" "$p" 2>/dev/null || continue
  while alive "$p" "$st" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  echo "[$(secs)s] $sig -> $role ($p): $(alive "$p" "$st" && echo 'still running' || echo gone)"
done
# children (nginx workers, postgres backends, beam.smp, runsv, ...): they follow their parents
left=1
while [ "$(date +%s)" -lt "$deadline" ]; do
  left=0
  for l in "${LINES[@]}"; do read -r _ p st <<<"$l"; alive "$p" "$st" && left=$((left+1)); done
  [ $left = 0 ] && break; sleep 0.1
done
if [ $left != 0 ]; then
  for l in "${LINES[@]}"; do
    read -r role p st <<<"$l"
    alive "$p" "$st" && { kill -9 "$p" 2>/dev/null; echo "SIGKILL $role ($p)"; }
  done
  sleep 0.5
fi
left=0
for l in "${LINES[@]}"; do read -r role p st <<<"$l"; alive "$p" "$st" && { left=$((left+1)); echo "still alive: $role $p"; }; done
[ $left = 0 ] && mv "$ST/pids" "$ST/pids.stopped"
echo "down in $(secs)s; $left recorded PIDs left"
[ $left = 0 ]
