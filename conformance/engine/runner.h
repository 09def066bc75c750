// The conformance run of the server suite: starts the server (--exec),
// probes it, runs the selected cases through the suite engine
// (suite_run.h, with the cases as a source: server_suite.h), and
// assembles the report. Every path out of run() returns a report: a run
// that could not start (report.aborted), one whose time budget was spent
// or that a stop signal interrupted (run_control.h, interrupts.h) has
// every case without a verdict "not run", and the server kvconform
// started is stopped.
//
// The flow of one run:
//   1. --exec: start the server on a free port.
//   2. The start-up probe (startup_probe.h). Unreachable: the run is
//      aborted (exit 2). Unresponsive: no case can be judged; every case
//      is "not run" and the finding fails the run. Wrong answers: a
//      finding that fails the run; the cases run.
//   3. The main pass and the confirmation of the suite engine
//      (suite_run.h), bounded by --time-budget-s.
//   4. Findings about the run as a whole (blame.h): crashes and wedges no
//      case reproduced alone, a server that got slower as the run went on.
//   5. Root causes, the known-failing list and the counts (verdicts.h).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/cases/case_registry.h"
#include "conformance/engine/case_result.h"
#include "conformance/engine/case_selection.h"
#include "conformance/engine/run_options.h"
#include "conformance/engine/suite_run.h"

namespace kv {

// The default run-wide time budget of a suite run, in seconds.
inline constexpr double kDefaultTimeBudgetS = 300;

struct RunnerConfig {
  // For --target, options.endpoint is the target; --exec sets it.
  RunOptions options;
  std::string target_name;           // How reports name a --target target.
  std::string profile_name;          // "concurrent" or "sequential".
  std::string exec_command;          // Non-empty: --exec, with {port}.
  std::vector<std::string> exclude;  // --exclude globs.
  KnownFailingList known_failing;
  int jobs = 4;
  // Consecutive crashes or wedges after which the run stops early.
  int max_restarts = 3;
  // Every case against a fresh server (--exec only), one at a time.
  bool isolate = false;
  // Rerun every failure alone before reporting it.
  bool confirm = true;
  bool strict = false;
  // How the rerun line names the target: "kvconform --target H:P" or
  // "kvconform --exec '...'", plus any non-default options.
  std::string rerun_prefix;
  // The run-wide time budget (--time-budget-s); 0: none. When it is spent
  // the cases not yet run are ERROR "not run: ... time budget ...".
  double time_budget_s = kDefaultTimeBudgetS;
};

// The report of a run that could not start (an error found after the
// command line was parsed: no case selected, an unreadable file, a target
// that does not resolve): every case is "not run" for `reason`, and the
// report exits 2. Report files are written for it like for any run.
RunReport aborted_run_report(const RunnerConfig& config, const std::vector<const CaseDef*>& cases,
                             const std::string& reason);

class Runner {
 public:
  Runner(RunnerConfig config, RunnerEvents events);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Runs `cases` (in registry order) and returns the report. Always
  // returns one: report.aborted says why a run could not be done.
  boost::asio::awaitable<RunReport> run(const std::vector<const CaseDef*>& cases);

 private:
  RunnerConfig config_;
  RunnerEvents events_;
};

}  // namespace kv
