#!/usr/bin/env bash
# libiscsi compliance comparison: Cistern's target vs Debian's tgtd, same suite, same 1 GiB LUN size.
#
# Starts Cistern's standalone target (1 GiB LUN on a fresh engine data directory, or in memory with
# BACKEND=memory; loopback) and tgtd (1 GiB sparse file LUN)
# on their own ports, runs `iscsi-test-cu -d` with every iSCSI.* and SCSI.* test against each, and writes
#   $OUT/compliance-report.tsv   test <tab> cistern <tab> tgt   (passed | skipped | failed | missing)
#   $OUT/cistern.log, $OUT/tgt.log   raw CUnit output
# A test counts as passed only when it ran and passed: CUnit shows "[SKIPPED]" tests as passed, they are
# classed "skipped" here. Exits non-zero when a test tgt passes does not pass on Cistern.
#
# Needs: libiscsi-bin (iscsi-test-cu), tgt (tgtd, tgtadm), python3, a JDK 25; run as root (tgtd).
# Usage: run-compliance.sh [output-dir]    (default: iscsi/target)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/iscsi/target}"
mkdir -p "$OUT"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
CISTERN_PORT="${CISTERN_PORT:-3290}"
TGT_PORT="${TGT_PORT:-3291}"
TGT_CONTROL_PORT="${TGT_CONTROL_PORT:-3292}"
SIZE=$((1024 * 1024 * 1024))
CISTERN_IQN="iqn.2026-11.dev.cistern:compliance"
TGT_IQN="iqn.2026-11.dev.cistern:tgt-reference"
INITIATOR="iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test"
TESTS="${TESTS:-iSCSI.*,SCSI.*}"

for tool in iscsi-test-cu tgtd tgtadm python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (install libiscsi-bin, tgt, python3)" >&2; exit 2; }
done
BACKEND="${BACKEND:-engine}"
if [ -z "${CISTERN_CP:-}" ]; then
  (cd "$ROOT" && ./mvnw -B -q -o -pl iscsi -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/runtime.cp -Dmdep.includeScope=test)
  CISTERN_CP="$ROOT/iscsi/target/classes:$ROOT/iscsi/target/test-classes:$(cat "$ROOT/iscsi/target/runtime.cp")"
fi

WORK="$(mktemp -d)"
CISTERN_PID=""
TGT_PID=""
cleanup() {
  [ -n "$CISTERN_PID" ] && kill "$CISTERN_PID" 2>/dev/null || true
  if [ -n "$TGT_PID" ]; then
    # tgtd ignores SIGTERM while it has targets; ask it to exit, then insist
    tgtadm -C "$TGT_CONTROL_PORT" --op delete --mode system >/dev/null 2>&1 || true
    sleep 1
    kill -9 "$TGT_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$BACKEND" = memory ]; then
  "$JAVA" -cp "$CISTERN_CP" dev.cistern.iscsi.testing.MemoryTargetMain "$CISTERN_PORT" "$CISTERN_IQN" "$SIZE" 512 \
    >"$OUT/cistern-target.log" 2>&1 &
else
  CISTERN_IQN="iqn.2026-11.dev.cistern:compliance"
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CISTERN_CP" dev.cistern.iscsi.Launcher "$WORK/engine" \
    "$CISTERN_PORT" compliance "$SIZE" 512 >"$OUT/cistern-target.log" 2>&1 &
fi
CISTERN_PID=$!
for _ in $(seq 1 300); do grep -q READY "$OUT/cistern-target.log" && break; sleep 0.1; done
grep -q READY "$OUT/cistern-target.log" || { echo "Cistern target did not start" >&2; cat "$OUT/cistern-target.log" >&2; exit 1; }

truncate -s "$SIZE" "$WORK/tgt-lun.img"
tgtd -f -C "$TGT_CONTROL_PORT" --iscsi "portal=127.0.0.1:$TGT_PORT" >"$OUT/tgtd.log" 2>&1 &
TGT_PID=$!
for _ in $(seq 1 50); do tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op new --tid 1 -T "$TGT_IQN"
tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 -b "$WORK/tgt-lun.img"
tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op bind --tid 1 -I ALL

run_suite() { # name url
  local start end
  start=$(date +%s)
  iscsi-test-cu -d -t "$TESTS" -i "$INITIATOR" "$2" >"$OUT/$1.log" 2>&1 || true
  end=$(date +%s)
  echo "$1: suite took $((end - start)) s"
  python3 "$HERE/parse-cunit.py" "$OUT/$1.log" >"$WORK/$1.tsv"
}
run_suite cistern "iscsi://127.0.0.1:$CISTERN_PORT/$CISTERN_IQN/0"
run_suite tgt "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1"

python3 - "$WORK/cistern.tsv" "$WORK/tgt.tsv" "$OUT/compliance-report.tsv" <<'PY'
import sys
def load(p):
    return dict(l.rstrip("\n").split("\t") for l in open(p) if l.strip())
c, t = load(sys.argv[1]), load(sys.argv[2])
names = sorted(set(c) | set(t))
with open(sys.argv[3], "w") as out:
    out.write("test\tcistern\ttgt\n")
    for n in names:
        out.write(f"{n}\t{c.get(n, 'missing')}\t{t.get(n, 'missing')}\n")
def count(d, s): return sum(1 for v in d.values() if v == s)
for label, d in (("cistern", c), ("tgt", t)):
    print(f"{label}: {count(d,'passed')} passed, {count(d,'skipped')} skipped, {count(d,'failed')} failed of {len(d)}")
regressions = [n for n in names if t.get(n) == "passed" and c.get(n) != "passed"]
for n in regressions:
    print(f"REGRESSION: {n} passes on tgt but is {c.get(n, 'missing')} on Cistern")
sys.exit(1 if regressions else 0)
PY
