#!/bin/bash
# Live podman (Debian's 4.3, rootful, no systemd: cgroupfs manager, file events, no network), the
# app image from `podman load` (no registry), a bind-mounted data directory, uid 1001. Adapted
# from the lab's rt-podman.sh (../shared/lab/runtimes/, README item 4).
#
#   podman.sh WORK up|down      `up` prints `CONTAINER rtlab-pg <id>` and `PID rtlab-pg <pid>`
#
# Pitfall P2 (lab): podman writes rlimits into the spec and runc 1.1 applies them after switching
# to uid 1001, which needs CAP_SYS_RESOURCE (missing from this sandbox's bounding set): a wrapper
# runtime deletes "rlimits". Images loaded from a docker archive are `localhost/...`; always
# --pull=never so nothing reaches for a registry.
WORK=$1 ACTION=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
P() { podman --root /var/lib/containers/storage --runroot /run/containers/storage \
  --cgroup-manager=cgroupfs --events-backend=file --runtime "$WORK/runc-norlimit" "$@"; }

up() {
  [ -f "$WORK/img/app.tar" ] || "$HERE/build-images.sh" "$WORK" app >&2 || die "image build"
  own_dir /var/lib/containers; own_dir /run/containers
  [ -e /run/libpod ] || own_dir /run/libpod
  cat >"$WORK/runc-norlimit" <<'WRAP'
#!/bin/sh
prev=""
for a in "$@"; do
  case "$prev" in
    --bundle|-b) f="$a/config.json"; [ -f "$f" ] && sed -i -E 's/,"rlimits":\[[^]]*\]//' "$f";;
    --process|-p) [ -f "$a" ] && sed -i -E 's/,?"rlimits":\[[^]]*\],?/,/; s/\{,/{/; s/,\}/}/' "$a";;
  esac
  prev=$a
done
exec /usr/sbin/runc "$@"
WRAP
  chmod 755 "$WORK/runc-norlimit"
  data_dir
  P load -i "$WORK/img/app.tar" >&2 || die "podman load"
  P run -d --pull=never --name rtlab-pg --network none \
    -v "$DATA:/bitnami/postgresql/data" localhost/rtlab/pg:1 >/dev/null || die "podman run"
  local id pid; id=$(P inspect -f '{{.Id}}' rtlab-pg); pid=$(P inspect -f '{{.State.Pid}}' rtlab-pg)
  wait_listen "$pid" || { P logs rtlab-pg >&2; die "not listening"; }
  echo "CONTAINER rtlab-pg $id"; echo "PID rtlab-pg $pid"
}

down() {
  if [ -e /var/lib/containers/$MARK ] || grep -qx /var/lib/containers "$WORK/shared" 2>/dev/null; then
    P rm -fa -t 0 >/dev/null 2>&1
    P rmi -fa >/dev/null 2>&1
  fi
  # conmon runs `podman ... container cleanup` when the container exits, which re-creates the
  # storage dirs: wait for every process started with our runtime wrapper to be gone first
  for _ in $(seq 1 100); do
    # (the [t] keeps this grep from matching its own command line)
    ours=$(grep -l -s -e "$WORK/runc-norlimi[t]" /proc/[0-9]*/cmdline || true)
    [ -z "$ours" ] && break
    sleep 0.05
  done
  cp "$WORK/created" "$WORK/created.keep" 2>/dev/null
  release_all
  # and once more a moment later, should a late cleanup process have re-created empty dirs
  sleep 0.3
  if [ -f "$WORK/created.keep" ]; then
    sort -r "$WORK/created.keep" | while read -r d; do
      [ -d "$d" ] && find "$d" -depth -type d -empty -delete 2>/dev/null
    done
    rm -f "$WORK/created.keep"
  fi
  rmdir_cgroups libpod_parent
}

case "$ACTION" in up) up ;; down) down ;; *) die "usage: $0 WORK up|down" ;; esac
