#!/usr/bin/env python3
"""Runs kvconform for the tests/conformance ctest cases and judges its JSON
report, after validating it against conformance/report/report.schema.json
(report_schema.py, which needs python3-jsonschema).

  check_report.py correct  --kvconform K --exec CMD --json OUT [kvconform args...]
      kvconform must exit 0 and no case may be FAIL, ERROR or KNOWN-FAILING.
  check_report.py flaw     --kvconform K --server S --flaw F --table T --json OUT
      kvconform, run on `S --flaw F` with --cases restricted to the expected
      globs of line F plus two control cases, must exit 1; every selected
      case matching an expected glob must FAIL (a SHOULD case: LENIENT),
      every other selected case must PASS, and each glob must match a case.
      A line may name another flaw than its own name with flaw=NAME (one
      flaw checked under two maximum frame sizes needs two lines).
  check_report.py coverage --kvconform K --server S --table T --trust U
                           [--explore-only E] [--engine-only G]
      every case ID printed by `kvconform list` must match a glob of the
      table (every case can be failed by some flaw), and every flaw of
      `S --list-flaws` but none must have a line in the table, in U, E or G.
  check_report.py trust    --kvconform K --server S --flaw F --trust U --json OUT
      kvconform, run twice with one seed on `S --flaw F` as line F of the
      trust table U says, must give identical verdicts that match the line:
      the failing cases, the root causes, the findings, the time bound.
"""
import argparse
import fnmatch
import subprocess
import sys
import time

from report_schema import ReportError, validate_report

# Cases tried in order as controls: the first two a flaw is not expected to
# fail are run too and must still PASS.
CONTROL_CASES = ["5.1/put-then-get", "5.3/miss", "6.4/garbage-body", "5.5/empty-key",
                 "2.5/coalesced"]
KVCONFORM_TIMEOUT_S = 150


def fail(message):
    print(f"check_report: FAILED: {message}")
    sys.exit(1)


def load_table(path):
    """Returns {flaw: (globs, options)}; options are the key=value tokens."""
    entries = []  # [line number, flaw, words], continuation lines joined
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if line[0].isspace():
                if not entries:
                    fail(f"{path}:{number}: a continuation line before any flaw")
                entries[-1][2] += words
            else:
                entries.append([number, words[0], words[1:]])
    table = {}
    for number, flaw, rest in entries:
        globs = [w for w in rest if "=" not in w]
        options = dict(w.split("=", 1) for w in rest if "=" in w)
        if not globs:
            fail(f"{path}:{number}: flaw {flaw} lists no case glob")
        if flaw in table:
            fail(f"{path}:{number}: flaw {flaw} listed twice")
        table[flaw] = (globs, options)
    return table


def matches(globs, case_id):
    return any(fnmatch.fnmatchcase(case_id, g) for g in globs)


def run_kvconform(argv):
    print("running:", " ".join(argv), flush=True)
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=KVCONFORM_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        fail(f"kvconform did not finish within {KVCONFORM_TIMEOUT_S} s")
    print(done.stdout)
    return done.returncode


def load_trust_table(path):
    """Returns {flaw: {key: value}} from a trust_scenarios.txt file."""
    table = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            if "cases" not in fields or "max-seconds" not in fields:
                fail(f"{path}:{number}: {words[0]} needs cases= and max-seconds=")
            table[words[0]] = fields
    return table


def load_full_report(path):
    """The report at `path`, valid against the schema, with at least one case."""
    try:
        report = validate_report(path)
    except ReportError as error:
        fail(str(error))
    if not report["cases"]:
        fail(f"the report {path} holds no cases")
    return report


def load_report(path):
    return load_full_report(path)["cases"]


def describe(case):
    return (f"{case['id']}: {case['result']} (expected: {case.get('expected', '')}; "
            f"observed: {case.get('observed', '')})")


