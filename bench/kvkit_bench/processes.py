"""Processes the benchmark scripts start: the servers under test, and the
readings they take of them from /proc.

Shared by the trade-off, preemption, store-share, codec-profile and attack
modules of this package.
"""

import os
import signal
import socket
import subprocess
import time


def cpu_seconds(pid):
    """(user, system) CPU seconds of process `pid` so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One server process: a kvserver model or redis-server, on 127.0.0.1."""

    def __init__(self, name, kvserver, wrapper=(), placement=(), wrapper_forks=True,
                 stop_timeout=10, flags=()):
        """`wrapper` runs the server: as its child if `wrapper_forks` (strace),
        or in its own process (valgrind). `placement` (taskset, which execs its
        command) runs before the wrapper. `flags` are more kvserver flags
        (`--loops 1`). stop() waits `stop_timeout` seconds before it kills."""
        self.name = name
        self.stop_timeout = stop_timeout
        forks = bool(wrapper) and wrapper_forks
        wrapper = [*placement, *wrapper]
        if name == "redis":
            self.port = free_port()
            argv = [*wrapper, "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--maxclients", "19000",
                    "--logfile", "", "--loglevel", "warning"]
            self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
            self._wait_accepting()
        else:
            argv = [*wrapper, kvserver, "--model", name, "--port", "0", "--idle-timeout-ms", "0",
                    "--max-connections", "20000", *flags]
            self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
            line = self.process.stdout.readline().strip()
            if not line.startswith("listening on "):
                self.stop()
                raise RuntimeError(f"kvserver {name} did not start: {line!r}")
            self.port = int(line.rsplit(":", 1)[1])
        self.pid = self._server_pid(forks)

    def _server_pid(self, forks):
        if not forks:
            return self.process.pid
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        for _ in range(100):
            with open(path) as children:
                pids = children.read().split()
            if pids:
                return int(pids[0])
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("the wrapped server did not start")

    def _wait_accepting(self):
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.025)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def target(self):
        return f"127.0.0.1:{self.port}"

    def protocol(self):
        return "resp" if self.name == "redis" else "kv"

    def cpu_seconds(self):
        """utime + stime of the server so far."""
        return sum(cpu_seconds(self.pid))

    def status_field(self, field):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"no {field} in /proc/{self.pid}/status")

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def stop(self):
        if self.process.poll() is None:
            try:
                os.kill(getattr(self, "pid", self.process.pid), signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
