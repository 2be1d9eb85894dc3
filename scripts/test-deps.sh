#!/bin/bash
# Installs, when missing, the Debian packages the test suite drives for real: ClamAV (EICAR proof),
# nginx, Redis, RabbitMQ, PostgreSQL, git daemon (git-daemon-sysvinit: Debian's gitdaemon user),
# gpg-agent, dumb-init, runit, Node.js (live discovery), Chromium (HTML export), Ansible (the
# fleet playbook, run for real on local fixture hosts), and the container runtimes the live runtime
# tests start themselves (containerd with ctr, runc, dockerd, podman with conmon; busybox-static is
# the hand-built images' only binary; see tests/runtimes/; runc and busybox-static also serve a
# real container watched by fanotify, tests/views_real.rs). A policy-rc.d
# that exits 101 keeps the packages' maintainer scripts from starting system-wide services on the
# default ports; the tests start their own on loopback.
set -euo pipefail
PKGS=(clamav clamav-daemon clamdscan clamav-freshclam
      nginx-light redis-server rabbitmq-server postgresql git git-daemon-sysvinit gpg-agent gpgconf
      dumb-init runit curl ansible-core
      chromium iproute2 procps util-linux xxd python3 strace
      containerd runc docker.io podman conmon busybox-static gcc libc6-dev)
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need=()
for p in "${PKGS[@]}"; do have "$p" || need+=("$p"); done
# Node.js: any install will do (some images ship NodeSource's, which apt will not replace).
[ -x /usr/bin/node ] || have nodejs || need+=(nodejs)
if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: all packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "test-deps: missing ${need[*]}; run as root to install them" >&2
  exit 2
fi
echo "test-deps: installing ${need[*]}"
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
fi
trap '[ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
epmd_before=$(pgrep -x epmd || true)
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Services that a maintainer script may still have started: stop them, the tests run their own.
for s in clamav-daemon clamav-freshclam nginx redis-server rabbitmq-server postgresql containerd docker; do
  service "$s" stop >/dev/null 2>&1 || true
done
# rabbitmq-server's postinst runs erl, which leaves an epmd daemon on the default port 4369 (on
# 0.0.0.0): stop the one this install started, and no other (not one that ran before, nor a test's
# own epmd on another port).
for p in $(ss -ltnpH 'sport = :4369' 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = epmd ] || continue
  case " $epmd_before " in *" $p "*) ;; *) kill "$p" 2>/dev/null || true ;; esac
done
echo "test-deps: done"
