#!/usr/bin/env python3
"""Runs commands one after the other and checks each one's exit code and
output, for the explore ctests (conformance/explore/CMakeLists.txt).

  expect_runs.py --exit N --match REGEX [--match REGEX...] -- COMMAND... \\
                 [--then --exit N --match REGEX -- COMMAND...]...

Every --match is a Python regular expression searched in the command's
stdout and stderr together. Exits 0 if every command exited as told and
printed every match, 1 otherwise (with the output of the command that did
not), 2 on a usage error.
"""
import re
import subprocess
import sys

TIMEOUT_S = 300


def parse(argv):
    """[(exit_code, [regex], [command])] from the command line."""
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
        exit_code, matches = None, []
        for i in range(0, len(options) - 1, 2):
            if options[i] == "--exit":
                exit_code = int(options[i + 1])
            elif options[i] == "--match":
                matches.append(options[i + 1])
            else:
                sys.exit(f"expect_runs: unknown option {options[i]}\n{__doc__}")
        if exit_code is None or not command or len(options) % 2:
            sys.exit(f"expect_runs: each run needs --exit N and a command\n{__doc__}")
        runs.append((exit_code, matches, command))
    return runs


def main():
    runs = parse(sys.argv[1:])
    for exit_code, matches, command in runs:
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
        if problems:
            print(done.stdout[-6000:])
            print("expect_runs: FAILED:", "; ".join(problems))
            return 1
        print(f"expect_runs: OK: exit {exit_code}, {len(matches)} match(es)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
