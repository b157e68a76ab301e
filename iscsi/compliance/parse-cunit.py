#!/usr/bin/env python3
"""Turns iscsi-test-cu output into one line per test: <Family.Suite.Test> <passed|skipped|failed>.

CUnit reports a test that printed "[SKIPPED]" (not implemented, not applicable) as passed; such a test
did not really run, so it is classed "skipped" here. Only tests that ran to the end without a failure
count as passed.
"""
import re
import sys

ISCSI_SUITES = ("iSCSIcmdsn", "iSCSIdatasn", "iSCSIResiduals", "iSCSITMF")


def parse(lines):
    results = {}
    suite = None
    test = None
    skipped = False
    for line in lines:
        m = re.match(r"^Suite: (\S+)", line)
        if m:
            suite = m.group(1)
            test = None
            continue
        m = re.match(r"^\s+Test: (\S+) \.\.\.(.*)$", line)
        if m:
            test = m.group(1)
            skipped = False
            line = m.group(2)
        if test is None:
            continue
        if "[SKIPPED]" in line:
            skipped = True
        status = None
        # CUnit's verdict ends the line, or starts it when later log output (a suite's clean-up) follows
        verdict = re.search(r"(?:^\s*|\.\.\.)(passed|FAILED)(?:\s|$)", line) or re.search(r"(passed|FAILED)\s*$", line)
        if verdict and verdict.group(1) == "passed":
            status = "skipped" if skipped else "passed"
        elif verdict:
            status = "failed"
        if status:
            family = "iSCSI" if suite.startswith(ISCSI_SUITES) else "SCSI"
            results[f"{family}.{suite}.{test}"] = status
            test = None
    return results


if __name__ == "__main__":
    with open(sys.argv[1], errors="replace") as f:
        for name, status in sorted(parse(f).items()):
            print(f"{name}\t{status}")
