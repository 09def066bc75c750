"""Measures the trade-offs of the kvserver models against redis-server,
all driven by kvbench under identical settings, into bench/tradeoffs/results.json;
then render (kvkit_bench/render.py) rewrites the 'tradeoffs' section of bench/README.md and the
plots from that file.

Usage: bench/tradeoffs/run [--build-dir DIR] [--point-seconds S] [--no-pin]
                           [--only PART,...] [--repeats N] [--model-repeats N]
                           [--out DIR] [--readme FILE]
       bench/tradeoffs/run --render RESULTS_JSON [--out DIR] [--readme FILE]

Needs kvbench and kvserver built in DIR (default build/kvbench):
    cmake --build build/kvbench --target kvbench kvserver
and redis-server, redis-benchmark and gnuplot on PATH. Every number in the
README comes from the run that wrote it; --only measures some parts again
into the existing results.json, and the README then says which and when.
Every process started is stopped.
"""

import argparse
import contextlib
import copy
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import BENCH_DIR, ROOT, render, report_sections, workload
from .processes import Server
from .workload import (CONNECTIONS, HEADLINE_CONNECTIONS,
                      IDLE_CONNECTIONS, KEY_SIZE, KEYSPACE, PIPELINES, PROFILE_REQUESTS,
                      VALUE_SIZE)

# The kvserver models, read from the model registry (`kvserver --list-models`)
# by main(); then redis.
MODELS = []
SERVERS = []


def log(message):
    print(f"[tradeoffs] {message}", file=sys.stderr, flush=True)


def use_models(models):
    MODELS[:] = models
    SERVERS[:] = models + ["redis"]


def registry_models(kvserver):
    """The model names `kvserver --list-models` prints, in its order."""
    listed = subprocess.run([kvserver, "--list-models"], check=True, capture_output=True, text=True)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]


def kvbench(args, server, connections, pipeline, extra=()):
    """Runs kvbench against `server`; returns its JSON report."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    # kvbench ignores --duration when `extra` holds --requests.
    argv = [*args.client_cpus,
            *workload.kvbench_argv(args.kvbench, server.target(), server.protocol(), connections,
                                   pipeline, args.point_seconds, path), *extra]
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=120)
    try:
        with open(path) as report:
            result = json.load(report)
    except (OSError, ValueError):
        raise RuntimeError(f"kvbench failed ({done.returncode}): {done.stderr.strip()}")
    finally:
        os.unlink(path)
    result["exit_code"] = done.returncode
    return result


def measured_point(args, kvserver, name, connections, pipeline, extra=(), flags=()):
    """One load point on a fresh server, with the server's CPU time;
    `flags` are more kvserver flags."""
    with Server(name, kvserver, placement=args.server_cpus, flags=flags) as server:
        cpu_before = server.cpu_seconds()
        preempted_before = server.status_field("nonvoluntary_ctxt_switches")
        result = kvbench(args, server, connections, pipeline, extra)
        cpu = server.cpu_seconds() - cpu_before
        preempted = server.status_field("nonvoluntary_ctxt_switches") - preempted_before
    result["server_cpu_s"] = cpu
    # Times the scheduler took the CPU away from the server's main thread.
    result["preempted_per_1k"] = preempted / result["requests"] * 1e3 if result["requests"] else None
    result["cpu_s_per_100k"] = cpu / result["requests"] * 1e5 if result["requests"] else None
    return result


def matrix(args, kvserver):
    """Every server at every point; the servers take turns point by point,
    so that a drift in the machine's speed spreads over all of them."""
    points = {}
    for pipeline in PIPELINES:
        for connections in CONNECTIONS:
            for name in SERVERS:
                log(f"matrix {name} c={connections} P={pipeline}")
                try:
                    points[f"{name} {connections} {pipeline}"] = measured_point(
                        args, kvserver, name, connections, pipeline)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    points[f"{name} {connections} {pipeline}"] = {"failed": str(error)}
    return points


def concurrent_models():
    """The kvserver models that serve connections at once (all but
    single-blocking, which holds one connection at a time)."""
    return [name for name in MODELS if name != "single-blocking"]


def rotated(names, repeat):
    """`names` starting at a different one on every repeat, so that a drift
    of the machine's speed favours no server."""
    shift = repeat % len(names)
    return names[shift:] + names[:shift]


