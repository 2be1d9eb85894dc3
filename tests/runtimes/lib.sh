# Shared by the live runtime scripts (sourced). Adapted from the lab's rt-*.sh
# (../shared/lab/runtimes/, README "Pitfalls" P3): a test only ever removes what it created.
#
# own_dir DIR   create DIR and every missing parent; remember each one created (in $WORK/created)
#               and mark DIR as ours (.avexclude-test); refuse a DIR that exists and is not ours
# release_all   unmount mount points under the dirs we own (deepest first), then remove the
#               dirs we created, deepest first; parents only if empty
set -uo pipefail
: "${WORK:?WORK unset}"
MARK=.avexclude-test
log() { echo "[$(date +%H:%M:%S.%N | cut -c1-12)] $*" >&2; }
die() { echo "FAIL: $*" >&2; exit 1; }

own_dir() {
  local d=$1 p=""
  if [ -e "$d" ] && [ ! -e "$d/$MARK" ]; then
    # another test may leave empty directories behind (e.g. .../storage/overlay): share such a
    # tree, remembering what was there, and at teardown remove only what appeared since
    if [ -d "$d" ] && [ -z "$(find "$d" -mindepth 1 -not -type d -print -quit)" ]; then
      find "$d" -mindepth 1 >"$WORK/pre.$(echo "$d" | tr / _)"
      echo "$d" >>"$WORK/shared"
      return 0
    fi
    die "$d exists and was not created by a test: refusing to use (or remove) it"
  fi
  # every missing ancestor, top down
  local IFS=/
  for c in $d; do
    [ -z "$c" ] && continue
    p="$p/$c"
    if [ ! -e "$p" ]; then
      mkdir "$p" || die "mkdir $p"
      echo "$p" >>"$WORK/created"
    fi
  done
  touch "$d/$MARK"
  echo "$d" >>"$WORK/owned"
}

# mount points (field 5 of mountinfo, unescaped enough for our own paths) under $1
mounts_under() {
  awk -v r="$1/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

release_all() {
  local d
  if [ -f "$WORK/owned" ]; then
    while read -r d; do
      [ -n "$d" ] || continue
      mounts_under "$d" | while read -r m; do umount -l "$m" 2>/dev/null; done
      # the owned dir itself may be a (self-bind) mount point, as dockerd makes its root
      awk -v r="$d" '$5 == r { print $5 }' /proc/self/mountinfo | while read -r m; do umount -l "$m" 2>/dev/null; done
    done <"$WORK/owned"
    while read -r d; do
      [ -n "$d" ] && [ -e "$d/$MARK" ] && rm -rf --one-file-system "$d"
    done <"$WORK/owned"
  fi
  if [ -f "$WORK/shared" ]; then
    while read -r d; do
      [ -n "$d" ] || continue
      mounts_under "$d" | while read -r m; do umount -l "$m" 2>/dev/null; done
      local pre="$WORK/pre.$(echo "$d" | tr / _)"
      find "$d" -mindepth 1 -maxdepth 1 | while read -r e; do
        grep -qxF "$e" "$pre" 2>/dev/null || rm -rf --one-file-system "$e"
      done
      # inside pre-existing dirs, anything new
      find "$d" -mindepth 2 -depth | while read -r e; do
        grep -qxF "$e" "$pre" 2>/dev/null || rm -rf --one-file-system "$e"
      done
    done <"$WORK/shared"
    rm -f "$WORK/shared"
  fi
  if [ -f "$WORK/created" ]; then
    sort -r "$WORK/created" | while read -r d; do
      [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
  fi
  rm -f "$WORK/owned" "$WORK/created"
}

# kill a daemon we started (pid file), TERM then KILL
stop_pid() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
    [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# cgroup directories a run left behind (runc removes leaves; parents are ours to rmdir if empty)
rmdir_cgroups() {
  local h rel
  for rel in "$@"; do
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
      [ -d "$h$rel" ] && find "$h$rel" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  done
  return 0
}

wait_listen() {  # wait_listen PID: until PID's netns shows a listener on 5432 (0x1538)
  for _ in $(seq 1 100); do
    grep -q ':1538 00000000:0000 0A' "/proc/$1/net/tcp" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# The data directory of the bind-mount cases: not under /tmp (discovery refuses a database data
# directory in a shared place, as it must), but a directory of its own that teardown removes.
data_dir() {
  DATA=/var/lib/avexclude-test-$(basename "$WORK")/pgdata
  own_dir "$(dirname "$DATA")"
  mkdir -p "$DATA"; chown 1001:1001 "$DATA"; chmod 700 "$DATA"
  echo "DATA $DATA"
}
