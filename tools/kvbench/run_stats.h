// The counters and latencies of a run (or of one worker thread's share of
// it), and their text and JSON reports.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/kvbench/bench_config.h"
#include "tools/kvbench/latency_histogram.h"

namespace kv {

struct RunStats {
  // Responses received, whether correct or not.
  std::uint64_t responses = 0;
  // Wrong responses, unparseable streams, requests lost to a closed
  // connection, and connections that could not be opened.
  std::uint64_t errors = 0;
  // Requests left unanswered for longer than the configured timeout.
  std::uint64_t timeouts = 0;
  std::uint64_t get_hits = 0;
  std::uint64_t get_misses = 0;
  // Latency in nanoseconds, from the write of a request's batch to the read
  // that completed its response.
  LatencyHistogram latency;
  // A description of the first error seen, for the user.
  std::string first_error;

  void merge(const RunStats& other);
  void add_error(std::uint64_t count, const std::string& description);
};

struct RunReport {
  RunStats stats;
  double elapsed_seconds = 0;
  double throughput() const;
};

nlohmann::json report_to_json(const RunReport& report, const BenchConfig& config);
std::string report_to_text(const RunReport& report, const BenchConfig& config);

}  // namespace kv
