#!/bin/bash
# prove.sh: prove with a real ClamAV and the EICAR test file that rendered ClamAV exclusions skip
# exactly what they must and still scan (or block) the rest.
#
# Usage (root): prove.sh [--mode ondemand|onaccess|both] [--late] [--keep DIR]
#                        CLAMAV_DIR MUST_EXCLUDE_LIST MUST_SCAN_LIST
#   CLAMAV_DIR  what `avexclude render --vendor clamav` wrote to OUT/clamav/:
#       clamd.conf      ExcludePath ^<ERE-escaped dir>/ and ExcludePath ^<escaped file>$ lines
#       clamonacc.conf  OnAccessExcludePath <dir> and OnAccessExcludeUname <user> lines
#       clamscan.args   one --exclude-dir=<regex> or --exclude=<regex> per line (optional)
#   MUST_EXCLUDE_LIST, MUST_SCAN_LIST  absolute paths, one a line ('#' and blank lines ignored).
#       A path ending in '/' or naming an existing directory gets probes DIR/eicar-probe.com and
#       DIR/eicar-probe.d/eicar-probe.com; any other path gets the EICAR file at that very path.
#   --mode    ondemand: clamd (ExcludePath) by raw zSCAN, zCONTSCAN walk, clamdscan --fdpass walk,
#             clamscan walk with clamscan.args; onaccess: clamonacc --fdpass with OnAccessPrevention;
#             both (default).
#   --late    place the must-exclude probes only after clamonacc is watching (shows the pitfall
#             "a directory created after clamonacc starts stays scanned"; expected to fail).
#   --keep    copy the composed config and the logs to DIR before cleaning up.
# Env: ROOT_DEPTH (default 3): walks and on-access include paths start at the first ROOT_DEPTH
#      components of each path (always above every excluded directory); ONACC_WAIT (default 60) s.
#
# Everything runs in a private mount namespace: every top-level directory involved (/var, /opt,
# ...) gets an overlayfs with a tmpfs upper layer, so probes exist only there and the host's files
# are never written. A top-level directory the host lacks (/snap) is created empty and removed by
# the last prover to finish. The EICAR file is assembled at run time (no file of the repository
# holds it) and a one-line .hdb database made by sigtool detects it: nothing is downloaded.
# Output: TAP-like "ok N - ..." / "not ok N - ..." lines, "# ..." notes, last line
# "N passed, N failed". Exit: 0 all passed, 1 a check failed (or interrupted), 2 usage or
# environment error. clamd and clamonacc are started here and exactly those PIDs are stopped.
set -uo pipefail

SIGNAME=avexclude-eicar-probe
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
LOCK=/run/avexclude-clamav-prove.lock TOPS_FILE=/run/avexclude-clamav-prove.tops

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "prove.sh: $*" >&2; exit 2; }

MODE=both LATE=0 KEEP=""
while [ $# -gt 0 ]; do
  case $1 in
    --mode) MODE=${2:-}; shift 2 ;;
    --mode=*) MODE=${1#*=}; shift ;;
    --late) LATE=1; shift ;;
    --keep) KEEP=${2:-}; shift 2 ;;
    --keep=*) KEEP=${1#*=}; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -eq 3 ] || usage
case $MODE in ondemand|onaccess|both) ;; *) die "bad --mode $MODE" ;; esac

