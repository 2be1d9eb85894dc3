#!/bin/bash
# Builds the test images WITHOUT a registry, as `docker save`-style archives (manifest.json,
# <sha>.json config, <sha>/layer.tar) that `ctr images import`, `docker load` and `podman load`
# all accept. Adapted from the lab's rt-build-image.sh and rt-build-node-image.sh
# (../shared/lab/runtimes/, README "The image (no registry)").
#
#   build-images.sh WORK app     -> $WORK/img/app.tar   ref rtlab/pg:1
#   build-images.sh WORK node    -> $WORK/img/node.tar  ref rtlab/node:1 (kind-like node, holds app.tar)
#
# The app image: the static stand-in (pg-standin.c) AS /opt/bitnami/postgresql/bin/postgres (so
# /proc/PID/exe is the Bitnami path, not /bin/busybox as in the lab), /etc/passwd with uid 1001,
# /bitnami/postgresql/data owned by 1001; config User 1001, Entrypoint postgres -D <data>.
set -euo pipefail
WORK=$1 WHAT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK/img"

archive() {  # archive ROOTFS CONFIG_JSON_TEMPLATE REF OUT   (template has @LSHA@)
  local r=$1 tmpl=$2 ref=$3 out=$4 a lsha csha
  a=$(mktemp -d "$WORK/arc.XXXXXX")
  tar --sort=name --mtime='2024-01-01 00:00:00Z' --numeric-owner -C "$r" -cf "$a/layer.tar" .
  lsha=$(sha256sum "$a/layer.tar" | cut -d' ' -f1)
  mkdir "$a/$lsha"; mv "$a/layer.tar" "$a/$lsha/layer.tar"
  sed "s/@LSHA@/$lsha/" "$tmpl" >"$a/config.json"
  csha=$(sha256sum "$a/config.json" | cut -d' ' -f1)
  mv "$a/config.json" "$a/$csha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' "$csha" "$ref" "$lsha" >"$a/manifest.json"
  tar --numeric-owner -C "$a" -cf "$out" .
  rm -rf "$a"
}

app() {
  local r=$WORK/img/app-rootfs
  rm -rf "$r"; mkdir -p "$r"/{etc,tmp,proc,sys,dev,run,bitnami/postgresql/data,opt/bitnami/postgresql/bin}
  chmod 1777 "$r/tmp"
  cc -static -O1 -o "$r/opt/bitnami/postgresql/bin/postgres" "$HERE/pg-standin.c"
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:1001:1001:postgres:/bitnami:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\npostgres:x:1001:\n' >"$r/etc/group"
  chown -R 1001:1001 "$r/bitnami"; chmod 700 "$r/bitnami/postgresql/data"
  cat >"$WORK/img/app-config.json" <<'JSON'
{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
 "config":{"User":"1001","Env":["PATH=/opt/bitnami/postgresql/bin:/bin"],
   "Entrypoint":["/opt/bitnami/postgresql/bin/postgres","-D","/bitnami/postgresql/data"],
   "WorkingDir":"/","ExposedPorts":{"5432/tcp":{}}},
 "rootfs":{"type":"layers","diff_ids":["sha256:@LSHA@"]},
 "history":[{"created":"2024-01-01T00:00:00Z","created_by":"avexclude tests/runtimes/build-images.sh"}]}
JSON
  archive "$r" "$WORK/img/app-config.json" rtlab/pg:1 "$WORK/img/app.tar"
  rm -rf "$r"
}

