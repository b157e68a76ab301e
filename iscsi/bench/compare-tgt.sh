#!/usr/bin/env bash
# Side-by-side benchmark of Cistern's target and Debian's tgtd on loopback, one 256 MiB LUN each
# (Cistern on a fresh engine data directory by default, BACKEND=memory for the in-memory volume; tgtd on
# a file in $TMPDIR). For each target:
#   1. qemu-img convert of a 256 MiB random image into the LUN (sequential write) and back out (read)
#   2. iscsi-perf: 4 KiB random reads at queue depth 16 for $SECONDS_PER_RUN seconds (IOPS)
#   3. qemu-img bench: 128 KiB sequential reads and writes at queue depth 16 (MB/s)
# Results go to $OUT/bench-report.tsv and stdout. Needs libiscsi-bin, tgt, qemu-utils,
# qemu-block-extra, python3; run as root (tgtd).
# Usage: compare-tgt.sh [output-dir]
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/iscsi/target/bench}"
mkdir -p "$OUT"
CISTERN_PORT="${CISTERN_PORT:-3293}"
TGT_PORT="${TGT_PORT:-3294}"
TGT_CONTROL_PORT="${TGT_CONTROL_PORT:-3295}"
SIZE=$((256 * 1024 * 1024))
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
WORK="$(mktemp -d)"
. "$ROOT/iscsi/compliance/lib-targets.sh"
require_tools iscsi-perf qemu-img tgtd tgtadm python3
trap stop_targets EXIT
start_cistern
start_tgt

head -c "$SIZE" /dev/urandom >"$WORK/random.img"
echo -e "target\tmetric\tvalue" >"$OUT/bench-report.tsv"

mbps() { python3 -c "import sys; print(f'{$SIZE / 1048576 / float(sys.argv[1]):.1f}')" "$1"; }
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); python3 -c "print($e - $s)"; }

bench() { # name url
  local name="$1" url="$2" t perf
  t=$(timed qemu-img convert -n -f raw -O raw "$WORK/random.img" "$url")
  echo -e "$name\tconvert-in 256MiB MB/s\t$(mbps "$t")" | tee -a "$OUT/bench-report.tsv"
  t=$(timed qemu-img convert -f raw -O raw "$url" "$WORK/back-$name.img")
  echo -e "$name\tconvert-out 256MiB MB/s\t$(mbps "$t")" | tee -a "$OUT/bench-report.tsv"
  cmp -s "$WORK/random.img" "$WORK/back-$name.img" || { echo "$name: data read back differs!" >&2; exit 1; }
  rm -f "$WORK/back-$name.img"
  perf=$(timeout $((SECONDS_PER_RUN + 20)) iscsi-perf -m 16 -b 8 -r -t "$SECONDS_PER_RUN" "$url" 2>&1 | tail -3 || true)
  echo "$perf" >"$OUT/iscsi-perf-$name.log"
  echo -e "$name\t4KiB random read QD16 IOPS\t$(echo "$perf" | grep -oE 'iops average [0-9]+' | tail -1 | awk '{print $3}')" \
    | tee -a "$OUT/bench-report.tsv"
  local count=$((SIZE / 131072))
  t=$(timed qemu-img bench -f raw -t none -d 16 -s 128k -c "$count" "$url")
  echo -e "$name\t128KiB seq read QD16 MB/s\t$(mbps "$t")" | tee -a "$OUT/bench-report.tsv"
  t=$(timed qemu-img bench -f raw -t none -w -d 16 -s 128k -c "$count" "$url")
  echo -e "$name\t128KiB seq write QD16 MB/s\t$(mbps "$t")" | tee -a "$OUT/bench-report.tsv"
}
bench cistern "$CISTERN_URL"
bench tgt "$TGT_URL"
