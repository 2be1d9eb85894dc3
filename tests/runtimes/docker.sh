#!/bin/bash
# Live dockerd (Debian's docker.io 20.10) with overlay2, no bridge and no iptables, on its own API
# socket ($WORK/docker.sock). Adapted from the lab's rt-docker.sh and rt-kind.sh
# (../shared/lab/runtimes/, README items 2 and 3).
#
#   docker.sh WORK up     the app image (docker load, no registry) twice: `rtlab-pg` on a named
#                         volume, `rtlab-pg-bind` on a bind mount of $DATA (lib.sh data_dir)
#   docker.sh WORK kind   a kind-like node: privileged container, /var an anonymous volume,
#                         /run and /tmp tmpfs (kind's provision.go flags), running its own
#                         containerd, which runs the app with CRI annotations and a kubelet cgroup
#   docker.sh WORK down   removes only what up/kind created
# `up` prints `CONTAINER <name> <id>` and `PID <name> <pid>` per container; `kind` prints the node
# (`NODE <id> <pid>`) and the inner task (`CONTAINER inner <id>`, `PID inner <pid>`).
WORK=$1 ACTION=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
D() { /usr/bin/docker -H "unix://$WORK/docker.sock" "$@"; }
INNER_ID=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
POD_UID=99999999-8888-7777-6666-555555555555

daemon() {
  [ -f "$WORK/img/app.tar" ] || "$HERE/build-images.sh" "$WORK" app >&2 || die "image build"
  [ -e /var/lib/docker ] && [ ! -e /var/lib/docker/$MARK ] && die "/var/lib/docker exists and is not a test's"
  own_dir /var/lib/docker; own_dir /run/docker
  [ -e /run/containerd ] || own_dir /run/containerd   # shim sockets go to /run/containerd/s (lab P3)
  [ -e /etc/docker/key.json ] || echo yes >"$WORK/made-key"
  # Pitfall P1 (lab): CAP_SYS_RESOURCE is not in this sandbox's bounding set, so a --privileged
  # container fails in runc ("unable to apply caps"); the wrapper drops it from the spec.
  cat >"$WORK/runc-nosysres" <<'WRAP'
#!/bin/sh
prev=""
for a in "$@"; do
  case "$prev" in --bundle|-b) f="$a/config.json"; [ -f "$f" ] && sed -i -e 's/"CAP_SYS_RESOURCE",//g' -e 's/,"CAP_SYS_RESOURCE"//g' "$f";;
                  --process|-p) [ -f "$a" ] && sed -i -e 's/"CAP_SYS_RESOURCE",//g' -e 's/,"CAP_SYS_RESOURCE"//g' "$a";; esac
  prev=$a
done
exec /usr/sbin/runc "$@"
WRAP
  chmod 755 "$WORK/runc-nosysres"
  setsid dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    --data-root /var/lib/docker --exec-root /run/docker -H "unix://$WORK/docker.sock" \
    --add-runtime "runc-nosysres=$WORK/runc-nosysres" --pidfile "$WORK/dockerd.pid" \
    >"$WORK/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do D info >/dev/null 2>&1 && break; sleep 0.1; done
  D info >/dev/null 2>&1 || { tail -30 "$WORK/dockerd.log" >&2; die "dockerd did not start"; }
}

up() {
  daemon
  D load -i "$WORK/img/app.tar" >&2 || die "docker load"
  data_dir
  D volume create rtlab-pgdata >/dev/null || die "volume"
  D run -d --name rtlab-pg --network none -v rtlab-pgdata:/bitnami/postgresql/data rtlab/pg:1 >/dev/null || die "run (volume)"
  D run -d --name rtlab-pg-bind --network none --user 1001:1001 -v "$DATA:/bitnami/postgresql/data" rtlab/pg:1 >/dev/null || die "run (bind)"
  for c in rtlab-pg rtlab-pg-bind; do
    local id pid; id=$(D inspect -f '{{.Id}}' $c); pid=$(D inspect -f '{{.State.Pid}}' $c)
    wait_listen "$pid" || { D logs $c >&2; die "$c is not listening"; }
    echo "CONTAINER $c $id"; echo "PID $c $pid"
  done
}

kind() {
  daemon
  [ -f "$WORK/img/node.tar" ] || "$HERE/build-images.sh" "$WORK" node >&2 || die "node image build"
  D load -i "$WORK/img/node.tar" >&2 || die "docker load node"
  D run -d --name rtlab-node --hostname rtlab-control-plane --privileged --runtime runc-nosysres \
    --tmpfs /run --tmpfs /tmp --volume /var \
    -e INNER_ID=$INNER_ID -e POD_UID=$POD_UID -e POD_CG=/kubepods/burstable/pod$POD_UID \
    rtlab/node:1 >/dev/null || die "run node"
  for _ in $(seq 1 150); do D exec rtlab-node test -f /run/rtlab-ready 2>/dev/null && break; sleep 0.1; done
  D exec rtlab-node test -f /run/rtlab-ready || { D logs rtlab-node >&2; die "node not ready"; }
  local nid npid ipid p
  nid=$(D inspect -f '{{.Id}}' rtlab-node); npid=$(D inspect -f '{{.State.Pid}}' rtlab-node)
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink /proc/$p/exe 2>/dev/null)" = /opt/bitnami/postgresql/bin/postgres ] || continue
    grep -q "$INNER_ID" /proc/$p/cgroup 2>/dev/null && { ipid=$p; break; }
  done
  [ -n "${ipid:-}" ] || { D logs rtlab-node >&2; die "inner task not found"; }
  wait_listen "$ipid" || die "inner task is not listening"
  echo "NODE $nid $npid"; echo "CONTAINER inner $INNER_ID"; echo "PID inner $ipid"
}

down() {
  if [ -S "$WORK/docker.sock" ] && D info >/dev/null 2>&1; then
    D inspect rtlab-node >/dev/null 2>&1 && { D exec rtlab-node node-stop >/dev/null 2>&1; }
    ids=$(D ps -aq); [ -n "$ids" ] && D rm -f -v $ids >/dev/null 2>&1
    D volume rm -f rtlab-pgdata >/dev/null 2>&1
  fi
  stop_pid "$WORK/dockerd.pid"
  # dockerd's managed containerd normally exits with it
  if [ -f /run/docker/containerd/containerd.pid ]; then
    local pid; pid=$(cat /run/docker/containerd/containerd.pid)
    [ -d "/proc/$pid" ] && grep -q containerd "/proc/$pid/cmdline" && kill "$pid"
    for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
  fi
  release_all
  [ -f "$WORK/made-key" ] && rm -f /etc/docker/key.json
  rmdir_cgroups docker
}

case "$ACTION" in up) up ;; kind) kind ;; down) down ;; *) die "usage: $0 WORK up|kind|down" ;; esac
