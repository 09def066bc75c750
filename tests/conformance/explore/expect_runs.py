#!/usr/bin/env python3
"""Runs commands one after the other and checks each one's exit code and
output, for the explore ctests (tests/conformance/explore/CMakeLists.txt).

  expect_runs.py --exit N --match REGEX [--match REGEX...] [--report FILE] \\
                 -- COMMAND... [--then --exit N ... -- COMMAND...]...

Every --match is a Python regular expression searched in the command's
stdout and stderr together. A --report FILE must exist after the command
and match conformance/report/report.schema.json (tests/conformance/
report_schema.py). Exits 0 if every command exited as told, printed every
match and wrote every report, 1 otherwise (with the output of the command
that did not), 2 on a usage error.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from report_schema import ReportError, validate_report  # noqa: E402

TIMEOUT_S = 300


def parse(argv):
    """[(exit_code, [regex], [report], [command])] from the command line."""
    runs = []
    groups, current = [], []
    for word in argv:
        if word == "--then":
            groups.append(current)
            current = []
        else:
            current.append(word)
    groups.append(current)
    for group in groups:
        if "--" not in group:
            sys.exit(f"expect_runs: no '--' before the command in {group}\n{__doc__}")
        split = group.index("--")
        options, command = group[:split], group[split + 1:]
        exit_code, matches, reports = None, [], []
        for i in range(0, len(options) - 1, 2):
            if options[i] == "--exit":
                exit_code = int(options[i + 1])
            elif options[i] == "--match":
                matches.append(options[i + 1])
            elif options[i] == "--report":
                reports.append(options[i + 1])
            else:
                sys.exit(f"expect_runs: unknown option {options[i]}\n{__doc__}")
        if exit_code is None or not command or len(options) % 2:
            sys.exit(f"expect_runs: each run needs --exit N and a command\n{__doc__}")
        runs.append((exit_code, matches, reports, command))
    return runs


def main():
    runs = parse(sys.argv[1:])
    for exit_code, matches, reports, command in runs:
        for report in reports:
            if os.path.exists(report):
                os.remove(report)  # A report of an earlier run must not count.
        print("expect_runs: running", " ".join(command), flush=True)
        try:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            print(f"expect_runs: FAILED: no exit within {TIMEOUT_S} s")
            return 1
        problems = []
        if done.returncode != exit_code:
            problems.append(f"exit code {done.returncode}, expected {exit_code}")
        problems += [f"no match for /{m}/" for m in matches
                     if not re.search(m, done.stdout, re.MULTILINE)]
        for report in reports:
            try:
                validate_report(report)
            except ReportError as error:
                problems.append(str(error))
        if problems:
            print(done.stdout[-6000:])
            print("expect_runs: FAILED:", "; ".join(problems))
            return 1
        print(f"expect_runs: OK: exit {exit_code}, {len(matches)} match(es), "
              f"{len(reports)} valid report(s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
