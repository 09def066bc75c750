"""The load that bench/tradeoffs/run puts on every server.

The run records these values in results.json ("workload"); rendering reads
them from there, and falls back to the values here only for a results.json
written before the run recorded them.
"""

CONNECTIONS = [1, 10, 100, 1000]
PIPELINES = [1, 16]
IDLE_CONNECTIONS = 10000
KEY_SIZE, VALUE_SIZE, KEYSPACE = 16, 100, 10000
# event-loop against redis-server: connections, and alternating pairs per
# pipeline and placement.
HEADLINE_CONNECTIONS = 50
HEADLINE_REPEATS = 7
# Every concurrent model against redis: connections, and runs per server
# and point (the "models" and "scaling" parts).
MODEL_CONNECTIONS = [50, 1000]
MODEL_REPEATS = 3
# Requests of the strace profile.
PROFILE_REQUESTS = 20000


def kvbench_argv(kvbench, target, protocol, connections, pipeline, seconds, report):
    """The kvbench command line of this workload: `connections` connections
    at pipeline depth `pipeline` for `seconds`, its JSON report to `report`."""
    return [kvbench, "--target", target, "--protocol", protocol,
            "--connections", str(connections), "--pipeline", str(pipeline),
            "--key-size", str(KEY_SIZE), "--value-size", str(VALUE_SIZE),
            "--keyspace", str(KEYSPACE), "--ratio", "50:50", "--json", report,
            "--duration", str(seconds)]


def default_threads(cpus):
    """kvbench's default worker threads on `cpus` CPUs with the server on
    this host (tools/kvbench/default_threads.h): one CPU is left to the
    server, at least one thread, at most two."""
    return min(2, max(1, cpus - 1))


def busy_threads(cpus):
    """A thread on every CPU, at most two: kvbench's default before it left
    the server a CPU. Unpinned on two CPUs this puts three busy threads on
    two CPUs; bench/README.md measures it for comparison."""
    return min(2, max(1, cpus))


def as_dict(headline_repeats=HEADLINE_REPEATS):
    return {"connections": CONNECTIONS, "pipelines": PIPELINES,
            "idle_connections": IDLE_CONNECTIONS, "key_size": KEY_SIZE,
            "value_size": VALUE_SIZE, "keyspace": KEYSPACE,
            "headline_connections": HEADLINE_CONNECTIONS, "headline_repeats": headline_repeats,
            "profile_requests": PROFILE_REQUESTS, "model_connections": MODEL_CONNECTIONS}
