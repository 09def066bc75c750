// Differential mode: one seeded script of requests (PUTs, GETs, unknown
// kinds, bad bodies over a small keyspace) is run on one connection
// against every target, and the response streams are compared.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"

namespace kv {

struct DifferentialTarget {
  std::string name;  // As given on the command line.
  boost::asio::ip::tcp::endpoint endpoint;
};

struct DifferentialConfig {
  std::vector<DifferentialTarget> targets;
  RunOptions options;  // Seed, timeouts, max frame size.
  std::size_t steps = 400;
  // The run-wide time budget in seconds (--time-budget-s); 0: none.
  double time_budget_s = 300;
  // How the report's rerun line starts ("kvconform --differential
  // --target A --target B").
  std::string rerun_prefix;
};

// One step of the script, before keys get their per-target prefix.
struct DifferentialStep {
  std::string description;
  std::string body_template;  // Protobuf body with "\x01KEY\x01" where the key goes.
  std::string key;            // The unprefixed key (may be empty).
};

std::vector<DifferentialStep> make_differential_script(std::uint64_t seed, std::size_t steps);

// Runs the script against every target, prints the outcome to `out` and
// returns the report: one case, "differential", PASS when every response
// stream agrees with the first target's, FAIL at the first difference;
// the report is aborted (exit 2) when a target cannot be reached, and
// partial when the time budget is spent or a stop signal comes
// (engine/run_control.h).
boost::asio::awaitable<RunReport> differential_report(const DifferentialConfig& config,
                                                      std::FILE* out);

// differential_report()'s exit code: 0 when all response streams agree, 1
// on a difference, 2 if a target cannot be reached.
boost::asio::awaitable<int> run_differential(const DifferentialConfig& config, std::FILE* out);

}  // namespace kv
