"""The 'tradeoffs' section of bench/README.md and its plots, from a
results.json that bench/tradeoffs/run wrote. Measures nothing.

The prose of the section is bench/tradeoffs/report.md, a string.Template
whose $names this module fills with the tables and values it computes.
"""

import json
import math
import os
import statistics
import string
import subprocess

from . import BENCH_DIR, report_sections, workload

TEMPLATE = BENCH_DIR / "tradeoffs" / "report.md"
# Above this share of the machine's CPU used by other processes during the
# run, the report says the machine was shared.
SHARED_THRESHOLD = 0.05
# The least coverage of the interval shown for a median pair ratio.
INTERVAL_LEVEL = 0.95
P99_TARGET = 1.2


def fmt_rate(value):
    if value is None:
        return "n/a"
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.0f}"


def fmt_us(value):
    if value is None:
        return "n/a"
    return f"{value / 1000:.1f} ms" if value >= 10000 else f"{value:.0f} us"


def median(runs, field):
    return statistics.median(run[field] for run in runs)


def median_interval(values, level=INTERVAL_LEVEL):
    """A distribution-free interval for the median of `values` (the sign
    test's): the k-th smallest and k-th largest value, for the largest k
    whose coverage, 1 - 2 P(Binomial(n, 1/2) < k), is at least `level`.
    Returns (low, high, coverage), or None when n is too small for any k
    (below 6 values at 95%)."""
    ordered, n = sorted(values), len(values)
    best = None
    for k in range(1, n // 2 + 1):
        tail = sum(math.comb(n, i) for i in range(k)) / 2**n
        if 1 - 2 * tail < level:
            break
        best = (ordered[k - 1], ordered[n - k], 1 - 2 * tail)
    return best


class Servers:
    """The servers and load points of one results.json."""

    def __init__(self, points, wl):
        models = list(dict.fromkeys(key.split()[0] for key in points if key.split()[0] != "redis"))
        self.names = models + ["redis"]
        self.connections = wl["connections"]
        self.pipelines = wl["pipelines"]


def cell(point, field, formatter):
    if "failed" in point:
        return "failed"
    text = formatter(point[field])
    flags = []
    if point.get("errors"):
        flags.append(f"{point['errors']} err")
    if point.get("timeouts"):
        flags.append(f"{point['timeouts']} t/o")
    return text + (f" ({', '.join(flags)})" if flags else "")


def matrix_table(servers, points, pipeline, field, formatter):
    header = "| server | " + " | ".join(f"c={c}" for c in servers.connections) + " |"
    lines = [header, "|---" * (len(servers.connections) + 1) + "|"]
    for name in servers.names:
        row = [cell(points[f"{name} {c} {pipeline}"], field, formatter) for c in servers.connections]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def cpu_table(servers, points):
    columns = [(c, p) for p in servers.pipelines for c in servers.connections]
    lines = ["| server | " + " | ".join(f"c={c} P={p}" for c, p in columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for name in servers.names:
        row = []
        for c, p in columns:
            value = points[f"{name} {c} {p}"].get("cpu_s_per_100k")
            row.append("n/a" if value is None else f"{value:.2f}")
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def plot(out_dir, servers, points, field, ylabel, filename):
    """Writes one PNG: `field` against connections (both axes logarithmic),
    a line per server and pipeline."""
    data_path = os.path.join(out_dir, filename.replace(".png", ".dat"))
    series = [(n, p) for n in servers.names for p in servers.pipelines]
    with open(data_path, "w") as data:
        for name, p in series:
            data.write(f"# {name} P={p}\n")
            for c in servers.connections:
                point = points[f"{name} {c} {p}"]
                if "failed" not in point and point["requests"] > 0:
                    data.write(f"{c} {point[field]}\n")
            data.write("\n\n")
    blocks = [f"'{os.path.basename(data_path)}' index {i} with linespoints "
              f"title '{name} P={p}' dt {1 if p == 1 else 2} lc {servers.names.index(name) + 1}"
              for i, (name, p) in enumerate(series)]
    xtics = ", ".join(str(c) for c in servers.connections)
    script = "\n".join([
        "set terminal pngcairo size 900,560 font ',10'",
        f"set output '{filename}'",
        "set logscale x", "set logscale y",
        "set xlabel 'connections'", f"set ylabel '{ylabel}'", "set key outside right",
        "set grid", f"set xtics ({xtics})",
        "plot " + ", \\\n  ".join(blocks), ""])
    subprocess.run(["gnuplot"], input=script, text=True, cwd=out_dir, check=True)
    os.unlink(data_path)


def spread_cell(runs, field, formatter):
    """The median of `field` over `runs`, with the range when there are
    several: "12.3k [11.9k-12.8k]"."""
    values = [run[field] for run in runs if "failed" not in run and run.get(field) is not None]
    if not values:
        return "failed" if runs else "n/a"
    text = formatter(statistics.median(values))
    if len(values) > 1:
        text += f" [{formatter(min(values))}-{formatter(max(values))}]"
    failed = len(runs) - len(values)
    flags = [f"{failed} failed"] if failed else []
    errors = sum(run.get("errors", 0) + run.get("timeouts", 0) for run in runs)
    if errors:
        flags.append(f"{errors} err+t/o")
    return text + (f" ({', '.join(flags)})" if flags else "")


def latency_cell(runs):
    good = [run for run in runs if "failed" not in run and run.get("requests")]
    if not good:
        return "failed" if runs else "n/a"
    return f"{fmt_us(median(good, 'p50_us'))} / {fmt_us(median(good, 'p99_us'))}"


def models_tables(models, memory, wl):
    """Throughput, latency, CPU and memory of every concurrent model and
    redis at the models part's points; empty when the part was not run."""
    if not models:
        return "Not measured in this run (`bench/tradeoffs/run --only models`)."
    names = list(dict.fromkeys(key.rsplit(" ", 2)[0] for key in models))
    points = [(c, p) for p in wl["pipelines"] for c in wl.get("model_connections", [50, 1000])]
    header = "| server | " + " | ".join(f"c={c} P={p}" for c, p in points) + " |"
    rule = "|---" * (len(points) + 1) + "|"

    def table(render_cell, extra_header="", extra=lambda name: ""):
        lines = [header + extra_header, rule + ("---|" if extra_header else "")]
        for name in names:
            cells = [render_cell(models.get(f"{name} {c} {p}", [])) for c, p in points]
            lines.append(f"| {name} | " + " | ".join(cells) + " |" + extra(name))
        return "\n".join(lines)

    def rss(name):
        per = (memory.get(name) or {}).get("kib_per_connection")
        return " n/a |" if per is None else f" {per:.2f} KiB |"

    repeats = max(len(runs) for runs in models.values())
    return "\n\n".join([
        f"Throughput, responses/s (median [lowest-highest] of {repeats} runs):",
        table(lambda runs: spread_cell(runs, "throughput", fmt_rate)),
        "Latency, p50 / p99 (medians):",
        table(latency_cell),
        "Server CPU seconds per 100k requests (median), and RSS per idle connection "
        "(from the memory table below):",
        table(lambda runs: spread_cell(runs, "cpu_s_per_100k", lambda v: f"{v:.2f}"),
              " RSS per idle connection |", rss),
    ])


def model_rows(models, memory, facts):
    """The short table of servers/README.md: each concurrent model and
    redis at 50 connections (both pipelines) and 1,000 (P=16)."""
    names = list(dict.fromkeys(key.rsplit(" ", 2)[0] for key in models))
    points = sorted({tuple(int(v) for v in key.rsplit(" ", 2)[1:]) for key in models},
                    key=lambda point: (point[1], point[0]))
    first = min(c for c, _ in points)
    shown = [point for point in points if point[0] == first or point[1] == max(p for _, p in points)]
    repeats = max(len(runs) for runs in models.values())
    lines = [f"Measured by `bench/tradeoffs/run` on {facts['date']} ({facts['nproc']} cores, "
             f"{facts['cpu']}; every server on core 0, kvbench on the others; medians of "
             f"{repeats} runs, other processes used {100 * facts['other_cpu_share']:.0f}% of "
             "the machine meanwhile). Details and spreads: section 1 of `bench/README.md`.", "",
             "| server | " + " | ".join(f"responses/s c={c} P={p}" for c, p in shown)
             + f" | p50 / p99 c={first} P={shown[-1][1]} | CPU s per 100k requests c={first} "
             f"P={shown[-1][1]} | RSS per idle connection |",
             "|---" * (len(shown) + 4) + "|"]
    for name in names:
        runs = lambda c, p: models.get(f"{name} {c} {p}", [])
        cells = [spread_cell(runs(c, p), "throughput", fmt_rate).split(" [")[0] for c, p in shown]
        last = runs(first, shown[-1][1])
        good = [run for run in last if "failed" not in run and run.get("requests")]
        cpu = f"{median(good, 'cpu_s_per_100k'):.2f}" if good else "n/a"
        per = (memory.get(name) or {}).get("kib_per_connection")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {latency_cell(last)} | {cpu} | "
                     + ("n/a" if per is None else f"{per:.1f} KiB") + " |")
    return "\n".join(lines)


def scaling_table(scaling, facts):
    if not scaling:
        return "Not measured in this run (`bench/tradeoffs/run --only scaling`)."
    labels = list(dict.fromkeys(key.rsplit(" ", 2)[0] for key in scaling))
    pipelines = sorted({int(key.rsplit(" ", 1)[1]) for key in scaling})
    connections = next(iter(scaling)).rsplit(" ", 2)[1]
    seconds = facts.get("point_seconds", 2)
    lines = ["| server, " + connections + " connections | "
             + " | ".join(f"P={p} responses/s | P={p} server cores busy" for p in pipelines)
             + " |", "|---" * (2 * len(pipelines) + 1) + "|"]
    for label in labels:
        cells = []
        for p in pipelines:
            runs = scaling.get(f"{label} {connections} {p}", [])
            cells.append(spread_cell(runs, "throughput", fmt_rate))
            cells.append(spread_cell(
                [dict(run, cores=run["server_cpu_s"] / seconds) for run in runs if "failed" not in run],
                "cores", lambda v: f"{v:.2f}"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def syscall_table(syscalls, requests):
    if not syscalls:
        return "(strace was not available: no profile.)"
    names = sorted({n for calls in syscalls.values() for n in calls},
                   key=lambda n: -max(c.get(n, {}).get("calls", 0) for c in syscalls.values()))
    lines = ["| system call | " + " | ".join(f"{s} calls (failed) per request" for s in syscalls) + " |",
             "|---" * (len(syscalls) + 1) + "|"]
    totals = {s: 0.0 for s in syscalls}
    for n in names:
        row = []
        for s, calls in syscalls.items():
            entry = calls.get(n, {"calls": 0, "errors": 0})
            per = entry["calls"] / requests
            totals[s] += per
            row.append(f"{per:.2f} ({entry['errors'] / requests:.2f})")
        if any(calls.get(n, {}).get("calls", 0) / requests >= 0.01 for calls in syscalls.values()):
            lines.append(f"| {n} | " + " | ".join(row) + " |")
    lines.append("| **all** | " + " | ".join(f"**{totals[s]:.2f}**" for s in syscalls) + " |")
    return "\n".join(lines)


def idle_target_line(memory, idle_connections):
    per = memory.get("event-loop", {}).get("kib_per_connection")
    if per is None:
        return "Idle memory of event-loop: not measured (no connection was held)."
    verdict = "met" if per <= 4 else "missed"
    return (f"Idle memory of event-loop at {idle_connections} connections: **{per:.2f} KiB** "
            f"per connection (target <= 4 KiB: {verdict}); details below.")


def placement_text(facts):
    placement = facts["placement"]
    if placement["server"] == "none":
        return (f"kvbench, the servers and redis-server all ran on the same {facts['nproc']} "
                "cores, placed by the scheduler.")
    return (f"**Placement:** every server ran on core 0 (`{placement['server']}`) and kvbench and "
            f"redis-benchmark on the rest (`{placement['client']}`), so that the load generator "
            "never takes the server's core; multi-blocking's threads therefore share one core, "
            "like everyone else's. The headline is measured a second time unpinned, placed by "
            "the scheduler, with kvbench's default threads, which leave the server a CPU; "
            "where that default differs from one thread per CPU, it is measured a third time "
            "unpinned with kvbench on every CPU, for comparison (see \"Who preempts the "
            "server when nothing is pinned\").")


def pair_cell(pairs):
    """The median of the pair ratios and its interval, or the range when
    there are too few pairs for one."""
    if not pairs:
        return "n/a", ""
    interval = median_interval(pairs)
    middle = statistics.median(pairs)
    if interval is None:
        return f"{middle:.2f} (range {min(pairs):.2f} to {max(pairs):.2f})", ""
    low, high, _ = interval
    where = "above" if low >= 1 else "below" if high < 1 else "includes"
    return f"{middle:.2f} [{low:.2f}, {high:.2f}]", f"; interval {where} 1.0"


def ratio_rows(head, pipelines, first_rows_pinned):
    """One row per pipeline and placement. Rows "NAME P" hold the run's own
    placement, rows "NAME P unpinned" runs left to the scheduler, and rows
    "NAME P unpinned-busy" runs left to the scheduler with kvbench on every
    CPU, which are shown for comparison and judged against no target."""
    rows = []
    first = "pinned" if first_rows_pinned else "unpinned"
    for suffix, placement in [("", first), (" unpinned", "unpinned"),
                              (" unpinned-busy", "unpinned, kvbench on every CPU")]:
        for p in pipelines:
            key = f"{p}{suffix}"
            if f"event-loop {key}" not in head:
                continue
            el_runs, rd_runs = head[f"event-loop {key}"], head[f"redis {key}"]
            threads = el_runs[0].get("threads", "?")
            label = f"P={p}, {placement} ({threads} kvbench thread{'s' if threads != 1 else ''})"
            el, rd = median(el_runs, "throughput"), median(rd_runs, "throughput")
            # Each repeat measured both servers: one ratio per pair.
            pairs = [e["throughput"] / r["throughput"] for e, r in zip(el_runs, rd_runs)
                     if e.get("throughput") and r.get("throughput")]
            pair_text, settled = pair_cell(pairs)
            judged = ("met" if el >= rd else "missed") + settled
            el_p99, rd_p99 = median(el_runs, "p99_us"), median(rd_runs, "p99_us")
            p99_ratio = f"{el_p99 / rd_p99:.2f}x" if rd_p99 else "n/a"
            p99_judged = ("met" if rd_p99 and el_p99 <= P99_TARGET * rd_p99 else "missed")
            if suffix == " unpinned-busy":
                judged = "no target" + settled
                p99_judged = "no target"
            rows.append(
                f"| {label} | {len(pairs)} | {fmt_rate(el)} | {fmt_rate(rd)} | "
                f"**{el / rd:.3f}x** | {pair_text} | {judged} | "
                f"{fmt_us(el_p99)} | {fmt_us(rd_p99)} | {p99_ratio} ({p99_judged}) | "
                f"{median(el_runs, 'cpu_s_per_100k'):.2f} | {median(rd_runs, 'cpu_s_per_100k'):.2f} | "
                f"{median(el_runs, 'preempted_per_1k'):.1f} | {median(rd_runs, 'preempted_per_1k'):.1f} |")
    return "\n".join(rows)


def tool_table(tools, pipelines, default_threads):
    one_thread = f"kvbench-t1 {pipelines[0]}" in tools
    plural = "s" if default_threads != 1 else ""
    lines = [f"| pipeline | kvbench, default ({default_threads} thread{plural}) |"
             + (" kvbench, 1 thread |" if one_thread else "") + " redis-benchmark |",
             "|---|---|" + ("---|" if one_thread else "") + "---|"]
    for p in pipelines:
        kd = median(tools[f"kvbench-default {p}"], "throughput")
        rb = median(tools[f"redis-benchmark {p}"], "throughput")
        middle = ""
        if one_thread:
            k1 = median(tools[f"kvbench-t1 {p}"], "throughput")
            middle = f" {fmt_rate(k1)} ({k1 / rb:.2f}x) |"
        lines.append(f"| P={p} | {fmt_rate(kd)} ({kd / rb:.2f}x) |{middle} {fmt_rate(rb)} |")
    return "\n".join(lines)


def memory_rows(memory, idle_connections):
    rows = []
    for name, m in memory.items():
        per = m["kib_per_connection"]
        target = ""
        if name == "event-loop" and per is not None:
            target = " (target <= 4 KiB: " + ("met" if per <= 4 else "missed") + ")"
        rows.append(
            f"| {name} | {m['held']} of {idle_connections} | {m['rss_before_kib'] / 1024:.1f} MiB | "
            f"{m['rss_after_kib'] / 1024:.1f} MiB | "
            f"{'n/a' if per is None else f'{per:.2f} KiB'}{target} | {m['threads']} |")
    return "\n".join(rows)


def two_client_rows(sb):
    rows = []
    for label in ("a", "b"):
        c = sb[label]
        rows.append(f"| {label.upper()} | {c['requests']} | {fmt_rate(c['throughput'])} | "
                    f"{fmt_us(c['p50_us'])} | {fmt_us(c['max_us'])} | {c['errors']} | "
                    f"{c['timeouts']} |")
    return "\n".join(rows)


def provenance(facts, remeasured):
    took = (f", which measured for {facts['measured_seconds'] / 60:.1f} minutes"
            if "measured_seconds" in facts else "")
    if not remeasured:
        return (f"Generated by `bench/tradeoffs/run` on {facts['date']}{took}; every number in\n"
                "this section comes from that one run.")
    parts = []
    for part, again in remeasured.items():
        placed = "unpinned" if again["placement"]["server"] == "none" else "pinned"
        what = part.replace("_", " ")
        if part == "headline" and placed == "unpinned":
            what = "the headline's unpinned rows"  # A --no-pin run leaves the pinned ones.
        runs = (f"{again.get('model_repeats', '?')} runs per point" if part in ("models", "scaling")
                else f"{again['repeats']} pairs")
        if part == "scaling":
            placed = "kvbench on the last core, the server unpinned"
        parts.append(f"{what} on {again['date']} (`bench/tradeoffs/run --only "
                     f"{part}`, {placed}, {runs}, {again['point_seconds']:g} s "
                     f"per point, in {again['measured_seconds'] / 60:.1f} minutes; other "
                     f"processes used {100 * again['other_cpu_share']:.1f}% of the machine's "
                     "CPU meanwhile)")
    return (f"Generated by `bench/tradeoffs/run` on {facts['date']}{took}; every number in\n"
            f"this section comes from that run, except these parts, measured again: "
            + "; ".join(parts) + ".")


def interval_note(pairs_counted):
    if not pairs_counted:
        return ""
    return ("\nThe bracket after the median of the pair ratios is a distribution-free interval "
            "for that median\n(the sign test's order statistics) covering it with at least "
            f"{100 * INTERVAL_LEVEL:.0f}% confidence;\nthe comparison is settled only when the "
            "interval lies entirely above or below 1.0.\n")


def section_text(readme, out_dir, r):
    facts, points, head = r["machine"], r["matrix"], r["headline"]
    wl = r.get("workload") or workload.as_dict()
    servers = Servers(points, wl)
    remeasured = r.get("remeasured", {})
    pinned = facts["placement"]["server"] != "none"
    other = facts["other_cpu_share"]
    # Images and raw results are linked relative to the README.
    rel = os.path.relpath(out_dir, os.path.dirname(os.path.abspath(readme)))
    link = lambda name: name if rel == "." else f"{rel}/{name}"
    pipelines = servers.pipelines
    repeats = max(len(runs) for key, runs in head.items() if key.startswith("event-loop"))
    default_threads = r["tools"][f"kvbench-default {pipelines[0]}"][0].get("threads", "?")
    one_thread = f"kvbench-t1 {pipelines[0]}" in r["tools"]
    values = {
        "provenance": provenance(facts, remeasured),
        "nproc": facts["nproc"], "cpu": facts["cpu"], "kernel": facts["kernel"],
        "redis": facts["redis"], "other_percent": f"{100 * other:.1f}",
        "shared_warning": (f"**That is more than {100 * SHARED_THRESHOLD:.0f}%: the machine was "
                           "shared with other work, so absolute numbers are noisier than usual.**"
                           if other > SHARED_THRESHOLD else ""),
        "tool_repeats": len(r["tools"][f"kvbench-default {pipelines[0]}"]),
        "placement": placement_text(facts),
        "key_size": wl["key_size"], "value_size": wl["value_size"], "keyspace": wl["keyspace"],
        "point_seconds": f"{facts['point_seconds']:g}",
        "total_errors": sum(p.get("errors", 0) for p in points.values()),
        "headline_connections": wl["headline_connections"],
        "ratio_rows": ratio_rows(head, pipelines, pinned),
        "interval_note": interval_note(repeats),
        "idle_target": idle_target_line(r["idle_memory"], wl["idle_connections"]),
        "throughput_p1": matrix_table(servers, points, 1, "throughput", fmt_rate),
        "throughput_p16": matrix_table(servers, points, 16, "throughput", fmt_rate),
        "p99_p1": matrix_table(servers, points, 1, "p99_us", fmt_us),
        "p99_p16": matrix_table(servers, points, 16, "p99_us", fmt_us),
        "throughput_png": link("throughput.png"), "p99_png": link("p99.png"),
        "cpu_table": cpu_table(servers, points),
        "models_tables": models_tables(r.get("models"), r["idle_memory"], wl),
        "scaling_table": scaling_table(r.get("scaling"), r.get("remeasured", {}).get(
            "scaling", facts)),
        "idle_connections": wl["idle_connections"],
        "memory_rows": memory_rows(r["idle_memory"], wl["idle_connections"]),
        "idle_cpu_rows": "\n".join(f"| {name} | {value:.2f} |"
                                   for name, value in r["idle_cpu"].items()),
        "two_client_rows": two_client_rows(r["single_blocking"]),
        "default_threads": default_threads,
        "one_thread_phrase": " and with 1 thread" if one_thread else "",
        "tool_table": tool_table(r["tools"], pipelines, default_threads),
        "profile_requests": wl["profile_requests"],
        "syscall_table": syscall_table(r["syscalls"], wl["profile_requests"]),
        "results_json": link("results.json"),
    }
    return string.Template(TEMPLATE.read_text()).substitute(values)


def render(results_path, out_dir, readme, models_readme=None):
    """Writes the plots into `out_dir` and the 'tradeoffs' section of
    `readme`, from the results.json at `results_path`; and, when given and
    the run measured the models part, the 'model-rows' section of
    `models_readme` (servers/README.md)."""
    with open(results_path) as raw:
        r = json.load(raw)
    if models_readme and r.get("models"):
        facts = r.get("remeasured", {}).get("models", r["machine"])
        report_sections.replace_section(models_readme, "model-rows", "bench/tradeoffs/run",
                                        model_rows(r["models"], r["idle_memory"], facts))
    servers = Servers(r["matrix"], r.get("workload") or workload.as_dict())
    plot(out_dir, servers, r["matrix"], "throughput", "responses/s", "throughput.png")
    plot(out_dir, servers, r["matrix"], "p99_us", "p99 latency (us)", "p99.png")
    text = section_text(readme, out_dir, r)
    report_sections.replace_section(readme, "tradeoffs", "bench/tradeoffs/run", text)
