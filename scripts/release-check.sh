#!/bin/bash
# Inspect what scripts/release.sh built in dist/, the way an old host would meet it:
#  - the binary needs no glibc symbol newer than GLIBC_2.17 (objdump -T), and runs;
#  - it checks the committed example host (exit 1: that host has drift);
#  - the .deb installs with dpkg -i (binary, man pages, completions, systemd units), runs from
#    /usr/bin, and is removed again;
#  - the .rpm lists the same files at RHEL paths (rpm -qlp; Debian's `rpm` package is installed
#    when missing) and asks for no newer glibc than 2.17.
# Any failure exits non-zero: CI (.ci/run) runs this after release.sh, so the check never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "release-check: FAIL: $*" >&2; exit 1; }
ok() { echo "release-check: ok: $*"; }

bin=dist/avexclude
[ -x "$bin" ] || fail "$bin missing (run scripts/release.sh)"
deb=$(ls dist/*.deb 2>/dev/null | head -n1)
rpmf=$(ls dist/*.rpm 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no .deb in dist/"
[ -n "$rpmf" ] || fail "no .rpm in dist/"

# 1. glibc floor: every versioned glibc symbol at most 2.17.
vers=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u -V)
[ -n "$vers" ] || fail "objdump -T found no glibc symbol versions (not a glibc binary?)"
newest=$(echo "$vers" | tail -n1)
if [ "$(printf '%s\nGLIBC_2.17\n' "$newest" | sort -V | tail -n1)" != "GLIBC_2.17" ]; then
  fail "$bin needs $newest: $(objdump -T "$bin" | grep -F "$newest" | head -n5)"
fi
ok "newest glibc symbol version is $newest (at most GLIBC_2.17)"
interp=$(readelf -l "$bin" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
[ "$interp" = /lib64/ld-linux-x86-64.so.2 ] || fail "unexpected interpreter '$interp'"

# 2. It runs, and checks the example host.
"$bin" --version | grep -q '^avexclude ' || fail "--version"
set +e
"$bin" check --root examples/hosts/microk8s-upgraded --lang en >/tmp/release-check.$$ 2>&1
rc=$?
set -e
head -n1 /tmp/release-check.$$ | grep -Eq '^elma365-node-1: [0-9]+ need action' ||
  { cat /tmp/release-check.$$ >&2; fail "check on the example host"; }
rm -f /tmp/release-check.$$
[ "$rc" = 1 ] || fail "check exit status $rc, expected 1 (drift on the example host)"
ok "runs: --version, check --root examples/hosts/microk8s-upgraded (exit 1, drift found)"

# 3. The .deb: contents, dependencies, install, run, remove.
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/avexclude ./usr/share/man/man1/avexclude.1 ./usr/share/man/man1/avexclude-check.1 \
  ./usr/share/bash-completion/completions/avexclude ./usr/share/zsh/vendor-completions/_avexclude \
  ./usr/share/fish/vendor_completions.d/avexclude.fish \
  ./lib/systemd/system/avexclude-check.service ./lib/systemd/system/avexclude-check.timer; do
  echo "$contents" | grep -q " $f\$" || fail "$deb lacks $f"
done
depends=$(dpkg-deb -f "$deb" Depends)
if echo "$depends" | grep -Eq 'libc6 \(>= 2\.(1[89]|[2-9][0-9])'; then
  fail "$deb depends on a newer glibc than 2.17: $depends"
fi
ok "$deb: binary, man pages, completions, units; Depends: $depends"
if dpkg -s avexclude >/dev/null 2>&1; then
  fail "a package avexclude is already installed here; not touching it"
fi
# dpkg waits for nobody: retry while another apt/dpkg (a parallel test-deps.sh) holds the lock.
for i in $(seq 1 30); do
  if out=$(dpkg -i "$deb" 2>&1); then break; fi
  echo "$out" | grep -qi lock || { echo "$out" >&2; fail "dpkg -i $deb"; }
  [ "$i" = 30 ] && fail "dpkg lock held for 60 s"
  sleep 2
done
trap 'dpkg -r avexclude >/dev/null 2>&1 || true' EXIT
/usr/bin/avexclude --version | grep -q '^avexclude ' || fail "installed /usr/bin/avexclude does not run"
[ -f /lib/systemd/system/avexclude-check.timer ] || fail "timer not installed"
man -w avexclude-check >/dev/null 2>&1 || [ -f /usr/share/man/man1/avexclude-check.1 ] ||
  fail "man page not installed"
for i in $(seq 1 30); do
  if out=$(dpkg -r avexclude 2>&1); then break; fi
  echo "$out" | grep -qi lock || { echo "$out" >&2; fail "dpkg -r avexclude"; }
  sleep 2
done
trap - EXIT
[ ! -e /usr/bin/avexclude ] || fail "dpkg -r left /usr/bin/avexclude"
ok "dpkg -i, run, dpkg -r"

# 4. The .rpm: list its files and requirements.
if ! command -v rpm >/dev/null; then
  echo "release-check: installing Debian's rpm (to read the .rpm)" >&2
  apt-get install -y -qq -o DPkg::Lock::Timeout=120 rpm >/dev/null 2>&1 ||
    { apt-get update -qq -o DPkg::Lock::Timeout=120 && apt-get install -y -qq -o DPkg::Lock::Timeout=120 rpm >/dev/null; }
fi
files=$(rpm -qlp "$rpmf" 2>/dev/null)
for f in /usr/bin/avexclude /usr/share/man/man1/avexclude.1 /usr/share/man/man1/avexclude-check.1 \
  /usr/share/bash-completion/completions/avexclude /usr/share/zsh/site-functions/_avexclude \
  /usr/share/fish/vendor_completions.d/avexclude.fish \
  /usr/lib/systemd/system/avexclude-check.service /usr/lib/systemd/system/avexclude-check.timer; do
  echo "$files" | grep -qx "$f" || fail "$rpmf lacks $f"
done
reqs=$(rpm -qp --requires "$rpmf" 2>/dev/null)
if echo "$reqs" | grep -Eq 'GLIBC_2\.(1[89]|[2-9][0-9])'; then
  fail "$rpmf requires a newer glibc than 2.17: $(echo "$reqs" | grep GLIBC | tr '\n' ' ')"
fi
if echo "$reqs" | grep -q 'PayloadIsZstd'; then
  fail "$rpmf has a zstd payload, which CentOS 7's rpm cannot read"
fi
ok "$rpmf: $(echo "$files" | wc -l) files at RHEL paths; requires at most GLIBC_2.17"
(cd dist && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS"
ok "SHA256SUMS"
