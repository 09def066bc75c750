// How many worker threads kvbench starts when --threads is not given.
//
// Each worker is a busy thread. A load generator that takes every CPU it
// may run on, on the machine where the server also runs, leaves the server
// to share a CPU with one of its threads: the scheduler then measures
// itself, and which server happens to share decides the comparison
// (bench/README.md, "Who preempts the server when nothing is pinned").
// So, for a server on this host, kvbench leaves it one CPU.
#pragma once

#include <string>

namespace kv {

// At most this many workers by default: two already saturate the servers
// measured in bench/ at 50 connections.
constexpr unsigned kMaxDefaultThreads = 2;

// The number of CPUs this process may run on: its affinity mask, so that
// under `taskset -c 1` it is 1, not the machine's count. At least 1.
unsigned usable_cpus();

// True if every address `host` resolves to is a loopback address (127/8,
// ::1, or 127/8 mapped into IPv6): the server then runs on this machine.
// False if it does not resolve, or resolves to any other address.
bool is_loopback_host(const std::string& host);

// The default: min(kMaxDefaultThreads, usable_cpus), less one CPU for a
// server on this host while that leaves at least one. Under `taskset -c 1`
// that is 1; unpinned on two CPUs with a local server, 1; unpinned on four
// or more, 2.
unsigned default_threads(unsigned usable_cpus, bool server_on_this_host);

}  // namespace kv