# ---------------------------------------------------------------- outer part: re-exec in a namespace
if [ -z "${AVX_PROVE_INNER:-}" ]; then
  [ "$(id -u)" = 0 ] || die "must run as root (mount namespace, overlayfs, fanotify)"
  missing=()
  for t in clamd clamdscan clamscan clamonacc clamconf sigtool unshare mount flock md5sum "$PY"; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (apt-get install -y clamav clamav-daemon util-linux python3)"
  # The version proven, stated in the output. Before 1.4.5 clamonacc has a bug of its own
  # (an OnAccessExcludePath X with a sibling named X2 or X-old disables the whole include path,
  # fixed by upstream commit bb829064a; ../shared/research/container-paths-clamav-1.4.6.md 1.3):
  # a proof on such a version would prove that bug, not the exclusions. Debian bookworm main
  # ships 1.4.3, bookworm-security 1.4.6.
  CLAMV=$(clamd --version 2>/dev/null | sed -nE 's/^ClamAV ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p')
  [ -n "$CLAMV" ] || die "cannot read the ClamAV version from clamd --version"
  if [ "$(printf '%s\n%s\n' 1.4.5 "$CLAMV" | sort -V | head -n1)" != 1.4.5 ]; then
    die "ClamAV $CLAMV is older than 1.4.5 (prefix-sibling exclusion bug): install clamav and clamav-daemon from bookworm-security (1.4.6)"
  fi
  echo "# ClamAV $CLAMV (clamd --version): the version this run proves"
  [ -d "$1" ] && [ -r "$2" ] && [ -r "$3" ] || die "cannot read $1, $2 or $3"
  D=$(readlink -f "$1") XL=$(readlink -f "$2") SL=$(readlink -f "$3")
  [ -n "$KEEP" ] && { mkdir -p "$KEEP" && KEEP=$(readlink -f "$KEEP"); }
  # a shared lock for the whole run: the last prover out removes the top-level dirs made on the host
  exec 8>>"$LOCK" && flock -s 8 || die "cannot lock $LOCK"
  late=(); [ $LATE = 1 ] && late=(--late)
  exec env AVX_PROVE_INNER=1 unshare --mount --propagation private \
    bash "$(readlink -f "$0")" --mode "$MODE" "${late[@]}" ${KEEP:+--keep "$KEEP"} "$D" "$XL" "$SL"
fi

