"""Attacks on the kvserver models, as a hostile client would make them, and
what each one costs the server: the measurements behind the table in
servers/README.md (SPEC section 12). Not a test: it takes minutes, loads the
machine, and nothing in CI runs it.

Usage:
    bench/attacks/run [--kvserver PATH] [--baseline PATH] [--models M,...]
                      [--attacks A,...] [--readme FILE] [--section NAME] [--json FILE]

Each attack runs against a fresh server started with default flags (the
ulimit attack adds an address-space limit) while a probe client, in its own
process, connects every 100 ms and makes one PUT, with a 1 s bound. Per run
it reports the server's RSS before the attack, at its peak (VmHWM), at the
end of the attack while the attackers still hold their connections, and
settled: once the server has closed every attacker's connection (at most
30 s after they left), plus 1.5 s; the probes served within 1 s and the
slowest one; the server's CPU share during the attack; and whether it
survived.

--baseline runs every attack against a second kvserver too, e.g. one built
from the commit before the change, so that one run gives both columns:

    git archive ff3a45e | (mkdir -p /tmp/kvkit-before && tar -x -C /tmp/kvkit-before)
    cmake -S /tmp/kvkit-before -B /tmp/kvkit-before/build -G Ninja -DCMAKE_BUILD_TYPE=Release \\
          -DKV_BUILD_TESTS=OFF -DKV_BUILD_BENCH=OFF
    cmake --build /tmp/kvkit-before/build --target kvserver
    bench/attacks/run --baseline /tmp/kvkit-before/build/servers/kvserver

With --readme, the table replaces the 'attacks' section of that file (or
the section --section names: servers/README.md keeps the models added
after the attacks' own change, which have no 'before' build, in a section of
their own, 'attacks-later-models'). The
attacks open up to 2,100 sockets; the script raises its own descriptor
limit (and the server's) to 20,000 where the hard limit allows.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import pathlib
import platform
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time

from . import ROOT, processes, report_sections

MIB = 1024 * 1024
FRAME_MAX = 4 * MIB            # kvserver's default --max-frame-bytes
BIG_VALUE = 4 * MIB - 64       # a value whose GET response still fits in one frame
FOOTER = b"@EOF@"
PROBE_PERIOD_S = 0.1
PROBE_BOUND_S = 1.0
SETTLE_LIMIT_S = 30.0
SETTLE_EXTRA_S = 1.5
NOFILE = 20000


# --- frames ------------------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def frame(body):
    return struct.pack("<I", len(body) + len(FOOTER)) + body + FOOTER


def put_frame(key, value):
    return frame(field(1, key) + field(2, value) + b"\x18\x03")


def get_frame(key):
    return frame(field(1, key) + b"\x18\x01")


def read_frame(sock, deadline):
    """Reads one whole frame from a blocking socket; None on EOF or timeout."""
    header = read_exactly(sock, 4, deadline)
    if header is None:
        return None
    body = read_exactly(sock, struct.unpack("<I", header)[0], deadline)
    return None if body is None else header + body


def read_exactly(sock, n, deadline):
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            chunk = sock.recv(min(n - got, 1 << 20))
        except (OSError, socket.timeout):
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def request(port, frames, count, bound_s=5.0):
    """Sends `frames`, reads `count` responses; returns them (or fewer)."""
    deadline = time.monotonic() + bound_s
    with socket.create_connection(("127.0.0.1", port), timeout=bound_s) as sock:
        sock.sendall(frames)
        out = []
        for _ in range(count):
            response = read_frame(sock, deadline)
            if response is None:
                break
            out.append(response)
        return out


# --- the server --------------------------------------------------------------

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = NOFILE if hard == resource.RLIM_INFINITY else min(NOFILE, hard)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class Server:
    """kvserver with default flags (plus `flags`), on a free port."""

    def __init__(self, kvserver, model, flags=(), address_space=None):
        def limits():
            raise_nofile()
            if address_space:
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

        self.process = subprocess.Popen(
            [kvserver, "--model", model, "--port", "0", *flags], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, preexec_fn=limits)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"kvserver --model {model} did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        self.pid = self.process.pid

    def status_kib(self, name):
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith(name + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def cpu_seconds(self):
        try:
            return sum(processes.cpu_seconds(self.pid))
        except OSError:
            return None

    def open_fds(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def alive(self):
        return self.process.poll() is None

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL; returns (exit status, stderr lines)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        err = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode, err.splitlines()


# --- attackers (each runs in its own process) --------------------------------

class Crowd:
    """Many non-blocking client sockets behind one selector. `on_open(conn)`
    returns the bytes a connection sends first; connections the server closes
    are reopened when `reconnect` is set."""

    def __init__(self, port, count, reconnect):
        self.port, self.count, self.reconnect = port, count, reconnect
        self.selector = selectors.DefaultSelector()
        self.closed_by_server = 0

    def open(self):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            sock.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        except OSError:
            sock.close()
            return None
        conn = {"sock": sock, "out": memoryview(b""), "in": 0, "next": 0.0}
        self.selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
        return conn

    def close(self, conn):
        self.selector.unregister(conn["sock"])
        conn["sock"].close()

    def all(self):
        return [key.data for key in self.selector.get_map().values()]


def attack_giant_frames(port, count, stop, ready):
    """`count` connections each send the header of a 4 MiB frame and all of
    its body but the last byte, as fast as the server takes it; reconnect
    when closed."""
    body = bytes(FRAME_MAX - 1)
    payload = struct.pack("<I", FRAME_MAX) + body
    crowd = Crowd(port, count, True)
    for _ in range(count):
        conn = crowd.open()
        if conn:
            conn["out"] = memoryview(payload)
    ready.set()
    while not stop.is_set():
        for key, events in crowd.selector.select(0.05):
            conn = key.data
            if events & selectors.EVENT_READ and not drain_or_close(crowd, conn):
                fresh = crowd.open()
                if fresh:
                    fresh["out"] = memoryview(payload)
                continue
            if events & selectors.EVENT_WRITE:
                send_some(crowd, conn)
    for conn in crowd.all():
        crowd.close(conn)


def send_some(crowd, conn):
    if not conn["out"]:
        crowd.selector.modify(conn["sock"], selectors.EVENT_READ, conn)
        return
    try:
        sent = conn["sock"].send(conn["out"][:256 * 1024])
        conn["out"] = conn["out"][sent:]
    except (BlockingIOError, InterruptedError):
        pass
    except OSError:
        pass


def drain_or_close(crowd, conn):
    """Reads what the server sent; False (and the socket closed) at EOF."""
    try:
        data = conn["sock"].recv(1 << 20)
    except (BlockingIOError, InterruptedError):
        return True
    except OSError:
        data = b""
    if data:
        conn["in"] += len(data)
        return True
    crowd.close(conn)
    crowd.closed_by_server += 1
    return False


def attack_idle_after_big(port, count, stop, ready):
    """`count` connections each GET the 4 MiB value once, reading it all, then
    send a small GET every 3 s (and read its answer)."""
    crowd = Crowd(port, count, False)
    big = get_frame(b"big")
    small = get_frame(b"small")
    for _ in range(count):
        conn = crowd.open()
        if conn:
            conn["out"] = memoryview(big)
            conn["expect"] = BIG_VALUE
    done_big = 0
    while not stop.is_set():
        now = time.monotonic()
        for key, events in crowd.selector.select(0.05):
            conn = key.data
            if events & selectors.EVENT_READ:
                before = conn["in"]
                if not drain_or_close(crowd, conn):
                    continue
                if before < conn["expect"] <= conn["in"]:
                    done_big += conn["expect"] == BIG_VALUE
                    conn["next"] = now + 3.0
            if events & selectors.EVENT_WRITE:
                send_some(crowd, conn)
        if done_big >= count * 0.95:
            ready.set()
        for conn in crowd.all():
            if conn["next"] and now >= conn["next"] and not conn["out"]:
                conn["next"] = now + 3.0
                conn["out"] = memoryview(small)
                conn["expect"] = conn["in"] + 1
                crowd.selector.modify(conn["sock"], selectors.EVENT_READ | selectors.EVENT_WRITE,
                                      conn)
    for conn in crowd.all():
        crowd.close(conn)


def attack_slow_readers(port, count, stop, ready):
    """`count` connections each pipeline 8 GETs of the 4 MiB value, then read
    64 KiB per connection every 100 ms."""
    crowd = Crowd(port, count, False)
    gets = get_frame(b"big") * 8
    for _ in range(count):
        conn = crowd.open()
        if conn:
            conn["sock"].setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            conn["out"] = memoryview(gets)
            crowd.selector.modify(conn["sock"], selectors.EVENT_WRITE, conn)
    ready.set()
    while not stop.is_set():
        for key, _ in crowd.selector.select(0.05):
            send_some(crowd, key.data)
        now = time.monotonic()
        for conn in crowd.all():
            if now >= conn["next"]:
                conn["next"] = now + 0.1
                try:
                    conn["in"] += len(conn["sock"].recv(64 * 1024))
                except OSError:
                    pass
    for conn in crowd.all():
        crowd.close(conn)


def attack_slowloris(port, count, stop, ready):
    """`count` connections each drip one byte of a 1,000-byte frame every
    90 ms (legal by SPEC 9.2); a connection the server closes reconnects."""
    payload = put_frame(b"slow", bytes(1000 - 16))
    crowd = Crowd(port, count, True)
    for _ in range(count):
        crowd.open()
    ready.set()
    while not stop.is_set():
        now = time.monotonic()
        for key, events in crowd.selector.select(0.01):
            conn = key.data
            if events & selectors.EVENT_READ and not drain_or_close(crowd, conn):
                crowd.open()
                continue
            if events & selectors.EVENT_WRITE:
                crowd.selector.modify(conn["sock"], selectors.EVENT_READ, conn)
        for conn in crowd.all():
            if now >= conn["next"]:
                conn["next"] = now + 0.09
                sent = conn.get("sent", 0) % len(payload)
                try:
                    conn["sock"].send(payload[sent:sent + 1])
                    conn["sent"] = sent + 1
                except OSError:
                    pass
    for conn in crowd.all():
        crowd.close(conn)


def probe(port, stop, results):
    """Connects and PUTs once every PROBE_PERIOD_S; records each latency, or
    None when no answer came within PROBE_BOUND_S."""
    latencies = []
    ack = frame(b"\x18\x03")
    while not stop.is_set():
        started = time.monotonic()
        try:
            got = request(port, put_frame(b"probe", b"v"), 1, PROBE_BOUND_S)
            latencies.append(time.monotonic() - started if got == [ack] else None)
        except OSError:
            latencies.append(None)
        time.sleep(max(0.0, PROBE_PERIOD_S - (time.monotonic() - started)))
    results.put(latencies)


# --- runs --------------------------------------------------------------------

# name: (attacker, connections, seconds of attack after `ready`, what it shows)
MEMORY_ATTACKS = {
    "giant-frames": (attack_giant_frames, 1024, 6.0,
                     "1,024 connections send all but the last byte of a 4 MiB frame"),
    "idle-after-big": (attack_idle_after_big, 1000, 4.0,
                       "1,000 connections GET a 4 MiB value once, then a small one every 3 s"),
    "slow-readers": (attack_slow_readers, 200, 6.0,
                     "200 connections pipeline 8 GETs of a 4 MiB value, read 640 KB/s each"),
    "slowloris": (attack_slowloris, 2000, 6.0,
                  "2,000 connections drip one byte every 90 ms, reconnecting when closed"),
    "ulimit-giant-frames": (attack_giant_frames, 200, 4.0,
                            "as giant-frames, 200 connections, server under ulimit -v 512 MiB"),
}
ADDRESS_SPACE_LIMIT = 512 * MIB


def kib_to_mib(kib):
    return None if kib is None else kib / 1024


def run_memory_attack(kvserver, model, name):
    attacker, count, seconds, _ = MEMORY_ATTACKS[name]
    limit = ADDRESS_SPACE_LIMIT if name.startswith("ulimit") else None
    server = Server(kvserver, model, address_space=limit)
    try:
        if name in ("idle-after-big", "slow-readers"):
            request(server.port, put_frame(b"big", bytes(BIG_VALUE)), 1, 10.0)
            request(server.port, put_frame(b"small", b"s"), 1, 10.0)
        time.sleep(0.3)
        result = {"rss_before_mib": kib_to_mib(server.status_kib("VmRSS"))}
        idle_fds = server.open_fds()
        stop = multiprocessing.Event()
        ready = multiprocessing.Event()
        probes = multiprocessing.Queue()
        attack = multiprocessing.Process(target=attacker, args=(server.port, count, stop, ready),
                                         daemon=True)
        attack.start()
        ready.wait(60)
        cpu_start, started = server.cpu_seconds(), time.monotonic()
        prober = multiprocessing.Process(target=probe, args=(server.port, stop, probes), daemon=True)
        prober.start()
        peak = None
        while time.monotonic() < started + seconds:
            time.sleep(0.2)
            peak = server.status_kib("VmHWM") or peak  # The last reading if it dies.
        result["rss_attack_end_mib"] = kib_to_mib(server.status_kib("VmRSS"))
        cpu_end, ended = server.cpu_seconds(), time.monotonic()
        stop.set()
        latencies = probes.get(timeout=30)
        prober.join(10)
        attack.join(30)
        if attack.is_alive():
            attack.kill()
        result["peak_rss_mib"] = kib_to_mib(server.status_kib("VmHWM") or peak)
        left = time.monotonic()
        while (server.alive() and time.monotonic() < left + SETTLE_LIMIT_S
               and server.open_fds() > idle_fds):
            time.sleep(0.1)
        result["settle_s"] = time.monotonic() - left
        time.sleep(SETTLE_EXTRA_S)
        result["rss_settled_mib"] = kib_to_mib(server.status_kib("VmRSS"))
        if cpu_start is not None and cpu_end is not None:
            result["cpu_share"] = (cpu_end - cpu_start) / (ended - started)
        served = [x for x in latencies if x is not None]
        result["probes"] = len(latencies)
        result["probes_served"] = len(served)
        result["slowest_probe_s"] = max(served) if served else None
        result["survived"] = server.alive()
        # A server that survived must still serve a new client now.
        try:
            result["serves_after"] = bool(server.alive() and request(
                server.port, put_frame(b"after", b"v"), 1, 5.0))
        except OSError:
            result["serves_after"] = False
    finally:
        status, log = server.stop()
    result["exit_status"] = status
    result["log_lines"] = len(log)
    result["log_sample"] = log[:2]
    return result


def run_drain(kvserver, model):
    """2,000 pipelined GETs of a 64 KiB value, none read before SIGTERM;
    how many responses reach the client afterwards."""
    server = Server(kvserver, model)
    value = bytes(64 * 1024)
    try:
        request(server.port, put_frame(b"k", value), 1, 5.0)
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(get_frame(b"k") * 2000)
        time.sleep(0.5)  # Every request has reached the server's socket.
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        deadline = signalled + 15.0
        received = 0
        while read_frame(sock, deadline) is not None:
            received += 1
        sock.close()
        server.process.wait(15)
        exited_after = time.monotonic() - signalled
    finally:
        status, _ = server.stop()
    return {"responses": received, "requests": 2000, "exit_status": status,
            "exit_after_s": exited_after}


def stack_depths_kib(pid, size_kib):
    """For every private writable anonymous mapping of `size_kib` (a thread
    stack), how deep the thread went: KiB from the mapping's top down to its
    lowest page that was ever touched (present in /proc/PID/pagemap)."""
    ranges, current = [], None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5:
                current = None
                if parts[1] == "rw-p" and len(parts) == 5:
                    start, end = (int(x, 16) for x in parts[0].split("-"))
                    if end - start == size_kib * 1024:
                        ranges.append((start, end))
    page = os.sysconf("SC_PAGE_SIZE")
    depths = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for start, end in ranges:
            pagemap.seek(start // page * 8)
            entries = pagemap.read((end - start) // page * 8)
            for index in range(len(entries) // 8):
                (entry,) = struct.unpack_from("<Q", entries, index * 8)
                if entry & (1 << 63) or entry & (1 << 62):  # present or swapped
                    depths.append((end - (start + index * page)) // 1024)
                    break
    return depths


def run_threads(kvserver):
    """multi-blocking with 1,000 connections that each PUT a 100 KiB value
    (read through the session's stack buffer), GET it and send a bad body:
    address space and RSS per connection, and the deepest stack a
    connection thread reached."""
    server = Server(kvserver, "multi-blocking")
    socks = []
    try:
        before_vm = server.status_kib("VmSize")
        before_rss = server.status_kib("VmRSS")
        exchange = put_frame(b"m", bytes(100 * 1024)) + get_frame(b"m") + frame(b"\x0a\x7f")
        for _ in range(1000):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall(exchange)
            deadline = time.monotonic() + 5
            for _ in range(3):
                read_frame(sock, deadline)
            socks.append(sock)
        time.sleep(0.5)
        # The thread stacks: 1,000 mappings of one size (8 MiB is glibc's default).
        depths = []
        for size_kib in (8192, 1024, 256):
            depths = stack_depths_kib(server.pid, size_kib)
            if len(depths) >= 900:
                break
        result = {
            "vm_per_connection_kib": (server.status_kib("VmSize") - before_vm) / 1000,
            "rss_per_connection_kib": (server.status_kib("VmRSS") - before_rss) / 1000,
            "stacks": len(depths),
            "deepest_stack_kib": max(depths) if depths else None,
        }
    finally:
        for sock in socks:
            sock.close()
        server.stop()
    return result


# --- report ------------------------------------------------------------------

def fmt_mib(value):
    return "-" if value is None else f"{value:,.0f}"


def memory_cell(r):
    if not r["survived"]:
        return f"**died** (exit {r['exit_status']}); peak {fmt_mib(r['peak_rss_mib'])}"
    return (f"{fmt_mib(r['rss_before_mib'])} / {fmt_mib(r['peak_rss_mib'])} / "
            f"{fmt_mib(r['rss_attack_end_mib'])} / {fmt_mib(r['rss_settled_mib'])} "
            f"after {r['settle_s']:.1f} s")


def probe_cell(r):
    slowest = "-" if r["slowest_probe_s"] is None else f"{r['slowest_probe_s'] * 1000:.0f} ms"
    return f"{r['probes_served']}/{r['probes']}, slowest {slowest}"


def report(results, machine, when, builds):
    lines = [f"Run on {machine}, {when}, by `bench/attacks/run`. Builds: " +
             "; ".join(f"**{label}** = `{path}`" for label, path in builds) + ".", ""]
    lines += ["RSS in MiB: before the attack / peak / at the end of the attack / settled, "
              "and how long after the attack the server took to close the attackers' "
              f"connections (at most {SETTLE_LIMIT_S:.0f} s; settled is read "
              f"{SETTLE_EXTRA_S} s later). Probes: new connections answered within "
              f"{PROBE_BOUND_S:.0f} s, one every {PROBE_PERIOD_S * 1000:.0f} ms. CPU: the server's "
              "share of one core during the attack.", ""]
    for name, (_, _, seconds, what) in MEMORY_ATTACKS.items():
        rows = [r for r in results if r["attack"] == name]
        if not rows:
            continue
        lines += [f"**{name}**: {what}; {seconds:.0f} s.", "",
                  "| model | build | RSS MiB | probes served | CPU | log lines |",
                  "|---|---|---|---|---|---|"]
        for r in rows:
            cpu = "-" if r.get("cpu_share") is None else f"{r['cpu_share'] * 100:.0f}%"
            lines.append(f"| {r['model']} | {r['build']} | {memory_cell(r)} | {probe_cell(r)} | "
                         f"{cpu} | {r['log_lines']} |")
        lines.append("")
    drains = [r for r in results if r["attack"] == "sigterm-drain"]
    if drains:
        lines += ["**sigterm-drain**: 2,000 pipelined GETs of a 64 KiB value, unread, then "
                  "SIGTERM.", "", "| model | build | responses received | exit status | exit after |",
                  "|---|---|---|---|---|"]
        for r in drains:
            lines.append(f"| {r['model']} | {r['build']} | {r['responses']}/{r['requests']} | "
                         f"{r['exit_status']} | {r['exit_after_s']:.2f} s |")
        lines.append("")
    threads = [r for r in results if r["attack"] == "threads"]
    if threads:
        lines += ["**threads**: multi-blocking with 1,000 open connections (each thread has "
                  "parsed a 100 KiB PUT, answered its GET and a bad body).", "",
                  "| build | address space per connection | RSS per connection | "
                  "deepest stack reached |", "|---|---|---|---|"]
        for r in threads:
            deepest = "-" if r["deepest_stack_kib"] is None else f"{r['deepest_stack_kib']} KiB"
            lines.append(f"| {r['build']} | {r['vm_per_connection_kib']:,.0f} KiB | "
                         f"{r['rss_per_connection_kib']:,.0f} KiB | {deepest} |")
        lines.append("")
    return "\n".join(lines)


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, Linux {platform.release()}"


def main():
    root = ROOT
    parser = argparse.ArgumentParser(prog="bench/attacks/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kvserver", default=str(root / "build/servers/servers/kvserver"))
    parser.add_argument("--baseline", help="a second kvserver to attack, labelled 'before'")
    parser.add_argument("--models", default="single-blocking,multi-blocking,busy-wait,event-loop")
    parser.add_argument("--attacks",
                        default=",".join([*MEMORY_ATTACKS, "sigterm-drain", "threads"]))
    parser.add_argument("--readme", help="write the table into this file's 'attacks' section")
    parser.add_argument("--section", default="attacks",
                        help="the generated section of --readme to write (default: attacks)")
    parser.add_argument("--json", help="write every measurement to this file")
    args = parser.parse_args()
    # SIGTERM unwinds like an error, so that every server started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("[attacks] terminated"))
    raise_nofile()
    models = args.models.split(",")
    builds = ([("before", args.baseline)] if args.baseline else []) + [("after", args.kvserver)]
    results = []
    for attack in args.attacks.split(","):
        for model in (["multi-blocking"] if attack == "threads" else models):
            for label, kvserver in builds:
                print(f"[attacks] {attack} on {model} ({label})", file=sys.stderr, flush=True)
                if attack == "sigterm-drain":
                    r = run_drain(kvserver, model)
                elif attack == "threads":
                    r = run_threads(kvserver)
                else:
                    r = run_memory_attack(kvserver, model, attack)
                r.update(attack=attack, model=model, build=label)
                print(f"[attacks]   {json.dumps(r)}", file=sys.stderr, flush=True)
                results.append(r)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = report(results, machine_description(), when, builds)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))
    if args.readme:
        report_sections.replace_section(args.readme, args.section, "bench/attacks/run", text)


if __name__ == "__main__":
    main()
