#!/bin/bash
# Build the release into dist/: the x86_64 binary linked against glibc 2.17 (so it starts on
# CentOS 7, RHEL/Alma 8, Astra Linux 1.7, RED OS, Debian 11, Ubuntu 20.04 as well as on current
# systems), a .deb and an .rpm, each with the man pages, bash/zsh/fish completions and the systemd
# check service and timer, and SHA256SUMS.
#
# How: cargo-zigbuild links with zig's linker against the glibc 2.17 symbol set
# (`--target x86_64-unknown-linux-gnu.2.17`): the target is the host's own Rust target, so no new
# rustup target is needed, only zig and cargo-zigbuild, both from PyPI. cargo-deb and
# cargo-generate-rpm pack what the build wrote under target/x86_64-unknown-linux-gnu/release/
# (both rewrite the `target/release/` of the asset lists in Cargo.toml when given --target).
#
# The tools are installed when missing (CI starts with nothing), at pinned versions; an existing
# install is reused, so a second run costs only the build. scripts/release-check.sh inspects dist/.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIPLE=x86_64-unknown-linux-gnu
GLIBC=2.17
ZIGBUILD_VERSION=0.24.1
ZIG_VERSION=0.17.1
CARGO_DEB_VERSION=3.8.0
GENERATE_RPM_VERSION=0.21.1

log() { echo "release: $*" >&2; }

# pip's scripts land in the user or pyenv bin directory; cargo's in ~/.cargo/bin.
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:$PATH"

need_python() {
  command -v python3 >/dev/null && return
  log "installing python3 and pip (Debian packages)"
  apt-get update -qq && apt-get install -y -qq python3 python3-pip >/dev/null
}

# zig: `python3 -m ziglang` is how cargo-zigbuild finds the PyPI build when no `zig` is on PATH.
ensure_zig() {
  if command -v cargo-zigbuild >/dev/null && { command -v zig >/dev/null || python3 -m ziglang version >/dev/null 2>&1; }; then
    return
  fi
  need_python
  log "installing ziglang $ZIG_VERSION and cargo-zigbuild $ZIGBUILD_VERSION from PyPI"
  # Debian's python refuses system-wide pip installs (PEP 668) unless told; a venv-less root
  # install is what a throwaway CI machine wants.
  python3 -m pip install -q "ziglang==$ZIG_VERSION" "cargo-zigbuild==$ZIGBUILD_VERSION" 2>/dev/null ||
    python3 -m pip install -q --break-system-packages "ziglang==$ZIG_VERSION" "cargo-zigbuild==$ZIGBUILD_VERSION"
  hash -r
  command -v cargo-zigbuild >/dev/null || { log "cargo-zigbuild not on PATH after pip install"; exit 2; }
}

ensure_cargo_tool() { # binary crate version
  command -v "$1" >/dev/null && return
  log "installing $2 $3 from crates.io (once per machine)"
  cargo install --locked --quiet "$2" --version "$3"
}

ensure_zig
ensure_cargo_tool cargo-deb cargo-deb "$CARGO_DEB_VERSION"
ensure_cargo_tool cargo-generate-rpm cargo-generate-rpm "$GENERATE_RPM_VERSION"

target="${CARGO_TARGET_DIR:-target}"
out="$target/$TRIPLE/release"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

log "building avexclude $version for $TRIPLE against glibc $GLIBC"
start=$SECONDS
cargo zigbuild --release --locked --target "$TRIPLE.$GLIBC" --bin avexclude
log "build took $((SECONDS - start)) s"

# Man pages and completions come from the built binary's own command line.
AVEXCLUDE_BIN="$out/avexclude" ASSETS_DIR="$out/assets" ./scripts/deb-assets.sh >&2

rm -rf dist
mkdir -p dist
cp "$out/avexclude" dist/avexclude
strip dist/avexclude 2>/dev/null || true
# The packages carry the stripped binary too.
cp dist/avexclude "$out/avexclude"

cargo deb --no-build --no-strip --target "$TRIPLE" --output dist/ >&2
# gzip, not the default zstd: CentOS 7's rpm 4.11 cannot read a zstd payload.
cargo generate-rpm --target "$TRIPLE" --payload-compress gzip --output dist/ >&2
tar -C dist -czf "dist/avexclude-$version-x86_64-linux-gnu.tar.gz" avexclude

(cd dist && sha256sum -- * >SHA256SUMS)
log "done:"
ls -l dist >&2