# ---------------------------------------------------------------- inner part (private mount namespace)
DIR=$1 XLIST=$2 SLIST=$3
exec 9>&1
PASS=0 FAIL=0 N=0 PIDS=() S="" MOUNTS=()
ok()   { N=$((N+1)); PASS=$((PASS+1)); echo "ok $N - $*"; }
bad()  { N=$((N+1)); FAIL=$((FAIL+1)); echo "not ok $N - $*"; }
note() { echo "# $*"; }
finish() {
  local rc=$1
  trap '' INT TERM
  # a trap can fire inside a function whose stdout is redirected: report on fd 9
  [ "$rc" = int ] && bad "interrupted before all checks ran" >&9
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  if [ -n "$KEEP" ] && [ -n "$S" ]; then cp -r "$S/etc" "$S"/*.log "$S"/*.out "$KEEP"/ 2>/dev/null; fi
  for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null; done
  [ -n "$S" ] && rmdir "$S" 2>/dev/null
  # the last prover out (no other holds the shared lock) removes the empty top-level dirs made
  if flock -n -x 8 2>/dev/null && [ -s "$TOPS_FILE" ]; then
    while read -r t; do [ -n "$t" ] && rmdir "$t" 2>/dev/null; done <"$TOPS_FILE"
    : >"$TOPS_FILE"
  fi
  echo "$PASS passed, $FAIL failed" >&9
  [ "$rc" = 2 ] && exit 2
  [ "$FAIL" = 0 ] && [ "$rc" != int ] && exit 0
  exit 1
}
trap 'finish int' INT TERM

# ---- the lists
declare -a XPATHS=() SPATHS=()
readlist() { # file arrayname
  local -n arr=$2; local l
  while IFS= read -r l || [ -n "$l" ]; do
    l=${l%$'\r'}; l="${l#"${l%%[![:space:]]*}"}"; l="${l%"${l##*[![:space:]]}"}"
    [ -z "$l" ] || [ "${l:0:1}" = "#" ] && continue
    arr+=("$l")
  done <"$1"
}
readlist "$XLIST" XPATHS; readlist "$SLIST" SPATHS
[ $((${#XPATHS[@]} + ${#SPATHS[@]})) -gt 0 ] || { note "no paths to test"; finish 2; }
for p in "${XPATHS[@]}" "${SPATHS[@]}"; do
  case $p in /*) ;; *) note "path is not absolute: $p"; finish 2 ;; esac
  case "${p%/}/" in */../*|*/./*|*//*) note "path is not normalised (. .. or //): $p"; finish 2 ;; esac
  top=${p#/}; top=${top%%/*}
  case $top in ""|proc|sys|dev|run|tmp) note "cannot test paths under /$top: $p"; finish 2 ;; esac
  [ -L "/$top" ] && { note "/$top is a symlink ($(readlink "/$top")): give the real path for $p"; finish 2; }
done
for x in "${XPATHS[@]}"; do for s in "${SPATHS[@]}"; do
  [ "${x%/}" = "${s%/}" ] && { note "path is in both lists: $x"; finish 2; }
done; done

# ---- lint: what clamd and clamonacc accept silently but never match (lab README, section 1)
declare -a F_EXCL=() F_OAEXCL=() F_OAINC=() CS_ARGS=()
HAS_UIDX=0 lintbad=0
lint_value() { # where value: a trailing comment or an empty value
  case $2 in
    "") bad "$1: no value"; return 1 ;;
    *" #"*|*$'\t#'*) bad "$1: '$2' has a trailing comment: clamd makes it part of the value, which then never matches"; return 1 ;;
  esac
}
lint_regex() { # where regex
  grep -E -e "$2" </dev/null >/dev/null 2>&1; [ $? = 2 ] && { bad "$1: '$2' is not a valid POSIX extended regex (ClamAV ignores it silently)"; return 1; }
  case $2 in "^/"*) ;; *) bad "$1: '$2' is not anchored with ^/ (it would match anywhere in a path, or is relative)"; return 1 ;; esac
  case $2 in */|*\$) ;; *) bad "$1: '$2' ends in neither '/' (a directory) nor '\$' (a file): it also matches every name it prefixes"; return 1 ;; esac
  return 0
}
lint_file() { # file kind(clamd|clamonacc)
  local f=$1 kind=$2 lineno=0 raw l key val where
  [ -f "$f" ] || return 0
  while IFS= read -r raw || [ -n "$raw" ]; do
    lineno=$((lineno+1)); where="${f##*/} line $lineno"
    case $raw in *$'\r'*) bad "$where: carriage return (clamd keeps it in the value, so it never matches)"; lintbad=1; continue ;; esac
    l="${raw#"${raw%%[![:space:]]*}"}"
    [ -z "$l" ] || [ "${l:0:1}" = "#" ] && continue
    key=${l%%[[:space:]]*}; val=""; [ "$key" != "$l" ] && val="${l#"$key"}"
    val="${val#"${val%%[![:space:]]*}"}"; val="${val%"${val##*[![:space:]]}"}"
    lint_value "$where: $key" "$val" || { lintbad=1; continue; }
    case $kind:$key in
      clamd:ExcludePath)
        lint_regex "$where: ExcludePath" "$val" || { lintbad=1; continue; }
        F_EXCL+=("$val") ;;
      clamonacc:OnAccessExcludePath|clamonacc:OnAccessIncludePath)
        case $val in
          /*/|//*) bad "$where: $key '$val' ends in '/' or starts with '//' (clamonacc ignores it, or with an include path drops all protection)"; lintbad=1; continue ;;
          /*) ;;
          *) bad "$where: $key '$val' is not an absolute directory path (a literal path, not a regex)"; lintbad=1; continue ;;
        esac
        case "$val/" in */../*|*/./*|*//*) bad "$where: $key '$val' is not a normalised path"; lintbad=1; continue ;; esac
        if [ "$key" = OnAccessExcludePath ]; then F_OAEXCL+=("$val"); else F_OAINC+=("$val"); fi ;;
      clamonacc:OnAccessExcludeUname|clamonacc:OnAccessExcludeUID)
        HAS_UIDX=1
        case $val in root|0) bad "$where: $key $val exempts root: every root process (and this harness) reads malware unhindered"; lintbad=1; continue ;; esac
        if [ "$key" = OnAccessExcludeUID ]; then
          case $val in *[!0-9]*) bad "$where: OnAccessExcludeUID '$val' is not a number (clamonacc exits)"; lintbad=1; continue ;; esac
        elif ! getent passwd "$val" >/dev/null; then
          note "$where: user '$val' does not exist here (clamonacc accepts it and excludes nobody)"
        fi ;;
      clamonacc:OnAccessExcludeRootUID)
        case $val in no|false|0) ;; *) bad "$where: OnAccessExcludeRootUID $val exempts root"; lintbad=1; continue ;; esac ;;
      *) bad "$where: unexpected directive '$key' in the rendered ${f##*/} (passed to clamd as it is)"; lintbad=1 ;;
    esac
  done <"$f"
}
[ -f "$DIR/clamd.conf" ] || [ -f "$DIR/clamonacc.conf" ] || { note "neither clamd.conf nor clamonacc.conf in $DIR"; finish 2; }
lint_file "$DIR/clamd.conf" clamd
lint_file "$DIR/clamonacc.conf" clamonacc
if [ -f "$DIR/clamscan.args" ]; then
  n=0
  while IFS= read -r raw || [ -n "$raw" ]; do
    n=$((n+1)); where="clamscan.args line $n"
    [ -z "$raw" ] || [ "${raw:0:1}" = "#" ] && continue
    # every line goes to clamscan as the admin would pass it, so a bad one shows its real effect
    CS_ARGS+=("$raw")
    case $raw in *$'\r'*) bad "$where: carriage return (clamscan keeps it in the regex)"; lintbad=1; continue ;; esac
    case $raw in
      --exclude-dir=*|--exclude=*) lint_regex "$where: ${raw%%=*}" "${raw#*=}" || lintbad=1 ;;
      *) bad "$where: '$raw' is not --exclude-dir=REGEX or --exclude=REGEX"; lintbad=1 ;;
    esac
  done <"$DIR/clamscan.args"