def check_correct(args, kvconform_args):
    code = run_kvconform([args.kvconform, "server", "--exec", args.exec, "--json", args.json,
                          "--no-color"] + kvconform_args)
    cases = load_report(args.json)
    bad = [c for c in cases if c["result"] in ("FAIL", "ERROR", "KNOWN-FAILING")]
    for case in bad:
        print("  not conforming:", describe(case))
    if not any(c["result"] == "PASS" for c in cases):
        fail("no case passed")
    if code != 0 or bad:
        fail(f"kvconform exited {code} with {len(bad)} failing case(s)")
    print(f"check_report: OK: {len(cases)} cases, none failed")


def controls_for(globs, options):
    if "controls" in options:
        return options["controls"].split(",")
    return [c for c in CONTROL_CASES if not matches(globs, c)][:2]


def check_flaw(args):
    table = load_table(args.table)
    if args.flaw not in table:
        fail(f"flaw {args.flaw} is not in {args.table}")
    globs, options = table[args.flaw]
    server = [args.server, "--flaw", options.get("flaw", args.flaw), "--port", "{port}"]
    runner = [args.kvconform, "server", "--json", args.json, "--no-color"]
    if "max-frame-bytes" in options:
        server += ["--max-frame-bytes", options["max-frame-bytes"]]
        runner += ["--max-frame-bytes", options["max-frame-bytes"]]
    if "profile" in options:
        runner += ["--profile", options["profile"]]
    if "jobs" in options:
        runner += ["--jobs", options["jobs"]]
    if options.get("strict") == "1":
        runner += ["--strict"]
    if "timeout-scale" in options:
        runner += ["--timeout-scale", options["timeout-scale"]]
    controls = controls_for(globs, options)
    for pattern in globs + controls:
        runner += ["--cases", pattern]
    code = run_kvconform(runner + ["--exec", " ".join(server)])
    cases = load_report(args.json)
    problems = []
    if code != 1:
        problems.append(f"kvconform exited {code}, want 1 (a MUST case failed)")
    for pattern in globs:
        if not any(fnmatch.fnmatchcase(c["id"], pattern) for c in cases):
            problems.append(f"glob {pattern} matched no case of the report")
    for case in cases:
        expected_to_fail = matches(globs, case["id"])
        failed_result = "LENIENT" if case.get("level") == "SHOULD" else "FAIL"
        if expected_to_fail and case["result"] != failed_result:
            problems.append(f"expected {failed_result}: " + describe(case))
        if not expected_to_fail and case["result"] != "PASS":
            problems.append("expected PASS (control or unlisted case): " + describe(case))
    for problem in problems:
        print("check_report: " + problem)
    if problems:
        fail(f"flaw {args.flaw}: {len(problems)} problem(s)")
    failed = sorted(c["id"] for c in cases if matches(globs, c["id"]))
    print(f"check_report: OK: flaw {args.flaw} fails {failed}; controls pass: {controls}")


def verdicts(cases):
    return {c["id"]: (c["result"], c.get("caused_by", "")) for c in cases}


