#!/usr/bin/env bash
# Streaming tape throughput, Cistern VTL vs Debian tgt VTL, in one run, same client (vtlbench.c,
# libiscsi, 256 KiB variable blocks, one command in flight), same disk. Cistern runs twice: a first
# full (all data new: chunking, SHA-256, LZ4, container writes) and the same full again over the
# recycled cartridge (what a weekly full mostly is: deduplicated). tgt writes plain files either way.
#   usage: vtl/bench/vtl-bench.sh [SIZE_MIB=1024]
# Needs: gcc, libiscsi-dev, tgt (run as root for tgtd), JDK 25 in JAVA_HOME.
set -euo pipefail
SIZE=${1:-1024}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /var/tmp/vtl-bench.XXXXXX)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

gcc -O2 -Wall -o "$WORK/vtlbench" "$ROOT/vtl/bench/vtlbench.c" -liscsi
(cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -B -q -o -pl vtl -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null)
CP="$ROOT/vtl/target/test-classes:$ROOT/vtl/target/classes:$(cat "$WORK/cp.txt")"

# --- Cistern ---
PORT=$((20000 + RANDOM % 20000))
CAP_MIB=$((SIZE + 256))
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$CP" dev.cistern.vtl.VtlTargetMain \
    "$WORK/cistern" "$PORT" 2 "$CAP_MIB" > "$WORK/cistern.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q READY "$WORK/cistern.log" && break; sleep 0.2; done
CISTERN=$("$WORK/vtlbench" "127.0.0.1:$PORT" iqn.2026-11.dev.cistern:vtl1 0 1 "$SIZE")
STORED=$(du -sb "$WORK/cistern" | cut -f1)
CISTERN2=$("$WORK/vtlbench" "127.0.0.1:$PORT" iqn.2026-11.dev.cistern:vtl1 0 1 "$SIZE")
STORED2=$(du -sb "$WORK/cistern" | cut -f1)
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true

# --- tgt, configured as in its README.vtl ---
TPORT=$((PORT + 1)); CTL=$((100 + $$ % 800)); T="/usr/sbin/tgtadm -C $CTL --lld iscsi"
mkdir -p "$WORK/tgt"
for b in CST001L5 CST002L5; do
  tgtimg --op new --device-type tape --barcode $b --size "$CAP_MIB" --type data --file "$WORK/tgt/$b" >/dev/null
done
dd if=/dev/zero of="$WORK/tgt/smc" bs=1k count=1 2>/dev/null
/usr/sbin/tgtd -C "$CTL" -f --iscsi portal=127.0.0.1:$TPORT > "$WORK/tgtd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do $T --op show --mode target >/dev/null 2>&1 && break; sleep 0.1; done
$T --op new --mode target --tid 1 -T iqn.2026-11.dev.cistern:tgtvtl
for l in 1 2; do
  $T --mode logicalunit --op new --tid 1 --lun $l -b "$WORK/tgt/CST00${l}L5" --device-type=tape
  $T --mode logicalunit --op update --tid 1 --lun $l --params online=0
done
$T --mode logicalunit --op new --tid 1 --lun 3 -b "$WORK/tgt/smc" --device-type=changer
for p in "media_home=$WORK/tgt" element_type=4,start_address=1,quantity=2 element_type=4,address=1,tid=1,lun=1 \
         element_type=4,address=2,tid=1,lun=2 element_type=1,start_address=3,quantity=1 \
         element_type=2,start_address=4,quantity=16 element_type=2,address=4,barcode=CST001L5,sides=1; do
  $T --mode logicalunit --op update --tid 1 --lun 3 --params "$p"
done
$T --op bind --mode target --tid 1 -I ALL
TGT=$("$WORK/vtlbench" "127.0.0.1:$TPORT" iqn.2026-11.dev.cistern:tgtvtl 3 1 "$SIZE")

echo "streaming ${SIZE} MiB, 256 KiB variable blocks, 1 command in flight, $(nproc) cores"
printf '%-16s %s\n' "cistern 1st full" "$CISTERN data_dir_bytes=$STORED" \
    "cistern 2nd full" "$CISTERN2 data_dir_bytes=$STORED2" "tgt" "$TGT"
