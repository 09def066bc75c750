#!/usr/bin/env python3
"""Checks how a kvconform run ends when it cannot finish (issue 19): within
its time budget, or at once on a stop signal, with its reports written and
no process it started left behind. Standard library only.

  check_run_end.py budget  --kvconform K --server S --out DIR [--budget-s N]
      kvconform runs the whole suite against `S --flaw slower-every-connection`
      (a server that gets slower with every connection that ends) with
      --time-budget-s N. It must end within N s plus a margin, exit 1, write
      the JSON, JUnit and HTML reports, report the cases it did not run as
      ERROR "not run" for the time budget, and name the slowdown among the
      findings.
  check_run_end.py signal  --kvconform K --server S --out DIR
      kvconform runs the whole suite against `S --flaw none`; once cases
      run, it gets SIGTERM. It must exit 143 within a few seconds with the
      three reports written, marked interrupted, the cases without a verdict
      "not run". Then a second run gets SIGTERM twice: it must exit 143 at
      once. After each run no process kvconform started may be alive: not
      the server's process group, nor any process carrying the run's tag.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ElementTree

TAG_VARIABLE = "KVCONFORM_RUN_END_TAG"
# Time allowed beyond the budget: stopping the case that runs, the idle
# CPU measurement of the slowdown finding, writing three reports.
BUDGET_MARGIN_S = 10
# How long kvconform may take to exit after SIGTERM.
SIGNAL_EXIT_S = 10


def fail(message):
    print(f"check_run_end: FAILED: {message}", flush=True)
    sys.exit(1)


def tagged_processes(tag):
    """{pid: pgid} of the live processes whose environment holds `tag`."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as environ:
                if f"{TAG_VARIABLE}={tag}".encode() not in environ.read().split(b"\0"):
                    continue
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # Gone meanwhile, or not ours.
        if fields[0] != "Z":
            found[int(name)] = int(fields[2])
    return found


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A group of zombies only (the init process reaps them soon) holds nothing.
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def start(argv, tag):
    print("running:", " ".join(argv), flush=True)
    environment = dict(os.environ, **{TAG_VARIABLE: tag})
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=environment, start_new_session=True)


