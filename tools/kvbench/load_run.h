// Runs one closed-loop load: opens the connections, spreads them over the
// worker threads, prints progress, and gathers the results.
#pragma once

#include <string>

#include "tools/kvbench/bench_config.h"
#include "tools/kvbench/run_stats.h"

namespace kv {

enum class LoadFailure {
  kNone,
  // Not even the first connection could be opened.
  kUnreachable,
  // The load machinery itself failed (epoll).
  kInternal,
};

struct LoadOutcome {
  LoadFailure failure = LoadFailure::kNone;
  std::string message;
  RunReport report;
};

// Prints a progress line on stderr once a second when `progress` is set.
LoadOutcome run_load(const BenchConfig& config, bool progress);

// Opens config.connections idle connections and holds them until SIGINT,
// SIGTERM or config.duration; prints "idle connections open: N" on stdout
// once they are open. Counts connections that failed in the report.
LoadOutcome hold_idle_connections(const BenchConfig& config);

}  // namespace kv