fi
[ $lintbad = 0 ] && ok "rendered text: ${#F_EXCL[@]} ExcludePath, ${#F_OAEXCL[@]} OnAccessExcludePath, ${#CS_ARGS[@]} clamscan arguments; nothing ClamAV would silently ignore"

DO_OD=0 DO_OA=0
case $MODE in ondemand) DO_OD=1 ;; onaccess) DO_OA=1 ;; both) DO_OD=1 DO_OA=1 ;; esac
note "modes: ondemand=$DO_OD onaccess=$DO_OA late=$LATE"

# ---- roots: walks and on-access include paths, the first ROOT_DEPTH components of each path,
# always strictly above every excluded directory; none inside another
DEPTH=${ROOT_DEPTH:-3}
prefix() { echo "$1" | cut -d/ -f1-$(($2+1)); }
ncomp() { local t=${1#/}; t=${t%/}; [ -z "$t" ] && echo 0 || echo $(( $(echo "$t" | tr -cd / | wc -c) + 1 )); }
declare -A RC=()
for p in "${XPATHS[@]}" "${SPATHS[@]}"; do
  q=${p%/}; { [ "${p%/}" != "$p" ] || [ -d "$p" ]; } || q=$(dirname "$q")
  k=$(ncomp "$q"); [ "$k" -gt "$DEPTH" ] && k=$DEPTH; RC[$(prefix "$q" "$k")]=1
done
for e in "${F_OAEXCL[@]}"; do
  k=$(( $(ncomp "$e") - 1 )); [ "$k" -gt "$DEPTH" ] && k=$DEPTH; [ "$k" -lt 1 ] && k=1; RC[$(prefix "$e" "$k")]=1
done
# a root equal to or under an excluded directory moves up to that directory's parent
EXD=("${F_OAEXCL[@]}")
for x in "${XPATHS[@]}"; do { [ "${x%/}" != "$x" ] || [ -d "$x" ]; } && EXD+=("${x%/}"); done
changed=1
while [ $changed = 1 ]; do
  changed=0
  for r in "${!RC[@]}"; do
    for e in "${EXD[@]}"; do
      case "$r/" in "$e"/*)
        unset "RC[$r]"; d=$(dirname "$e"); [ "$d" = / ] || RC[$d]=1; changed=1; break 2 ;;
      esac
    done
  done
done
# clamd.conf trims blanks at both ends of a value and has no quoting: a root whose value would
# lose a blank (or hold a '#') moves up until it can be written as it is
for r in "${!RC[@]}"; do
  q=$r
  while [ "$q" != / ] && case "$q" in *[[:space:]]|*/[[:space:]]*|*'#'*) true ;; *) false ;; esac; do q=$(dirname "$q"); done
  if [ "$q" != "$r" ]; then unset "RC[$r]"; [ "$q" = / ] || RC[$q]=1; fi
