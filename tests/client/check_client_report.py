#!/usr/bin/env python3
"""Runs `kvconform client` for the tests/client ctest cases and judges
its JSON report with the helpers of tests/conformance/check_report.py.
Standard library only.

  check_client_report.py correct  --kvconform K --adapter CMD --json OUT [kvconform args...]
      kvconform must exit 0 and no case may be FAIL, ERROR or KNOWN-FAILING.
  check_client_report.py flaw     --kvconform K --adapter A --flaw F --table T --json OUT
      kvconform, run on `A --flaw F ...` with --cases restricted to the flaw's
      expected globs plus two control cases, must exit 1; every selected case
      matching an expected glob must FAIL, every other selected case must
      PASS, and each glob must match a case.
  check_client_report.py coverage --kvconform K --adapter A --table T
      every case ID printed by `kvconform list --client` must match a glob
      of the table (every client case can be failed by some flaw), and every
      flaw of `A --list-flaws` but none must have a line in the table.

CMD is an adapter command without its arguments for the server: this
script appends the placeholders of spec/client-adapter.md.
"""
import argparse
import fnmatch
import os
import subprocess
import sys

# The table, report and process helpers of the server suite's checker.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from check_report import describe, fail, load_report, load_table, matches, run_kvconform  # noqa: E402

PLACEHOLDERS = ("--host {host} --port {port} --timeout-ms {timeout_ms} "
                "--max-frame-bytes {max_frame_bytes}")
# Cases tried in order as controls: the first two a flaw is not expected to
# fail are run too and must still PASS.
CONTROL_CASES = ["13.1/get-miss", "13.1/put-then-get", "13.2/byte-drip",
                 "13.8/error-response-to-get"]


def check_correct(args, kvconform_args):
    command = f"{args.adapter} {PLACEHOLDERS}"
    code = run_kvconform([args.kvconform, "client", "--exec", command, "--json", args.json,
                          "--no-color"] + kvconform_args)
    cases = load_report(args.json)
    bad = [c for c in cases if c["result"] in ("FAIL", "ERROR", "KNOWN-FAILING", "FLAKY")]
    for case in bad:
        print("  not conforming:", describe(case))
    if not any(c["result"] == "PASS" for c in cases):
        fail("no case passed")
    if code != 0 or bad:
        fail(f"kvconform exited {code} with {len(bad)} failing case(s)")
    print(f"check_client_report: OK: {len(cases)} client cases, none failed")


def check_flaw(args, kvconform_args):
    table = load_table(args.table)
    if args.flaw not in table:
        fail(f"flaw {args.flaw} is not in {args.table}")
    globs, options = table[args.flaw]
    command = f"{args.adapter} --flaw {args.flaw} {PLACEHOLDERS}"
    runner = [args.kvconform, "client", "--exec", command, "--json", args.json, "--no-color"]
    controls = (options["controls"].split(",") if "controls" in options
                else [c for c in CONTROL_CASES if not matches(globs, c)][:2])
    for pattern in globs + controls:
        runner += ["--cases", pattern]
    code = run_kvconform(runner + kvconform_args)
    cases = load_report(args.json)
    problems = []
    if code != 1:
        problems.append(f"kvconform exited {code}, want 1 (a MUST case failed)")
    for pattern in globs:
        if not any(fnmatch.fnmatchcase(c["id"], pattern) for c in cases):
            problems.append(f"glob {pattern} matched no case of the report")
    for case in cases:
        expected_to_fail = matches(globs, case["id"])
        if expected_to_fail and case["result"] != "FAIL":
            problems.append("expected FAIL: " + describe(case))
        if not expected_to_fail and case["result"] != "PASS":
            problems.append("expected PASS (control or unlisted case): " + describe(case))
    for problem in problems:
        print("check_client_report: " + problem)
    if problems:
        fail(f"flaw {args.flaw}: {len(problems)} problem(s)")
    failed = sorted(c["id"] for c in cases if matches(globs, c["id"]))
    print(f"check_client_report: OK: flaw {args.flaw} fails {failed}; controls pass: {controls}")


def check_coverage(args):
    table = load_table(args.table)
    listing = subprocess.run([args.kvconform, "list", "--client"], stdout=subprocess.PIPE,
                             text=True, timeout=60, check=True).stdout
    ids = [line.split()[0] for line in listing.splitlines() if line.strip()]
    if not ids:
        fail("kvconform list --client printed no case")
    flaws = subprocess.run([args.adapter, "--list-flaws"], stdout=subprocess.PIPE, text=True,
                           timeout=60, check=True).stdout.split()
    absent = [f for f in flaws if f != "none" and f not in table]
    unknown = [f for f in table if f not in flaws]
    for flaw in absent:
        print(f"  flaw missing from the table: {flaw}")
    for flaw in unknown:
        print(f"  table names an unknown flaw: {flaw}")
    all_globs = [g for globs, _ in table.values() for g in globs]
    missing = [case_id for case_id in ids if not matches(all_globs, case_id)]
    unused = [g for g in all_globs if not any(fnmatch.fnmatchcase(i, g) for i in ids)]
    for glob in unused:
        print(f"  glob matches no listed case: {glob}")
    for case_id in missing:
        print(f"  no flaw fails: {case_id}")
    if missing or unused or absent or unknown:
        fail(f"{len(missing)} case(s) no flaw fails, {len(unused)} stale glob(s), "
             f"{len(absent)} flaw(s) not in the table, {len(unknown)} unknown flaw(s)")
    print(f"check_client_report: OK: all {len(ids)} client cases are failed by at least one of "
          f"{len(table)} flaws")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["correct", "flaw", "coverage"])
    parser.add_argument("--kvconform", required=True)
    parser.add_argument("--adapter", required=True, help="the adapter program (and fixed args)")
    parser.add_argument("--flaw")
    parser.add_argument("--table")
    parser.add_argument("--json", help="where kvconform writes its report")
    args, rest = parser.parse_known_args()
    if args.mode == "correct":
        if not args.json:
            parser.error("correct needs --json")
        check_correct(args, rest)
    elif args.mode == "flaw":
        if not (args.flaw and args.table and args.json):
            parser.error("flaw needs --flaw, --table and --json")
        check_flaw(args, rest)
    else:
        if not args.table:
            parser.error("coverage needs --table")
        check_coverage(args)


if __name__ == "__main__":
    main()
