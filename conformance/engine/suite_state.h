// The state a suite run shares among its parts (suite_run.h): the checks
// and what is known about each, and one run of one check. Internal to the
// engine: suite_run.cc, death_watch.cc and confirmation.cc use it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/engine/check_source.h"
#include "conformance/engine/liveness.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/run_statistics.h"
#include "conformance/engine/suite_run.h"
#include "conformance/engine/target.h"

namespace kv {

// One check and what is known about it.
struct CheckSlot {
  CheckSpec spec;
  CaseReport report;
  // It has a report of its own (a verdict, SKIP or "not run").
  bool reported = false;
  // Its first run overlapped a crash or wedge, or was followed by one: the
  // first verdict is void until a rerun alone judges it.
  bool suspect = false;
  std::chrono::steady_clock::time_point finished;
};

// What one run of a check produced.
struct CheckOutcome {
  CaseReport report;
  // Stopped because the server stopped answering (a death).
  bool interrupted = false;
  // Stopped because the run stops (time budget, signal): the reason.
  std::string stopped;
  // The liveness check after it, when one ran.
  std::optional<Liveness> liveness;
  // The target's incarnation (Target::generation()) it ran against.
  int generation = 0;
};

class SuiteState {
 public:
  SuiteState(CheckSource& source, Target* target, SuiteSettings settings, RunControl& control,
             RunnerEvents events);

  CheckSource& source;
  Target* target;
  SuiteSettings settings;
  RunControl& control;
  RunnerEvents events;
  std::vector<CheckSlot> slots;
  // First runs done, for progress.
  std::size_t done = 0;
  // True while the server is being recovered after a death: no check
  // starts and no liveness check runs.
  bool recovering = false;
  // Counters of the run's statistics ("suite" group).
  StatGroup counters;
  // Remarks about the run as a whole (RunReport::notes): a changed port.
  std::vector<std::string> run_notes;

  void note(const std::string& text) const;
  // The report of slot `i` with no verdict yet.
  CaseReport blank(std::size_t i) const;
  // Gives slot `i` its first-run report and tells the console.
  void finish_first_run(std::size_t i);
  // Slot `i` is ERROR "not run" for `reason`.
  void mark_not_run(std::size_t i, const std::string& reason);
  // The outer bound of one run of a check.
  std::chrono::milliseconds check_deadline() const;

  // Runs slot `i` once (attempt 0: the main pass; 1: a rerun) against
  // `server` (may be null), then, for a check that stops the server,
  // starts it again, and, if `check_health` and the run still goes on,
  // checks liveness.
  boost::asio::awaitable<CheckOutcome> execute(std::size_t i, int attempt, Target* server,
                                               bool check_health);

 private:
  boost::asio::awaitable<void> restart_after_deliberate_stop(Target& server, WireLog& log,
                                                             CaseReport& report);
};

// Runs `body(worker)` for worker = 0 .. count-1 side by side and waits
// for all of them; an exception of one is rethrown.
boost::asio::awaitable<void> run_workers(int count,
                                         std::function<boost::asio::awaitable<void>(int)> body);

// The three batches of a pass, in the order they run: the checks that may
// run together (`jobs` at a time), the solo ones (one at a time, as every
// check under --isolate), and last, one at a time, the checks that stop
// the server: nothing else may run while the server is told to stop.
struct Batches {
  std::vector<std::size_t> together, alone, last;
  std::size_t size() const { return together.size() + alone.size() + last.size(); }
};
Batches make_batches(const std::vector<CheckSlot>& slots, bool isolated,
                     const std::function<bool(const CheckSlot&)>& take);

}  // namespace kv