node() {
  [ -f "$WORK/img/app.tar" ] || app
  local r=$WORK/img/node-rootfs b l
  rm -rf "$r"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/containerd,tmp,proc,sys,dev,run,var/lib,var/log,rtlab}
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  for a in sh ls cat echo sleep mkdir chown kill grep sed test find rmdir; do ln -s busybox "$r/bin/$a"; done
  for b in /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc; do
    cp "$b" "$r$b"
    ldd "$b" | awk '/=>/ {print $3} /^\t\/lib64/ {print $1}' | while read -r l; do
      [ -f "$l" ] && { mkdir -p "$r$(dirname "$l")"; cp -L "$l" "$r$l"; }
    done
  done
  cp "$WORK/img/app.tar" "$r/rtlab/app.tar"
  cat >"$r/etc/containerd/config.toml" <<'TOML'
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/containerd/containerd.sock"
TOML
  # PID 1 of the node: its own containerd runs the app like a kubelet would (kubelet-style cgroup
  # under the node's, CRI annotations, data dir on the node's /var volume). lab: rt-build-node-image.sh
  cat >"$r/usr/local/bin/node-entrypoint" <<'SH'
#!/bin/sh
export PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin
mkdir -p /var/lib/containerd /run/containerd /var/lib/rtlab/pgdata /var/log
chown 1001:1001 /var/lib/rtlab/pgdata
containerd --config /etc/containerd/config.toml >/var/log/containerd.log 2>&1 &
echo $! > /run/containerd.pid
i=0; while [ $i -lt 100 ]; do ctr version >/dev/null 2>&1 && break; sleep 0.1; i=$((i+1)); done
ctr -n k8s.io images import /rtlab/app.tar >/var/log/import.log 2>&1 || cat /var/log/import.log
ctr -n k8s.io run -d --cgroup "$POD_CG/$INNER_ID" \
  --annotation io.kubernetes.cri.container-type=container \
  --annotation io.kubernetes.cri.sandbox-namespace=elma365-dbs \
  --annotation io.kubernetes.cri.sandbox-name=postgres-0 \
  --annotation io.kubernetes.cri.sandbox-uid=$POD_UID \
  --annotation io.kubernetes.cri.container-name=postgresql \
  --annotation io.kubernetes.cri.image-name=hub.elma365.tech/docker/databases/postgres:15.4.0-debian-11-r45 \
  --mount type=bind,src=/var/lib/rtlab/pgdata,dst=/bitnami/postgresql/data,options=rbind:rw \
  docker.io/rtlab/pg:1 "$INNER_ID" >/var/log/run.log 2>&1 || cat /var/log/run.log
touch /run/rtlab-ready
trap 'node-stop; exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
SH
  cat >"$r/usr/local/bin/node-stop" <<'SH'
#!/bin/sh
export PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin
for id in $(ctr -n k8s.io tasks ls -q 2>/dev/null); do ctr -n k8s.io tasks kill -s SIGKILL "$id"; done
i=0; while [ $i -lt 50 ] && [ -n "$(ctr -n k8s.io tasks ls -q 2>/dev/null | while read t; do ctr -n k8s.io tasks ls | grep "^$t" | grep -v STOPPED; done)" ]; do sleep 0.1; i=$((i+1)); done
for id in $(ctr -n k8s.io tasks ls -q 2>/dev/null); do ctr -n k8s.io tasks rm -f "$id"; done
for id in $(ctr -n k8s.io containers ls -q 2>/dev/null); do ctr -n k8s.io containers rm "$id"; done
[ -f /run/containerd.pid ] && kill "$(cat /run/containerd.pid)" 2>/dev/null
sleep 0.3
for h in /sys/fs/cgroup/*/; do [ -d "${h}kubepods" ] && find "${h}kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null; done
true
SH
  chmod 755 "$r/usr/local/bin/node-entrypoint" "$r/usr/local/bin/node-stop"
  cat >"$WORK/img/node-config.json" <<'JSON'
{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin"],"Entrypoint":["/usr/local/bin/node-entrypoint"],"StopSignal":"SIGTERM"},
 "rootfs":{"type":"layers","diff_ids":["sha256:@LSHA@"]},
 "history":[{"created":"2024-01-01T00:00:00Z","created_by":"avexclude tests/runtimes/build-images.sh"}]}
JSON
  archive "$r" "$WORK/img/node-config.json" rtlab/node:1 "$WORK/img/node.tar"
  rm -rf "$r"
}

case "$WHAT" in app) app ;; node) node ;; *) echo "usage: $0 WORK app|node" >&2; exit 2 ;; esac
