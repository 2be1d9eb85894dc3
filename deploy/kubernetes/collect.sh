#!/bin/sh
# Collect one inventory per node from the avexclude DaemonSet, for central check, render and export:
#   deploy/kubernetes/collect.sh [OUT_DIR]      (default: ./inventories)
# Each pod runs `avexclude discover --root /host` on its node (read-only, same privileges as the
# DaemonSet); the JSON lands in OUT_DIR/<node>.json, written to a temporary file first so an
# interrupted copy never leaves half an inventory. Needs kubectl with exec rights in the namespace.
set -eu
NS="${AVEXCLUDE_NAMESPACE:-avexclude}"
OUT="${1:-inventories}"
mkdir -p "$OUT"
# The pod list is read first, its status checked: a kubectl failure (no access, wrong context)
# or no pod at all (wrong namespace, DaemonSet not deployed) is an error, never an empty success.
if ! pods=$(kubectl -n "$NS" get pods -l app.kubernetes.io/name=avexclude \
  -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}'); then
  echo "collect: kubectl get pods failed in namespace $NS" >&2
  exit 2
fi
if [ -z "$pods" ]; then
  echo "collect: no avexclude pod in namespace $NS (is the DaemonSet deployed? AVEXCLUDE_NAMESPACE?)" >&2
  exit 2
fi
failed=0
while read -r pod node; do
  [ -n "$pod" ] || continue
  # Node names are DNS labels; anything else is not used as a file name.
  case "$node" in
    "" | *[!A-Za-z0-9.-]*) echo "collect: skipping pod $pod: odd node name" >&2; failed=1; continue ;;
  esac
  if kubectl -n "$NS" exec "$pod" -c avexclude -- \
      /usr/bin/avexclude discover --root /host --hash --format json >"$OUT/.$node.json.tmp"; then
    mv -f "$OUT/.$node.json.tmp" "$OUT/$node.json"
    echo "collect: $node -> $OUT/$node.json"
  else
    rm -f "$OUT/.$node.json.tmp"
    echo "collect: discover failed on $node (pod $pod)" >&2
    failed=1
  fi
done <<EOF
$pods
EOF
exit "$failed"
