#!/usr/bin/env bash
# libiscsi compliance comparison: Cistern's target vs Debian's tgtd, same suite, same 1 GiB LUN size.
#
# Starts Cistern's standalone target (1 GiB LUN on a fresh engine data directory, or in memory with
# BACKEND=memory) and tgtd (1 GiB sparse file LUN) on loopback, runs `iscsi-test-cu -d` with every
# iSCSI.* and SCSI.* test against each, and writes
#   $OUT/compliance-report.tsv   test <tab> cistern <tab> tgt   (passed | skipped | failed | missing)
#   $OUT/cistern.log, $OUT/tgt.log   raw CUnit output
# A test counts as passed only when it ran and passed: CUnit shows "[SKIPPED]" tests as passed, they are
# classed "skipped" here. Exits non-zero when a test tgt passes does not pass on Cistern.
#
# Needs: libiscsi-bin (iscsi-test-cu), tgt (tgtd, tgtadm), python3, a JDK 25; run as root (tgtd).
# Usage: run-compliance.sh [output-dir]    (default: iscsi/target/compliance)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/iscsi/target/compliance}"
mkdir -p "$OUT"
CISTERN_PORT="${CISTERN_PORT:-3290}"
TGT_PORT="${TGT_PORT:-3291}"
TGT_CONTROL_PORT="${TGT_CONTROL_PORT:-3292}"
SIZE=$((1024 * 1024 * 1024))
INITIATOR="iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test"
TESTS="${TESTS:-iSCSI.*,SCSI.*}"
WORK="$(mktemp -d)"
. "$HERE/lib-targets.sh"
require_tools iscsi-test-cu tgtd tgtadm python3
trap stop_targets EXIT
start_cistern
start_tgt

run_suite() { # name url
  local start end
  start=$(date +%s)
  # the URL twice: two paths to the same LUN, so the MultipathIO tests run instead of skipping
  iscsi-test-cu -d -t "$TESTS" -i "$INITIATOR" "$2" "$2" >"$OUT/$1.log" 2>&1 || true
  end=$(date +%s)
  echo "$1: suite took $((end - start)) s"
  python3 "$HERE/parse-cunit.py" "$OUT/$1.log" >"$WORK/$1.tsv"
}
run_suite cistern "$CISTERN_URL"
run_suite tgt "$TGT_URL"

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