def models(args, kvserver):
    """Every concurrent model and redis at MODEL_CONNECTIONS x PIPELINES,
    `args.model_repeats` runs each; the servers take turns run by run, in an
    order rotated on every repeat. Keys are "NAME C P", values lists of runs."""
    runs = {}
    names = concurrent_models() + ["redis"]
    for repeat in range(args.model_repeats):
        for pipeline in PIPELINES:
            for connections in workload.MODEL_CONNECTIONS:
                for name in rotated(names, repeat):
                    log(f"models {name} c={connections} P={pipeline} #{repeat + 1}")
                    key = f"{name} {connections} {pipeline}"
                    try:
                        result = measured_point(args, kvserver, name, connections, pipeline)
                    except (RuntimeError, subprocess.TimeoutExpired) as error:
                        result = {"failed": str(error)}
                    runs.setdefault(key, []).append(result)
    return runs


def scaling(args, kvserver):
    """The multi-reactor with 1 and with 2 event loops, and the event loop
    for reference, with kvbench held to the last core (one thread) and the
    server free to use every core; alternating, `args.model_repeats` runs
    each. Keys are "LABEL C P"."""
    cores = os.cpu_count() or 1
    if cores < 2 or shutil.which("taskset") is None:
        return {}
    placed = copy.copy(args)
    placed.server_cpus = []
    placed.client_cpus = ["taskset", "-c", str(cores - 1)]
    configurations = [("event-loop", "event-loop", ()),
                      ("multi-reactor loops=1", "multi-reactor", ("--loops", "1")),
                      (f"multi-reactor loops={cores}", "multi-reactor", ("--loops", str(cores)))]
    runs = {}
    for repeat in range(args.model_repeats):
        for pipeline in PIPELINES:
            for label, name, flags in rotated(configurations, repeat):
                key = f"{label} {workload.HEADLINE_CONNECTIONS} {pipeline}"
                log(f"scaling {key} #{repeat + 1}")
                try:
                    result = measured_point(placed, kvserver, name, workload.HEADLINE_CONNECTIONS,
                                            pipeline, ("--threads", "1"), flags)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    result = {"failed": str(error)}
                runs.setdefault(key, []).append(result)
    return runs


def headline(args, kvserver):
    """event-loop vs redis at 50 connections, `args.repeats` pairs per
    pipeline and placement. The placements: pinned as the rest of the run is
    (unless --no-pin); left to the scheduler with kvbench's default threads;
    and, where that default leaves the server a CPU, left to the scheduler
    with a kvbench thread on every CPU (for comparison, not a target). Each
    pair runs both servers one after the other, event-loop first in even
    pairs and redis first in odd ones, so that a drift of the machine's
    speed favours neither. Keys are "NAME P" for pinned runs, "NAME P
    unpinned" and "NAME P unpinned-busy" for the others."""
    runs = {}
    free = copy.copy(args)
    free.server_cpus, free.client_cpus = [], []
    placements = ([("", args, ())] if args.server_cpus else []) + [(" unpinned", free, ())]
    cores = os.cpu_count() or 1
    busy = workload.busy_threads(cores)
    if busy > workload.default_threads(cores):
        placements.append((" unpinned-busy", free, ("--threads", str(busy))))
    # Placements and pipelines take turns pair by pair, so that a slow
    # spell of the machine spreads over every row instead of spoiling one.
    for repeat in range(args.repeats):
        for suffix, placed, extra in placements:
            for pipeline in PIPELINES:
                order = ["event-loop", "redis"] if repeat % 2 == 0 else ["redis", "event-loop"]
                for name in order:
                    log(f"headline {name} P={pipeline}{suffix} #{repeat + 1}")
                    result = measured_point(placed, kvserver, name, HEADLINE_CONNECTIONS, pipeline,
                                            extra)
                    runs.setdefault(f"{name} {pipeline}{suffix}", []).append(result)
    return runs


