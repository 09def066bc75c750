"""Why the event loop is preempted more often than redis-server when nothing
is pinned: traces the scheduler while kvbench drives each server, and says
who took the CPU from the server each time it was preempted.

Usage: bench/tradeoffs/preemption [--build-dir DIR] [--seconds S] [--repeats N (5)]
                                  [--pipelines 1,16] [--threads default,busy]
                                  [--readme FILE]

Needs kvbench and kvserver built in DIR (default build/kvbench), redis-server,
and `perf` with permission to record the sched:sched_switch and
sched:sched_migrate_task tracepoints system-wide (root, or
perf_event_paranoid <= -1). Runs the same load as the headline of
bench/tradeoffs/run (50 connections, the same keys and values), unpinned,
alternating event-loop and redis-server N times per pipeline depth and
kvbench thread count: "default" is kvbench's default, which leaves the
server a CPU; "busy" is one kvbench thread per CPU (at most 2), measured
only where it differs from the default; a number is that many. Per
server it reports, per 1,000 requests: the times the server was preempted
(switched out while still runnable), split by the task that got the CPU;
the times it went to sleep (switched out not runnable: a blocking wait);
its migrations between CPUs; and its CPU time per slice on a CPU. With
--readme, the table replaces the 'preemption' section of that file.
"""

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from . import ROOT, report_sections, workload
from .processes import Server

SWITCH = re.compile(r"\[(\d+)\]\s+sched:sched_switch: prev_comm=(.*?) prev_pid=(\d+) "
                    r"prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)")
MIGRATE = re.compile(r"sched:sched_migrate_task: comm=.*? pid=(\d+) ")


def log(message):
    print(f"[preemption] {message}", file=sys.stderr, flush=True)


def threads_of(pid):
    return {int(tid) for tid in os.listdir(f"/proc/{pid}/task")}


def who(name, pid, tids, bench_tids):
    """A short class for the task `name` (`pid`) that took the CPU."""
    if pid in bench_tids:
        return "kvbench"
    if pid in tids:
        return "own thread"
    for prefix in ("ksoftirqd", "kworker", "migration", "rcu", "swapper"):
        if name.startswith(prefix):
            return prefix
    return "other"


