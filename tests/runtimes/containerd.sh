#!/bin/bash
# Live containerd (Debian's 1.6) started by hand, the app image imported with `ctr` (no registry),
# one task like a kubelet's: CRI annotations on the bundle, a bind-mounted data directory, uid 1001
# from the image, listening on 5432 in its own network namespace. Adapted from the lab's
# rt-containerd.sh (../shared/lab/runtimes/, README item 1).
#
#   containerd.sh WORK default|microk8s up|down
#   default:  root /var/lib/containerd, state /run/containerd, ctr's own cgroup /k8s.io/<id>
#   microk8s: root /var/snap/microk8s/common/var/lib/containerd, state .../common/run/containerd
#             (canonical/microk8s default-args/containerd, research note M1/M5), kubelet cgroupfs
#             path /kubepods/besteffort/pod<uid>/<id> (M9)
#   attack:   the default layout, a pod of namespace `customer-apps` (CRI annotations) with a
#             kubelet cgroup and a volume of its own at the service-account path holding a
#             `namespace` file that says `elma365`
# `up` prints `CONTAINER <id>` and `PID <pid>`. `down` removes only what `up` created.
WORK=$1 LAYOUT=$2 ACTION=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
case "$LAYOUT" in
  default|attack) ROOT=/var/lib/containerd STATE=/run/containerd SOCK=/run/containerd/containerd.sock ;;
  microk8s) ROOT=/var/snap/microk8s/common/var/lib/containerd STATE=/var/snap/microk8s/common/run/containerd
            SOCK=/var/snap/microk8s/common/run/containerd.sock ;;
  *) die "layout $LAYOUT" ;;
esac
ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
POD_UID=11111111-2222-3333-4444-555555555555
CTR() { ctr --address "$SOCK" -n k8s.io "$@"; }

up() {
  [ -f "$WORK/img/app.tar" ] || "$HERE/build-images.sh" "$WORK" app >&2 || die "image build"
  if [ -S "$SOCK" ] && ctr --address "$SOCK" version >/dev/null 2>&1; then die "a containerd already answers on $SOCK"; fi
  own_dir "$ROOT"; own_dir "$STATE"
  # containerd 1.6 shims always put their sockets in /run/containerd/s (hard-coded; lab P3)
  [ "$STATE" = /run/containerd ] || { [ -e /run/containerd ] || own_dir /run/containerd; }
  data_dir
  cat >"$WORK/containerd.toml" <<TOML
version = 2
root = "$ROOT"
state = "$STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
TOML
  setsid containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 </dev/null &
  echo $! >"$WORK/containerd.pid"
  for _ in $(seq 1 100); do ctr --address "$SOCK" version >/dev/null 2>&1 && break; sleep 0.05; done
  ctr --address "$SOCK" version >/dev/null 2>&1 || { tail -20 "$WORK/containerd.log" >&2; die "containerd did not start"; }
  CTR images import "$WORK/img/app.tar" >&2 || die "import"
  local cg=() ns=elma365-dbs pod=postgres-0
  [ "$LAYOUT" = default ] || cg=(--cgroup "/kubepods/besteffort/pod$POD_UID/$ID")
  if [ "$LAYOUT" = attack ]; then
    ns=customer-apps pod=evil-0
    mkdir -p "$WORK/sa"; printf elma365 >"$WORK/sa/namespace"; printf x >"$WORK/sa/token"
    cg+=(--mount "type=bind,src=$WORK/sa,dst=/var/run/secrets/kubernetes.io/serviceaccount,options=rbind:ro")
  fi
  CTR run -d "${cg[@]}" \
    --annotation io.kubernetes.cri.container-type=container \
    --annotation io.kubernetes.cri.sandbox-namespace=$ns \
    --annotation io.kubernetes.cri.sandbox-name=$pod \
    --annotation io.kubernetes.cri.sandbox-uid=$POD_UID \
    --annotation io.kubernetes.cri.container-name=postgresql \
    --annotation io.kubernetes.cri.image-name=hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45 \
    --mount "type=bind,src=$DATA,dst=/bitnami/postgresql/data,options=rbind:rw" \
    docker.io/rtlab/pg:1 "$ID" >&2 || die "ctr run"
  local pid; pid=$(CTR tasks ls | awk -v id="$ID" '$1==id {print $2}')
  [ -n "$pid" ] || die "no task pid"
  wait_listen "$pid" || die "the stand-in is not listening"
  echo "CONTAINER $ID"; echo "PID $pid"
}

down() {
  if [ -S "$SOCK" ] && [ -f "$WORK/containerd.pid" ]; then
    for id in $(CTR tasks ls -q 2>/dev/null); do CTR tasks kill -s SIGKILL "$id" 2>/dev/null; done
    for id in $(CTR tasks ls -q 2>/dev/null); do
      for _ in $(seq 1 50); do CTR tasks ls | awk -v id="$id" '$1==id{print $3}' | grep -q STOPPED && break; sleep 0.05; done
      CTR tasks rm -f "$id" >/dev/null 2>&1
    done
    for id in $(CTR containers ls -q 2>/dev/null); do CTR containers rm "$id" 2>/dev/null; done
  fi
  stop_pid "$WORK/containerd.pid"
  release_all
  rmdir_cgroups "k8s.io/$ID" k8s.io "kubepods/besteffort/pod$POD_UID" kubepods/besteffort kubepods
}

case "$ACTION" in up) up ;; down) down ;; *) die "usage: $0 WORK default|microk8s|attack up|down" ;; esac
