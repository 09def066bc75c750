// Everything one kvbench run is configured with (see kvbench --help).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "tools/kvbench/request_templates.h"
#include "tools/kvbench/workload.h"

namespace kv {

struct BenchConfig {
  std::string host;
  std::uint16_t port = 0;
  WireProtocol protocol = WireProtocol::kKv;
  std::uint64_t connections = 50;
  std::uint64_t pipeline = 1;
  // The run ends after `duration`, or after `requests` requests when that
  // is non-zero.
  std::chrono::nanoseconds duration = std::chrono::seconds(5);
  std::uint64_t requests = 0;
  std::uint64_t put_weight = 50;
  std::uint64_t get_weight = 50;
  WorkloadShape shape;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  // A request unanswered this long counts as a timeout and its connection
  // is abandoned.
  std::chrono::nanoseconds timeout = std::chrono::seconds(2);
};

}  // namespace kv
