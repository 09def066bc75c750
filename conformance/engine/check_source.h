// A source of checks: what the suite engine (suite_run.h) runs. The
// engine does everything around a check (scheduling, the server's
// health, confirmation, the known-failing list, SHOULD/LENIENT, root
// causes, the report); a source only says which checks it has and runs
// one when asked. The server cases (server_suite.h) and the client cases
// (conformance/client/client_runner.h) are sources; a new kind of check
// adds a source, not a runner.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"
#include "conformance/wire/wire_log.h"

namespace kv {

class Target;

// One check as the engine schedules and reports it.
struct CheckSpec {
  std::string id;  // "<rule>/<slug>", unique in the source.
  std::string rule;
  Level level = Level::kMust;
  std::string title;  // The requirement, in one line.
  // Why the check is SKIP in this run, or "" when it runs.
  std::string skip_reason;
  // Runs with no other check at the same time (its verdict depends on
  // timing).
  bool solo = false;
  // Stops the server on purpose (SPEC 12.5, 12.6): runs after every other
  // check, alone, and the engine starts the server again after it.
  bool stops_server = false;
  // The checks it relies on to judge its own rule (root_causes.h).
  std::vector<std::string> needs;
};

// What one run of a check is given.
struct CheckRun {
  int attempt = 0;  // 0 for the first run; 1 and up for reruns.
  // The run's options, with the endpoint of the server to use.
  const RunOptions& options;
  // The server under test; null when the source brings its own target
  // with every check (the client suite).
  Target* target = nullptr;
  WireLog& log;
  // Remarks for the check's report.
  std::vector<std::string>& notes;
};

class CheckSource {
 public:
  virtual ~CheckSource() = default;
  // Every check, in report order. Called once.
  virtual std::vector<CheckSpec> checks() const = 0;
  // Runs check `index` (of checks()) once and returns its verdict. A SKIP
  // verdict's `observed` says why. The engine bounds it in time.
  virtual boost::asio::awaitable<Verdict> run(std::size_t index, CheckRun& run) = 0;
};

}  // namespace kv