def redis_benchmark(args, server, connections, pipeline, requests):
    argv = [*args.client_cpus, "redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-t", "set,get",
            "-c", str(connections), "-P", str(pipeline), "-d", str(VALUE_SIZE),
            "-r", str(KEYSPACE), "-n", str(requests), "--csv"]
    output = subprocess.run(argv, capture_output=True, text=True, timeout=300).stdout
    rps = {}
    for line in output.splitlines():
        cells = [cell.strip('"') for cell in line.split(",")]
        if len(cells) > 1 and cells[0] in ("SET", "GET"):
            rps[cells[0]] = float(cells[1])
    if set(rps) != {"SET", "GET"}:
        raise RuntimeError(f"unexpected redis-benchmark output: {output!r}")
    # Both tests run `requests` requests: the combined rate is the total
    # over the total time.
    combined = 2 * requests / (requests / rps["SET"] + requests / rps["GET"])
    return {"set_rps": rps["SET"], "get_rps": rps["GET"], "throughput": combined,
            "requests": requests}


def tool_comparison(args, kvserver):
    """kvbench vs redis-benchmark on redis-server, alternating, repeated."""
    runs = {}
    for pipeline in PIPELINES:
        for repeat in range(args.repeats):
            log(f"kvbench vs redis-benchmark P={pipeline} #{repeat + 1}")
            with Server("redis", kvserver, placement=args.server_cpus) as server:
                result = kvbench(args, server, HEADLINE_CONNECTIONS, pipeline)
            runs.setdefault(f"kvbench-default {pipeline}", []).append(result)
            # With one thread by default, "--threads 1" would be the same command again.
            if result["threads"] > 1:
                with Server("redis", kvserver, placement=args.server_cpus) as server:
                    runs.setdefault(f"kvbench-t1 {pipeline}", []).append(
                        kvbench(args, server, HEADLINE_CONNECTIONS, pipeline, ["--threads", "1"]))
            # Size the redis-benchmark run to last about as long as kvbench's.
            estimate = runs[f"kvbench-default {pipeline}"][-1]["throughput"]
            requests = max(20000, int(estimate * args.point_seconds / 2))
            with Server("redis", kvserver, placement=args.server_cpus) as server:
                runs.setdefault(f"redis-benchmark {pipeline}", []).append(
                    redis_benchmark(args, server, HEADLINE_CONNECTIONS, pipeline, requests))
    return runs


