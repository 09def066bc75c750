"""Is the shared store the bottleneck of the threaded models? Samples the
server's CPU with perf while kvbench drives it, and reports which share of
the server's samples fall in the store (servers/store.cc: the hash map, its
std::shared_mutex) and in the kernel's futex code (threads waiting for that
lock), and how many futex calls the server makes per 1,000 requests.

Usage: bench/tradeoffs/store-share [--build-dir DIR] [--models M,...]
                                   [--connections 100,1000] [--seconds S]
                                   [--no-pin] [--readme FILE]

Needs kvbench and kvserver built in DIR (default build/kvbench) and `perf`
allowed to sample the server (root, or perf_event_paranoid <= 1). The load
is the headline's of bench/tradeoffs/run (16 B keys, 100 B values, 50% PUT,
P=1) at each connection count, on a fresh server; placement as in that
script (server on core 0, kvbench on the others) unless --no-pin. With
--readme, the table replaces the 'store-share' section of that file.
"""

import argparse
import collections
import datetime
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import ROOT, report_sections, workload
from .processes import Server

# Symbols of the store: kv::Store's methods and what they inline or call
# for the map and the lock (glibc's rwlock under std::shared_mutex).
STORE = re.compile(r"kv::Store::|_Hashtable|_Hash_bytes|pthread_rwlock|std::shared_mutex")
FUTEX = re.compile(r"futex", re.IGNORECASE)


def log(message):
    print(f"[store-share] {message}", file=sys.stderr, flush=True)


def sample(args, model, connections):
    placement = [] if args.no_pin else ["taskset", "-c", "0"]
    client = [] if args.no_pin else ["taskset", "-c", f"1-{(os.cpu_count() or 2) - 1}"]
    with Server(model, args.kvserver, placement=placement) as server, \
            tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        counts = os.path.join(tmp, "futex.txt")
        report = os.path.join(tmp, "kvbench.json")
        record = subprocess.Popen(["perf", "record", "-q", "-F", "999", "-e", "cpu-clock",
                                   "-p", str(server.pid), "-o", data],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stat = subprocess.Popen(["perf", "stat", "-x", ",", "-o", counts,
                                 "-e", "syscalls:sys_enter_futex", "-p", str(server.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        bench = subprocess.run(
            [*client, *workload.kvbench_argv(args.kvbench, server.target(), "kv", connections, 1,
                                             args.seconds, report)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=args.seconds + 120)
        for tool in (record, stat):
            tool.send_signal(signal.SIGINT)
            tool.communicate(timeout=60)
        # kvbench exits 1 when some requests timed out; its report still
        # holds the run, and the table shows the timeouts.
        try:
            with open(report) as raw:
                result = json.load(raw)
        except (OSError, ValueError):
            raise RuntimeError(f"kvbench failed ({bench.returncode}): {bench.stdout.strip()}")
        requests = result["requests"]
        futex_calls = 0
        with open(counts) as raw:
            for line in raw:
                cells = line.strip().split(",")
                if len(cells) > 2 and "futex" in cells[2] and cells[0].isdigit():
                    futex_calls = int(cells[0])
        symbols = subprocess.run(
            ["perf", "report", "-i", data, "--no-children", "--sort", "symbol", "--stdio",
             "--percent-limit", "0", "-q"],
            capture_output=True, text=True, check=True).stdout
    shares = collections.Counter()
    for line in symbols.splitlines():
        cells = line.split(None, 2)
        if len(cells) < 3 or not cells[0].endswith("%"):
            continue
        percent = float(cells[0].rstrip("%"))
        symbol = cells[2]
        shares["all"] += percent
        if STORE.search(symbol):
            shares["store"] += percent
        elif FUTEX.search(symbol):
            shares["futex"] += percent
    return {"requests": requests, "throughput": requests / args.seconds,
            "timeouts": result.get("timeouts", 0),
            "store_percent": shares["store"], "futex_percent": shares["futex"],
            "futex_per_1k": 1e3 * futex_calls / requests if requests else float("nan")}


def main():
    root = str(ROOT)
    parser = argparse.ArgumentParser(prog="bench/tradeoffs/store-share", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(root, "build", "kvbench"))
    parser.add_argument("--models", default="multi-blocking,busy-wait,event-loop")
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--readme", help="replace the 'store-share' section of this file")
    args = parser.parse_args()
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    args.kvbench = os.path.join(args.build_dir, "tools", "kvbench", "kvbench")
    args.kvserver = os.path.join(args.build_dir, "servers", "kvserver")
    for path in (args.kvbench, args.kvserver):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build {args.build_dir} --target kvbench kvserver")
    if shutil.which("perf") is None or (not args.no_pin and shutil.which("taskset") is None):
        sys.exit("needs perf (and taskset unless --no-pin) on PATH")
    # 1,000 connections need as many descriptors in kvbench and the server
    # (children inherit the limit).
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    lines = ["| model | connections | requests/s | store's share of server CPU samples | "
             "futex (kernel) share | futex calls per 1k requests | kvbench timeouts |",
             "|---|---|---|---|---|---|---|"]
    for connections in [int(c) for c in args.connections.split(",")]:
        for model in args.models.split(","):
            log(f"{model} c={connections}")
            r = sample(args, model, connections)
            lines.append(f"| {model} | {connections} | {r['throughput'] / 1e3:.1f}k | "
                         f"{r['store_percent']:.1f}% | {r['futex_percent']:.1f}% | "
                         f"{r['futex_per_1k']:.1f} | {r['timeouts']} |")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["bench/tradeoffs/store-share", *sys.argv[1:]])
    text = "\n".join([f"Measured {when} on {os.cpu_count()} CPUs with `{command}`: P=1, "
                      f"{args.seconds:g} s per point, one run each, "
                      f"{'unpinned' if args.no_pin else 'server on core 0'}.", "", *lines])
    print(text)
    if args.readme:
        report_sections.replace_section(args.readme, "store-share", "bench/tradeoffs/store-share",
                                        text)


if __name__ == "__main__":
    main()
