#!/bin/bash
# Generate the .deb's man pages and shell completions from the built binary's command line
# (clap is the one source of help, man pages and completions), into
# $CARGO_TARGET_DIR/release/assets/ where [package.metadata.deb] picks them up:
#   cargo build --release && scripts/deb-assets.sh && cargo deb --no-build
# AVEXCLUDE_BIN and ASSETS_DIR override the binary and the output directory (tests use them).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="${AVEXCLUDE_BIN:-$target/release/avexclude}"
out="${ASSETS_DIR:-$target/release/assets}"
[ -x "$bin" ] || { echo "deb-assets: $bin not built (cargo build --release)" >&2; exit 2; }
mkdir -p "$out/man" "$out/completions"
"$bin" man >"$out/man/avexclude.1"
# One page per subcommand: the names come from the binary's own help.
for sub in $("$bin" completions bash | sed -n 's/^ *avexclude,\([a-z][a-z-]*\))$/\1/p' | grep -vx help | sort -u); do
  "$bin" man "$sub" >"$out/man/avexclude-$sub.1"
done
"$bin" completions bash >"$out/completions/avexclude.bash"
"$bin" completions zsh >"$out/completions/_avexclude"
"$bin" completions fish >"$out/completions/avexclude.fish"
echo "deb-assets: $(ls "$out/man" | wc -l) man pages and 3 completion scripts in $out"