def trace_run(args, name, pipeline, threads):
    """One load point under perf, with kvbench's default threads if
    `threads` is None; returns the counts for this server."""
    with Server(name, args.kvserver) as server, tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        report = os.path.join(tmp, "kvbench.json")
        perf = subprocess.Popen(["perf", "record", "-q", "-a", "-o", data,
                                 "-e", "sched:sched_switch", "-e", "sched:sched_migrate_task"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # perf is recording before the load starts
        cpu_before = server.cpu_seconds()
        bench = subprocess.Popen(
            workload.kvbench_argv(args.kvbench, server.target(), server.protocol(),
                                  workload.HEADLINE_CONNECTIONS, pipeline, args.seconds, report)
            + ([] if threads is None else ["--threads", str(threads)]),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.2)
        bench_tids = threads_of(bench.pid) if bench.poll() is None else set()
        tids = threads_of(server.pid)
        _, bench_err = bench.communicate(timeout=args.seconds + 60)
        cpu = server.cpu_seconds() - cpu_before
        perf.send_signal(signal.SIGINT)
        _, perf_err = perf.communicate(timeout=60)
        if bench.returncode != 0:
            raise RuntimeError(f"kvbench failed: {bench_err.strip()}")
        if perf.returncode not in (0, -signal.SIGINT):
            raise RuntimeError(f"perf record failed: {perf_err.strip()}")
        with open(report) as raw:
            bench_report = json.load(raw)
        requests = bench_report["requests"]
        script = subprocess.run(["perf", "script", "-i", data, "-F", "cpu,event,trace"],
                                capture_output=True, text=True, check=True).stdout
    preempted_by = collections.Counter()
    sleeps = migrations = 0
    # CPU -> times a thread was switched in there, for the server's threads
    # and for each kvbench thread: where each of them mostly ran.
    server_cpus = collections.Counter()
    bench_cpus = collections.defaultdict(collections.Counter)
    for line in script.splitlines():
        switch = SWITCH.search(line)
        if switch:
            cpu, prev_pid, next_pid = int(switch.group(1)), int(switch.group(3)), int(switch.group(6))
            if next_pid in tids:
                server_cpus[cpu] += 1
            elif next_pid in bench_tids:
                bench_cpus[next_pid][cpu] += 1
            if prev_pid not in tids:
                continue
            if switch.group(4).startswith("R"):
                preempted_by[who(switch.group(5), next_pid, tids, bench_tids)] += 1
            else:
                sleeps += 1
            continue
        migrate = MIGRATE.search(line)
        if migrate and int(migrate.group(1)) in tids:
            migrations += 1
    home = server_cpus.most_common(1)[0][0] if server_cpus else None
    shared = any(c.most_common(1)[0][0] == home for c in bench_cpus.values() if c)
    return {"requests": requests, "threads": bench_report["threads"], "cpu_s": cpu,
            "preempted_by": dict(preempted_by),
            "shared_cpu": shared,
            "sleeps": sleeps, "migrations": migrations, "throughput": requests / args.seconds}


def per_1k(count, requests):
    return 1e3 * count / requests if requests else float("nan")


def table(runs, pipelines, thread_counts):
    classes = sorted({c for rs in runs.values() for r in rs for c in r["preempted_by"]})
    head = ["server", "P", "kvbench threads", "runs", "runs sharing a CPU with kvbench", "requests/s", "preempted",
            *[f"by {c}" for c in classes],
            "sleeps (voluntary switches)", "migrations", "CPU us per slice"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for threads in thread_counts:
        for pipeline in pipelines:
            for name in ("event-loop", "redis"):
                rs = runs.get((name, pipeline, threads), [])
                if not rs:
                    continue

                def med(f):
                    return statistics.median(f(r) for r in rs)
                cells = [name, str(pipeline), str(rs[0]["threads"]), str(len(rs)), str(sum(r["shared_cpu"] for r in rs)),
                         f"{med(lambda r: r['throughput']) / 1e3:.1f}k",
                         f"{med(lambda r: per_1k(sum(r['preempted_by'].values()), r['requests'])):.1f}"]
                cells += [f"{med(lambda r: per_1k(r['preempted_by'].get(c, 0), r['requests'])):.1f}"
                          for c in classes]
                cells += [f"{med(lambda r: per_1k(r['sleeps'], r['requests'])):.1f}",
                          f"{med(lambda r: per_1k(r['migrations'], r['requests'])):.2f}",
                          f"{med(lambda r: 1e6 * r['cpu_s'] / max(1, r['sleeps'] + sum(r['preempted_by'].values()))):.1f}"]
                lines.append("| " + " | ".join(cells) + " |")
    return lines


def thread_list(parser, text):
    """The kvbench thread counts of --threads, in order, each once: None for
    kvbench's default, and "busy" only where it differs from the default."""
    cpus = os.cpu_count() or 1
    counts = []
    for item in text.split(","):
        if item == "default":
            count = None
        elif item == "busy":
            if workload.busy_threads(cpus) == workload.default_threads(cpus):
                continue
            count = workload.busy_threads(cpus)
        elif item.isdigit() and int(item) > 0:
            count = int(item)
        else:
            parser.error(f"--threads: {item!r} is not default, busy or a positive number")
        if count not in counts:
            counts.append(count)
    return counts


def main():
    root = str(ROOT)
    parser = argparse.ArgumentParser(prog="bench/tradeoffs/preemption", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(root, "build", "kvbench"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pipelines", default="1,16")
    parser.add_argument("--threads", default="default,busy",
                        help="kvbench thread counts to measure: default, busy or a number")
    parser.add_argument("--readme", help="replace the 'preemption' section of this file")
    args = parser.parse_args()
    if args.repeats < 1 or args.seconds <= 0:
        parser.error("--repeats and --seconds must be positive")
    pipelines = [int(p) for p in args.pipelines.split(",")]
    thread_counts = thread_list(parser, args.threads)
    args.kvbench = os.path.join(args.build_dir, "tools", "kvbench", "kvbench")
    args.kvserver = os.path.join(args.build_dir, "servers", "kvserver")
    for path in (args.kvbench, args.kvserver):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build {args.build_dir} --target kvbench kvserver")
    for tool in ("perf", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"missing {tool} on PATH")
    runs = {}
    for threads in thread_counts:
        for pipeline in pipelines:
            for repeat in range(args.repeats):
                order = ["event-loop", "redis"] if repeat % 2 == 0 else ["redis", "event-loop"]
                for name in order:
                    log(f"{name} P={pipeline} threads={threads or 'default'} #{repeat + 1}")
                    runs.setdefault((name, pipeline, threads), []).append(
                        trace_run(args, name, pipeline, threads))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["bench/tradeoffs/preemption", *sys.argv[1:]])
    text = [f"Measured {when} on {os.cpu_count()} CPUs with `{command}`: "
            f"{workload.HEADLINE_CONNECTIONS} connections, unpinned, {args.seconds:g} s per run, "
            f"medians of {args.repeats} alternating runs; counts per 1,000 requests.", "",
            *table(runs, pipelines, thread_counts)]
    print("\n".join(text))
    if args.readme:
        report_sections.replace_section(args.readme, "preemption", "bench/tradeoffs/preemption",
                                        "\n".join(text))


if __name__ == "__main__":
    main()