done
ROOTS=()
for r in "${!RC[@]}"; do
  inner=0; for o in "${!RC[@]}"; do [ "$o" != "$r" ] && case "$r/" in "$o"/*) inner=1 ;; esac; done
  [ $inner = 0 ] && ROOTS+=("$r")
done
[ ${#F_OAINC[@]} -gt 0 ] && INCS=("${F_OAINC[@]}") || INCS=("${ROOTS[@]}")

# ---- overlay every top-level directory involved, with a tmpfs upper layer
declare -A TOPS=()
for p in "${XPATHS[@]}" "${SPATHS[@]}" "${F_OAINC[@]}" "${F_OAEXCL[@]}"; do t=${p#/}; t=${t%%/*}; [ -n "$t" ] && TOPS[$t]=1; done
base=""
for b in /tmp /var/tmp /root /srv /mnt; do t=${b#/}; t=${t%%/*}; [ -z "${TOPS[$t]:-}" ] && [ -d "$b" ] && { base=$b; break; }; done
[ -n "$base" ] || { note "no scratch location outside the tested top-level dirs"; finish 2; }
S=$(mktemp -d "$base/avexclude-prove.XXXXXX") || finish 2
mount -t tmpfs -o mode=0755 avexclude-prove "$S" || { note "cannot mount tmpfs"; finish 2; }; MOUNTS+=("$S")
mkdir -p "$S/db" "$S/etc" "$S/ovl"
for t in "${!TOPS[@]}"; do
  case $t in proc|sys|dev|run|tmp) note "cannot overlay /$t"; finish 2 ;; esac
  if [ ! -d "/$t" ]; then
    # a missing top-level dir (like /snap) is made on the host, empty; the last prover removes it
    mkdir "/$t" 2>/dev/null && echo "/$t" >>"$TOPS_FILE"
    [ -d "/$t" ] || { note "cannot create /$t"; finish 2; }
  fi
  mkdir -p "$S/ovl/$t/u" "$S/ovl/$t/w"
  if mount -t overlay overlay -o "lowerdir=/$t,upperdir=$S/ovl/$t/u,workdir=$S/ovl/$t/w" "/$t"; then MOUNTS+=("/$t")
  else note "cannot overlay /$t"; finish 2; fi
done

# ---- the EICAR test file, assembled here, and a signature database made by sigtool
E1='X5O!P%@AP[4\PZX54(P^)7CC)7}$' E2='EICAR-STANDARD-ANTIVIRUS' E3='-TEST-FILE!$H+H*'
printf '%s%s%s' "$E1" "$E2" "$E3" >"$S/$SIGNAME"
[ "$(md5sum <"$S/$SIGNAME" | cut -d' ' -f1)" = 44d88612fea8a8f36de82e1278abb02f ] || { note "EICAR assembly is wrong"; finish 2; }
(cd "$S" && sigtool --md5 "$SIGNAME") >"$S/db/eicar.hdb" 2>"$S/sigtool.out" || { note "sigtool failed: $(cat "$S/sigtool.out")"; finish 2; }
grep -q "^44d88612fea8a8f36de82e1278abb02f:68:$SIGNAME\$" "$S/db/eicar.hdb" || { note "unexpected sigtool output: $(cat "$S/db/eicar.hdb")"; finish 2; }
chmod -R a+rX "$S/db"
FOUND_TEXT="$SIGNAME.UNOFFICIAL FOUND"

# ---- probes
declare -a PROBE=() EXPECT=() ORIG=()
addprobe() { # expect path [place]
  local e=$1 p=$2 place=${3:-1}
  if [ "${p%/}" != "$p" ] || [ -d "$p" ]; then
    p=${p%/}
    if [ "$place" = 1 ]; then
      mkdir -p "$p/eicar-probe.d" && cp "$S/$SIGNAME" "$p/eicar-probe.com" && cp "$S/$SIGNAME" "$p/eicar-probe.d/eicar-probe.com" || return 1
    fi
    PROBE+=("$p/eicar-probe.com" "$p/eicar-probe.d/eicar-probe.com"); EXPECT+=("$e" "$e"); ORIG+=("$2" "$2")
  else
    if [ "$place" = 1 ]; then mkdir -p "$(dirname "$p")" && rm -f "$p" && cp "$S/$SIGNAME" "$p" || return 1; fi
    PROBE+=("$p"); EXPECT+=("$e"); ORIG+=("$2")
  fi
}
place_late() {
  local p
  for p in "${XPATHS[@]}"; do
    if [ "${p%/}" != "$p" ]; then
      p=${p%/}; mkdir -p "$p/eicar-probe.d" && cp "$S/$SIGNAME" "$p/eicar-probe.com" && cp "$S/$SIGNAME" "$p/eicar-probe.d/eicar-probe.com"
    else mkdir -p "$(dirname "$p")" && cp "$S/$SIGNAME" "$p"; fi
  done
}
place=1; [ $LATE = 1 ] && place=0
[ $LATE = 1 ] && for p in "${XPATHS[@]}"; do
  [ "${p%/}" != "$p" ] || { note "--late needs directory paths ending in '/': $p"; finish 2; }
  [ -e "$p" ] && { note "--late needs must-exclude dirs that do not exist yet: $p"; finish 2; }
done
for p in "${XPATHS[@]}"; do addprobe X "$p" $place || { note "cannot place a probe at $p"; finish 2; }; done
for p in "${SPATHS[@]}"; do addprobe S "$p" || { note "cannot place a probe at $p"; finish 2; }; done
for r in "${ROOTS[@]}" "${INCS[@]}"; do mkdir -p "$r"; done

# lint that needs the probes in place: what each rendered value names
for e in "${F_OAEXCL[@]}"; do
  if [ -e "$e" ] && [ ! -d "$e" ]; then bad "clamonacc.conf: OnAccessExcludePath $e is a file: clamonacc can exclude only directories"
  elif [ $LATE = 0 ] && [ ! -d "$e" ]; then note "OnAccessExcludePath $e does not exist (no probe there): clamonacc ignores it"; fi
done
for re in "${F_EXCL[@]}"; do
  case $re in *\$) lit=${re#^}; lit=${lit%\$}; lit=$(printf '%s' "$lit" | sed 's/\\\(.\)/\1/g')
    [ -d "$lit" ] && bad "clamd.conf: ExcludePath '$re' ends in '\$' but $lit is a directory: files inside it are still scanned when named directly" ;;
  esac
done

# ---- the composed configuration: harness settings, then the rendered lines as an admin appends them
CONF=$S/etc/clamd.conf
{
  echo "# composed by prove.sh"
  echo "DatabaseDirectory $S/db"
  echo "LocalSocket $S/clamd.sock"
  echo "Foreground yes"
  echo "LogFile $S/clamd.log"
  echo "LogTime yes"
  echo "MaxDirectoryRecursion 64"
  echo "OnAccessPrevention yes"
  if [ ${#F_OAINC[@]} = 0 ]; then for r in "${INCS[@]}"; do echo "OnAccessIncludePath $r"; done; fi
  [ $HAS_UIDX = 0 ] && echo "OnAccessExcludeUname clamav"
  for f in clamd.conf clamonacc.conf; do
    [ -f "$DIR/$f" ] || continue
    echo "# ---- rendered $f"; cat "$DIR/$f"; echo
  done
} >"$CONF"

cc=$(clamconf -c "$S/etc" 2>&1 >/dev/null | grep -E '^ERROR' | head -3)
[ -z "$cc" ] && ok "clamconf reads the composed config without ERROR" || bad "clamconf: $cc"

clamd -c "$CONF" >"$S/clamd.out" 2>&1 & CLAMD=$!; PIDS+=("$CLAMD")
for _ in $(seq 1 300); do [ -S "$S/clamd.sock" ] && break; kill -0 "$CLAMD" 2>/dev/null || break; sleep 0.1; done
if [ -S "$S/clamd.sock" ]; then ok "clamd accepts the composed config and listens (pid $CLAMD)"
else bad "clamd did not start: $(grep -E 'ERROR' "$S/clamd.out" | head -3 | tr '\n' ' ')"; finish 1; fi

clamd_cmd() { # command [path] -> replies, one a line (raw protocol: only it says "Excluded")
  "$PY" - "$S/clamd.sock" "$@" <<'PYEOF'
import socket, sys
sock, cmd = sys.argv[1], " ".join(sys.argv[2:])
s = socket.socket(socket.AF_UNIX); s.settimeout(600); s.connect(sock)
s.sendall(b"z" + cmd.encode() + b"\0"); out = b""
while True:
    d = s.recv(65536)
    if not d: break
    out += d
sys.stdout.write(out.replace(b"\0", b"\n").decode(errors="replace"))
PYEOF
}
found_in() { grep -Fxq -- "$1: $FOUND_TEXT" "$2"; }
walk_check() { # label outputfile
  local i p
  for i in "${!PROBE[@]}"; do
    p=${PROBE[$i]}
    if [ "${EXPECT[$i]}" = X ]; then
      found_in "$p" "$2" && bad "$1: $p detected (must be excluded: ${ORIG[$i]})" || ok "$1: $p not detected (excluded)"
    else
      found_in "$p" "$2" && ok "$1: $p detected" || bad "$1: $p not detected (must be scanned: ${ORIG[$i]}): $(grep -F -- "$p" "$2" | head -1)"
    fi
  done
}

if [ $DO_OD = 1 ]; then
  note "on demand; walk roots: ${ROOTS[*]}"
  for i in "${!PROBE[@]}"; do
    p=${PROBE[$i]}; r=$(clamd_cmd SCAN "$p" | head -1)
    if [ "${EXPECT[$i]}" = X ]; then
      [ "$r" = "$p: Excluded" ] && ok "clamd SCAN $p: Excluded" || bad "clamd SCAN $p: '$r' (must be Excluded: ${ORIG[$i]})"
    else
      [ "$r" = "$p: $FOUND_TEXT" ] && ok "clamd SCAN $p: FOUND" || bad "clamd SCAN $p: '$r' (must be FOUND: ${ORIG[$i]})"
    fi
  done
  : >"$S/contscan.out"; for r in "${ROOTS[@]}"; do clamd_cmd CONTSCAN "$r" >>"$S/contscan.out"; done
  walk_check "clamd CONTSCAN walk" "$S/contscan.out"
  clamdscan -c "$CONF" --fdpass --no-summary "${ROOTS[@]}" >"$S/clamdscan-fdpass.out" 2>&1
  walk_check "clamdscan --fdpass walk" "$S/clamdscan-fdpass.out"
  if [ -f "$DIR/clamscan.args" ]; then
    clamscan --no-summary -d "$S/db" -r --max-dir-recursion=64 "${CS_ARGS[@]}" "${ROOTS[@]}" >"$S/clamscan.out" 2>&1
    walk_check "clamscan walk with clamscan.args" "$S/clamscan.out"
  else
    note "no clamscan.args: clamscan walk not run"
  fi
fi

if [ $DO_OA = 1 ]; then
  # a canary in every include path, outside the exclusions: proof that prevention is on
  CANS=()
  for inc in "${INCS[@]}"; do
    c="$inc/.avexclude-canary.d/eicar-canary.com"; covered=0
    for e in "${F_OAEXCL[@]}"; do case "$c" in "$e"/*) covered=1 ;; esac; done
    [ $covered = 0 ] && mkdir -p "$(dirname "$c")" && cp "$S/$SIGNAME" "$c" && CANS+=("$c")
  done
  clamonacc -c "$CONF" --fdpass --foreground --verbose --log="$S/clamonacc.log" >"$S/clamonacc.out" 2>&1 & OA=$!; PIDS+=("$OA")
  # Readiness: "waiting to consume events" comes BEFORE the watches exist. The include/exclude
  # tables are done when "Excluding temp directory" is logged; the marks are added after that,
  # with no log line: wait until the inotify mark count in /proc/PID/fdinfo stops growing.
  ready=0
  for _ in $(seq 1 $((${ONACC_WAIT:-60}*10))); do
    grep -q 'Excluding temp directory' "$S/clamonacc.log" 2>/dev/null && { ready=1; break; }
    kill -0 "$OA" 2>/dev/null || break; sleep 0.1
  done
  marks() { local f n=0; for f in /proc/$OA/fd/*; do [ "$(readlink "$f")" = anon_inode:inotify ] && n=$((n + $(grep -c '^inotify ' "/proc/$OA/fdinfo/${f##*/}"))); done; echo $n; }
  if [ $ready = 1 ]; then
    last=-1 same=0
    for _ in $(seq 1 $((${ONACC_WAIT:-60}*5))); do
      m=$(marks); [ "$m" = "$last" ] && [ "$m" -gt 0 ] && same=$((same+1)) || same=0; last=$m
      [ $same -ge 5 ] && break; sleep 0.2
    done
    ok "clamonacc started (pid $OA) and watches $last directories under ${INCS[*]}"
  else bad "clamonacc did not start: $(grep -hE 'ERROR' "$S/clamonacc.out" "$S/clamonacc.log" 2>/dev/null | head -3 | tr '\n' ' ')"; finish 1; fi
  errs=$(grep -E 'ERROR' "$S/clamonacc.log" | sort -u | head -3 | tr '\n' ' ')
  [ -z "$errs" ] && ok "clamonacc log has no ERROR" || bad "clamonacc log: $errs"
  if [ $LATE = 1 ]; then place_late; note "--late: must-exclude probes placed after clamonacc started"; fi
  for e in "${F_OAEXCL[@]}"; do
    if grep -Fq "excluding '$e'" "$S/clamonacc.log"; then ok "clamonacc excludes $e"
    else bad "clamonacc did not exclude '$e' (missing when it started, or not a directory): it has no effect"; fi
  done
  blocked_within() { # seconds file
    local i; for i in $(seq 1 $(($1*5))); do cat -- "$2" >/dev/null 2>&1 || return 0; sleep 0.2; done; return 1; }
  GRACE=5   # seconds a scanned probe may take to be blocked (a loaded machine)
  for c in "${CANS[@]}"; do
    [ $GRACE = 0 ] && { bad "on-access prevention not active: canary $c stays readable"; continue; }
    blocked_within 10 "$c" && ok "on-access prevention is active (canary $c blocked)" \
      || { bad "on-access prevention not active: canary $c stays readable (root excluded?)"; GRACE=0; }
  done
  [ ${#CANS[@]} = 0 ] && note "no canary place outside the exclusions: relying on the must-scan paths"
  for i in "${!PROBE[@]}"; do
    p=${PROBE[$i]}
    [ "${EXPECT[$i]}" = S ] && [ $GRACE -gt 0 ] && blocked_within $GRACE "$p"   # a few seconds' grace
    err=$(timeout 30 cat -- "$p" 2>&1 >/dev/null); rc=$?
    if [ "${EXPECT[$i]}" = X ]; then
      [ $rc = 0 ] && ok "on access: open $p allowed (excluded)" || bad "on access: open $p failed rc=$rc '$err' (must be excluded: ${ORIG[$i]})"
    else
      case $err in *"Operation not permitted"*) ok "on access: open $p blocked (EPERM)" ;;
        *) bad "on access: open $p rc=$rc '$err' (must be blocked: ${ORIG[$i]})" ;; esac
    fi
  done
  if [ "$FAIL" -gt 0 ]; then
    note "clamonacc log (last lines):"; tail -n 15 "$S/clamonacc.log" 2>/dev/null | sed 's/^/#   /'
  fi
fi
finish 0
