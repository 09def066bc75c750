// Runs one explore program against a server over real connections
// (WireSession), has every response judged by the spec model, and after
// the last step drains every connection, reads back every key on a fresh
// connection, checks each key's history for linearizability and checks
// that the server still serves new connections (SPEC 7.2).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/engine/liveness.h"
#include "conformance/explore/explore_statistics.h"
#include "conformance/explore/program.h"
#include "conformance/explore/spec_model.h"
#include "conformance/engine/run_options.h"
#include "conformance/wire/wire_log.h"

namespace kv {

class Target;

struct ExecutorConfig {
  RunOptions options;      // Endpoint, profile, maximum LEN, timeouts.
  // Goes before every logical key: a tag no other run of any program uses
  // (KeyNamespaces::next), so the keys holding it are the program's own
  // (key_space.h). Must not be empty.
  std::string key_prefix;
  bool strict = false;     // Judge SHOULD rules too (SPEC 4.5).
  // The server under test, for a step that acts on the server itself: a
  // "terminate" step signals it and starts it again through
  // Target::terminate() (engine/target.h), which needs --exec
  // (Target::started_here()). Null where there is no such server (tests).
  Target* target = nullptr;
};

struct ProgramRun {
  std::optional<ExploreFailure> failure;
  // The liveness check after the program failed: the server crashed or
  // wedged (the failure is then SPEC 7.2).
  bool server_down = false;
  // The liveness check after the program (SPEC 7.2): its outcome and round
  // trip, which explore also keeps as the server's health over the run.
  Liveness liveness;
  std::vector<WireEntry> wire_log;
  std::size_t steps = 0;        // Steps executed.
  std::size_t connections = 0;  // Connections opened.
  std::size_t requests = 0;     // Request frames sent.
  double duration_ms = 0;
  // What the run tried and where its time went (explore_statistics.h).
  ExploreStatistics stats;
};

boost::asio::awaitable<ProgramRun> run_program(const Program& program,
                                               const ExecutorConfig& config);

}  // namespace kv