def check_trust(args):
    table = load_trust_table(args.trust)
    if args.flaw not in table:
        fail(f"flaw {args.flaw} is not in {args.trust}")
    line = table[args.flaw]
    server = [args.server, "--flaw", args.flaw, "--port", "{port}"]
    runner = [args.kvconform, "server", "--no-color", "--seed", "4711", "--jobs", "4",
              "--exec", " ".join(server)]
    for pattern in line["cases"].split(","):
        runner += ["--cases", pattern]
    problems = []
    runs = []
    for attempt in (1, 2):
        json_path = f"{args.json}.{attempt}"
        started = time.monotonic()
        code = run_kvconform(runner + ["--json", json_path])
        seconds = time.monotonic() - started
        if code != 1:
            problems.append(f"run {attempt}: kvconform exited {code}, want 1")
        if seconds > float(line["max-seconds"]):
            problems.append(f"run {attempt} took {seconds:.1f} s, over max-seconds {line['max-seconds']}")
        runs.append(load_full_report(json_path))
    first, second = (verdicts(r["cases"]) for r in runs)
    for case_id in sorted(set(first) | set(second)):
        if first.get(case_id) != second.get(case_id):
            problems.append(f"{case_id}: run 1 {first.get(case_id)} but run 2 {second.get(case_id)}")
    report = runs[0]
    cases = report["cases"]
    if line.get("not-run") == "1":
        for case in cases:
            if not (case["result"] == "ERROR" and case.get("not_run")):
                problems.append("expected ERROR not run: " + describe(case))
    else:
        fail_globs = line.get("fail", "").split(",")
        for case in cases:
            expected = "FAIL" if matches(fail_globs, case["id"]) else "PASS"
            if case["result"] != expected:
                problems.append(f"expected {expected}: " + describe(case))
        for pattern in fail_globs:
            if not any(fnmatch.fnmatchcase(c["id"], pattern) for c in cases):
                problems.append(f"fail glob {pattern} matched no case")
    if "roots" in line and sorted(report["root_causes"]) != sorted(line["roots"].split(",")):
        problems.append(f"root causes {report['root_causes']}, want {line['roots'].split(',')}")
    findings = [f for f in report["findings"]
                if "finding-rule" not in line or f["rule"] == line["finding-rule"]]
    for key, where in (("finding", [f["title"] for f in findings]),
                       ("note", report["notes"])):
        if key in line:
            text = line[key].replace("_", " ")
            if not any(text in w for w in where):
                problems.append(f"no {key} contains {text!r}; {key}s: {where}")
    for problem in problems:
        print("check_report: " + problem)
    if problems:
        fail(f"trust scenario {args.flaw}: {len(problems)} problem(s)")
    print(f"check_report: OK: {args.flaw}: two runs agree; roots {report['root_causes']}")


def load_explore_only(path):
    """The flaws of an explore_only_flaws.txt file: no fixed case fails them."""
    if not path:
        return set()
    with open(path, encoding="utf-8") as lines:
        return {line.split()[0] for line in lines if line.split("#", 1)[0].strip()}


def check_coverage(args):
    table = load_table(args.table)
    trusted = load_trust_table(args.trust) if args.trust else {}
    explore_only = load_explore_only(args.explore_only) | load_explore_only(args.engine_only)
    listing = subprocess.run([args.kvconform, "list"], stdout=subprocess.PIPE, text=True,
                             timeout=60, check=True).stdout
    ids = [line.split()[0] for line in listing.splitlines() if line.strip()]
    if not ids:
        fail("kvconform list printed no case")
    flaws = subprocess.run([args.server, "--list-flaws"], stdout=subprocess.PIPE, text=True,
                           timeout=60, check=True).stdout.split()
    tabled = {options.get("flaw", line) for line, (_, options) in table.items()}
    absent = [f for f in flaws
              if f != "none" and f not in tabled and f not in trusted and f not in explore_only]
    unknown = [f for f in tabled | set(trusted) | explore_only if f not in flaws]
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
    print(f"check_report: OK: all {len(ids)} cases are failed by at least one of "
          f"{len(table)} flaws")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["correct", "flaw", "coverage", "trust"])
    parser.add_argument("--kvconform", required=True)
    parser.add_argument("--exec", help="correct: the server command, with {port}")
    parser.add_argument("--server", help="flaw: the broken_kvserver binary")
    parser.add_argument("--flaw")
    parser.add_argument("--table")
    parser.add_argument("--trust", help="the trust scenarios table")
    parser.add_argument("--explore-only", help="coverage: flaws only kvconform explore finds")
    parser.add_argument("--engine-only",
                        help="coverage: flaws only the engine's run-wide findings name")
    parser.add_argument("--json", help="where kvconform writes its report")
    args, rest = parser.parse_known_args()
    if args.mode == "correct":
        if not args.exec or not args.json:
            parser.error("correct needs --exec and --json")
        check_correct(args, rest)
    elif args.mode == "flaw":
        if not (args.server and args.flaw and args.table and args.json):
            parser.error("flaw needs --server, --flaw, --table and --json")
        check_flaw(args)
    elif args.mode == "trust":
        if not (args.server and args.flaw and args.trust and args.json):
            parser.error("trust needs --server, --flaw, --trust and --json")
        check_trust(args)
    else:
        if not (args.table and args.server):
            parser.error("coverage needs --table and --server")
        check_coverage(args)


if __name__ == "__main__":
    main()