def server_groups(run, tag, kvconform_pid):
    """The process groups of the processes kvconform started, once one runs."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and run.poll() is None:
        groups = {g for p, g in tagged_processes(tag).items() if p != kvconform_pid}
        groups.discard(kvconform_pid)
        if groups:
            return groups
        time.sleep(0.05)
    fail("kvconform started no server within 30 s")
    return set()


def check_nothing_left(tag, groups):
    deadline = time.monotonic() + 2
    while True:
        left = tagged_processes(tag)
        alive = [g for g in groups if group_alive(g)]
        if not left and not alive:
            return
        if time.monotonic() > deadline:
            fail(f"processes kvconform started are still alive: {left}, groups {alive}")
        time.sleep(0.05)


def check_reports(prefix):
    """Loads the JSON report and checks the JUnit and HTML ones parse."""
    try:
        ElementTree.parse(prefix + ".xml")
        with open(prefix + ".html", encoding="utf-8") as html:
            if "</html>" not in html.read():
                fail(f"{prefix}.html is cut short")
        with open(prefix + ".json", encoding="utf-8") as report_file:
            return json.load(report_file)
    except (OSError, ValueError, ElementTree.ParseError) as error:
        fail(f"a report is missing or broken: {error}")
    return {}


def report_args(prefix):
    return ["--json", prefix + ".json", "--junit", prefix + ".xml", "--html", prefix + ".html"]


def remove_reports(prefix):
    for suffix in (".json", ".xml", ".html"):
        if os.path.exists(prefix + suffix):
            os.remove(prefix + suffix)


def check_budget(args):
    prefix = os.path.join(args.out, "budget")
    remove_reports(prefix)
    tag = uuid.uuid4().hex
    server = f"{args.server} --flaw slower-every-connection --port {{port}}"
    argv = [args.kvconform, "--no-color", "--seed", "4242", "--exec", server,
            "--time-budget-s", str(args.budget_s)] + report_args(prefix)
    started = time.monotonic()
    run = start(argv, tag)
    groups = server_groups(run, tag, run.pid)
    try:
        output, _ = run.communicate(timeout=args.budget_s + BUDGET_MARGIN_S)
    except subprocess.TimeoutExpired:
        run.kill()
        fail(f"kvconform ran past its budget of {args.budget_s} s + {BUDGET_MARGIN_S} s")
    seconds = time.monotonic() - started
    print(output)
    check_nothing_left(tag, groups)
    if run.returncode != 1:
        fail(f"kvconform exited {run.returncode}, want 1")
    report = check_reports(prefix)
    not_run = [c for c in report["cases"] if c.get("not_run")]
    if not not_run or not all("time budget" in c["observed"] for c in not_run):
        fail("the cases not run must be ERROR 'not run' for the time budget")
    if not any("time budget" in note for note in report["notes"]):
        fail(f"no note says the time budget was spent: {report['notes']}")
    slowdown = [f for f in report["findings"] if "got slower" in f["title"]]
    if not slowdown:
        fail(f"no finding names the slowdown: {[f['title'] for f in report['findings']]}")
    if "got slower" not in output.split("Root causes", 1)[-1]:
        fail("the console's root causes do not name the slowdown")
    print(f"check_run_end: OK: ended in {seconds:.1f} s (budget {args.budget_s} s), "
          f"{len(not_run)} cases not run, finding: {slowdown[0]['title']}")


def check_signal(args):
    prefix = os.path.join(args.out, "signal")
    remove_reports(prefix)
    server = f"{args.server} --flaw none --port {{port}}"
    base = [args.kvconform, "--no-color", "--seed", "4242", "--exec", server]
    # One signal: partial reports, exit 143.
    tag = uuid.uuid4().hex
    run = start(base + report_args(prefix), tag)
    groups = server_groups(run, tag, run.pid)
    time.sleep(2)  # Cases are running by now.
    run.send_signal(signal.SIGTERM)
    try:
        output, _ = run.communicate(timeout=SIGNAL_EXIT_S)
    except subprocess.TimeoutExpired:
        run.kill()
        fail(f"kvconform did not exit within {SIGNAL_EXIT_S} s of SIGTERM")
    print(output)
    check_nothing_left(tag, groups)
    if run.returncode != 128 + signal.SIGTERM:
        fail(f"kvconform exited {run.returncode} after SIGTERM, want {128 + signal.SIGTERM}")
    report = check_reports(prefix)
    if report.get("interrupted_by") != "SIGTERM" or report.get("exit_code") != 143:
        fail(f"the report is not marked interrupted: {report.get('interrupted_by')!r}, "
             f"exit_code {report.get('exit_code')}")
    not_run = [c for c in report["cases"] if c.get("not_run")]
    if not not_run or not all("interrupted by SIGTERM" in c["observed"] for c in not_run):
        fail("the cases without a verdict must be 'not run: kvconform was interrupted'")
    # Two signals: out at once.
    tag = uuid.uuid4().hex
    run = start(base, tag)
    groups = server_groups(run, tag, run.pid)
    time.sleep(1)
    run.send_signal(signal.SIGTERM)
    run.send_signal(signal.SIGTERM)
    try:
        run.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        run.kill()
        fail("kvconform did not exit at once on a second SIGTERM")
    check_nothing_left(tag, groups)
    if run.returncode != 128 + signal.SIGTERM:
        fail(f"after two signals kvconform exited {run.returncode}, want 143")
    print(f"check_run_end: OK: SIGTERM wrote partial reports ({len(not_run)} cases not run), "
          "two signals ended the run at once, no process left")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["budget", "signal"])
    parser.add_argument("--kvconform", required=True)
    parser.add_argument("--server", required=True, help="the broken_kvserver binary")
    parser.add_argument("--out", required=True, help="directory for the reports")
    parser.add_argument("--budget-s", type=int, default=20)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.mode == "budget":
        check_budget(args)
    else:
        check_signal(args)


if __name__ == "__main__":
    main()