@contextlib.contextmanager
def idle_clients(args, server, connections, seconds):
    """Holds `connections` idle connections to `server` with `kvbench --idle`
    for at most `seconds`; yields how many it opened, and stops it on exit."""
    holder = subprocess.Popen(
        [*args.client_cpus, args.kvbench, "--target", server.target(), "--idle",
         "--connections", str(connections), "--duration", str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = holder.stdout.readline().strip()
        yield int(line.rsplit(":", 1)[1]) if line.startswith("idle connections open") else 0
    finally:
        holder.send_signal(signal.SIGTERM)
        try:
            holder.wait(timeout=20)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
        holder.stdout.close()


def idle_memory(args, kvserver):
    """Server RSS per idle connection, holding IDLE_CONNECTIONS of them."""
    results = {}
    for name in concurrent_models() + ["redis"]:
        log(f"idle memory {name}")
        with Server(name, kvserver, placement=args.server_cpus) as server:
            time.sleep(0.3)
            fds_before = server.open_fds()
            rss_before = server.status_field("VmRSS")
            with idle_clients(args, server, IDLE_CONNECTIONS, 120) as opened:
                # Wait (bounded) until the server holds every connection.
                deadline = time.time() + 20
                while server.open_fds() < fds_before + opened and time.time() < deadline:
                    time.sleep(0.1)
                time.sleep(1.0)
                held = server.open_fds() - fds_before
                rss_after = server.status_field("VmRSS")
                threads = server.status_field("Threads")
            results[name] = {
                "opened": opened, "held": held, "rss_before_kib": rss_before,
                "rss_after_kib": rss_after, "threads": threads,
                "kib_per_connection": (rss_after - rss_before) / held if held > 0 else None,
            }
    return results


def idle_cpu(args, kvserver):
    """CPU seconds over 5 s while holding 10 idle connections."""
    results = {}
    for name in concurrent_models() + ["redis"]:
        log(f"idle cpu {name}")
        with Server(name, kvserver, placement=args.server_cpus) as server:
            with idle_clients(args, server, 10, 60):
                time.sleep(0.5)
                before = server.cpu_seconds()
                time.sleep(5.0)
                results[name] = server.cpu_seconds() - before
    return results


def single_blocking_clients(args, kvserver):
    """Client A loads single-blocking for 3 s; client B starts 0.5 s later."""
    log("single-blocking with two clients")
    with Server("single-blocking", kvserver, placement=args.server_cpus) as server:
        with tempfile.TemporaryDirectory() as tmp:
            a_json, b_json = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            common = ["--target", server.target(), "--connections", "1", "--key-size",
                      str(KEY_SIZE), "--value-size", str(VALUE_SIZE), "--keyspace", str(KEYSPACE)]
            a = subprocess.Popen([*args.client_cpus, args.kvbench, *common, "--duration", "3", "--json", a_json,
                                  "--seed", "1"], stdout=subprocess.DEVNULL)
            time.sleep(0.5)
            # B uses its own keys, which A never writes.
            b = subprocess.run([*args.client_cpus, args.kvbench, *common, "--requests", "100", "--timeout-ms",
                                "10000", "--json", b_json, "--seed", "2", "--first-key",
                                str(KEYSPACE)],
                               stdout=subprocess.DEVNULL, timeout=60)
            a.wait(timeout=60)
            with open(a_json) as fa, open(b_json) as fb:
                result = {"a": json.load(fa), "b": json.load(fb)}
    return result


def syscall_profile(args, kvserver):
    """System calls per request of event-loop and redis at 50 connections,
    P=1, counted by strace -c (which slows the server; only counts matter)."""
    results = {}
    for name in ["event-loop", "redis"]:
        log(f"syscall profile {name}")
        with tempfile.NamedTemporaryFile(suffix=".strace", delete=False) as out:
            path = out.name
        with Server(name, kvserver, ["strace", "-f", "-c", "-o", path],
                    placement=args.server_cpus) as server:
            kvbench(args, server, HEADLINE_CONNECTIONS, 1,
                    ["--requests", str(PROFILE_REQUESTS), "--timeout-ms", "30000"])
        calls = {}
        with open(path) as summary:
            for line in summary:
                parts = line.split()
                if len(parts) >= 5 and parts[0].replace(".", "").isdigit() and parts[-1] != "total":
                    errors = int(parts[4]) if len(parts) == 6 else 0
                    calls[parts[-1]] = {"calls": int(parts[3]), "errors": errors}
        os.unlink(path)
        results[name] = calls
    return results


def machine_facts():
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "redis": redis.split()[2] if redis else "unknown",
    }


class OtherWork:
    """Measures how much CPU processes other than this run used while it ran.

    Busy time is user + nice + system from /proc/stat (interrupt time is left
    out on both sides); this run's own share is its own CPU plus that of every
    child it waited for (servers, kvbench, redis-benchmark).
    """

    def __init__(self):
        self.busy, self.ours, self.wall = self._busy(), self._ours(), time.monotonic()

    @staticmethod
    def _busy():
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
        return sum(int(v) for v in fields[:3]) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def share(self):
        """Other processes' CPU seconds over the run, as a share of all cores' time."""
        other = max(0.0, (self._busy() - self.busy) - (self._ours() - self.ours))
        return other / ((time.monotonic() - self.wall) * os.cpu_count())


# The parts of a run, in the order they are measured; each is one key of
# results.json.
PARTS = {
    "headline": headline,
    "tools": tool_comparison,
    "matrix": matrix,
    "models": models,
    "scaling": scaling,
    "idle_memory": idle_memory,
    "idle_cpu": idle_cpu,
    "single_blocking": single_blocking_clients,
    "syscalls": lambda args, kvserver: (syscall_profile(args, kvserver)
                                        if shutil.which("strace") else {}),
}


def parse_args(root):
    parser = argparse.ArgumentParser(prog="bench/tradeoffs/run", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(root, "build", "kvbench"))
    parser.add_argument("--point-seconds", type=float, default=2.0)
    parser.add_argument("--out", default=str(BENCH_DIR / "tradeoffs"),
                        help="directory for results.json and the plots (default: bench/tradeoffs)")
    parser.add_argument("--readme", default=str(report_sections.DEFAULT_README),
                        help="the README whose 'tradeoffs' section is rewritten "
                             "(default: bench/README.md)")
    parser.add_argument("--models-readme", default=str(ROOT / "servers" / "README.md"),
                        help="the README whose 'model-rows' section gets the models part's "
                             "short table (default: servers/README.md; '' for none)")
    parser.add_argument("--no-pin", action="store_true",
                        help="leave placement to the scheduler; by default every server runs "
                             "on core 0 and kvbench and redis-benchmark on the other cores")
    parser.add_argument("--repeats", type=int, default=workload.HEADLINE_REPEATS,
                        help="alternating pairs of the headline and of the tool comparison "
                             f"(default {workload.HEADLINE_REPEATS})")
    parser.add_argument("--model-repeats", type=int, default=workload.MODEL_REPEATS,
                        help="runs of each server at each point of the models and scaling "
                             f"parts (default {workload.MODEL_REPEATS})")
    parser.add_argument("--only", metavar="PART,...",
                        help="measure only these parts (" + ", ".join(PARTS) + ") and replace "
                             "them in the existing results.json of --out; the README says "
                             "which parts were measured when")
    parser.add_argument("--render", metavar="RESULTS_JSON",
                        help="measure nothing: rewrite the section and the plots from the "
                             "results.json of an earlier run")
    args = parser.parse_args()
    args.only = args.only.split(",") if args.only else []
    unknown = [part for part in args.only if part not in PARTS]
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    if args.repeats < 1 or args.model_repeats < 1:
        parser.error("--repeats and --model-repeats must be at least 1")
    return args


def check_tools(args, kvserver):
    for path in [args.kvbench, kvserver]:
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: run cmake --build {args.build_dir} --target kvbench kvserver")
    for tool in ["redis-server", "redis-benchmark", "gnuplot"]:
        if shutil.which(tool) is None:
            sys.exit(f"missing {tool} on PATH")
    # 10,000 idle connections need as many descriptors, in kvbench and in
    # every server (children inherit the limit).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < IDLE_CONNECTIONS + 100:
        sys.exit(f"RLIMIT_NOFILE hard limit {hard} is below {IDLE_CONNECTIONS + 100}")


def main():
    root = str(ROOT)
    args = parse_args(root)
    cores = os.cpu_count() or 1
    if args.no_pin or cores < 2 or shutil.which("taskset") is None:
        args.server_cpus, args.client_cpus = [], []
    else:
        args.server_cpus = ["taskset", "-c", "0"]
        args.client_cpus = ["taskset", "-c", "1" if cores == 2 else f"1-{cores - 1}"]
    results_path = os.path.join(args.out, "results.json")
    if args.render:
        render.render(args.render, args.out, args.readme, args.models_readme)
        log(f"wrote the 'tradeoffs' section of {args.readme}")
        return
    args.kvbench = os.path.join(args.build_dir, "tools", "kvbench", "kvbench")
    kvserver = os.path.join(args.build_dir, "servers", "kvserver")
    check_tools(args, kvserver)
    use_models(registry_models(kvserver))
    earlier = None
    if args.only:
        try:
            with open(results_path) as raw:
                earlier = json.load(raw)
        except (OSError, ValueError) as error:
            sys.exit(f"--only needs the results.json of a whole run in {args.out}: {error}")

    facts = machine_facts()
    other_work = OtherWork()
    started = time.time()
    measured = {part: PARTS[part](args, kvserver) for part in (args.only or PARTS)}
    facts["other_cpu_share"] = other_work.share()
    facts["placement"] = {"server": " ".join(args.server_cpus) or "none",
                          "client": " ".join(args.client_cpus) or "none"}
    facts["point_seconds"] = args.point_seconds
    facts["repeats"] = args.repeats
    facts["model_repeats"] = args.model_repeats
    facts["measured_seconds"] = round(time.time() - started)
    log(f"measured in {facts['measured_seconds']} s")

    if earlier is None:
        results = {"machine": facts, "workload": workload.as_dict(args.repeats), **measured}
    else:
        results = earlier
        for part, value in measured.items():
            if part == "headline":
                # Rows of the other placement stay; the measured ones are replaced.
                results[part] = {**results.get(part, {}), **value}
            else:
                results[part] = value
            results.setdefault("remeasured", {})[part] = facts
    with open(results_path, "w") as raw:
        json.dump(results, raw, indent=1)
    render.render(results_path, args.out, args.readme, args.models_readme)
    log(f"wrote the 'tradeoffs' section of {args.readme}")


if __name__ == "__main__":
    main()
