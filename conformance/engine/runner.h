// The conformance run: starts the server (--exec), probes it, runs the
// selected cases, watches the server's health after every case, restarts
// or waits for it when it crashes or wedges, confirms every failure by
// rerunning it alone, names root causes, and assembles the report.
//
// The flow of one run:
//   1. --exec: start the server on a free port.
//   2. The start-up probe (startup_probe.h). Unreachable: the run is
//      aborted (exit 2). Unresponsive: no case can be judged; every case
//      is "not run" and the finding fails the run. Wrong answers: a
//      finding that fails the run; the cases run.
//   3. The main pass: the cases without `solo`, `jobs` at a time, then the
//      solo cases one by one, then the cases that stop the server on
//      purpose (`stops_server`, --exec only), one by one, each followed by
//      a restart of the server. After each case a liveness check
//      (liveness.h). When it fails, no new case starts, the cases still
//      running are stopped, and every case that ran since the server was
//      last seen healthy becomes a suspect; the server is restarted
//      (--exec) or given time to come back (--target). After
//      --max-restarts consecutive crashes or wedges the run stops early.
//   4. Confirmation: every failed case and every suspect is rerun alone,
//      under --exec against a fresh server (confirmation.h). A suspect
//      that brings the server down alone is the culprit; the others are
//      judged by their rerun. A crash that no case reproduces alone is a
//      run finding.
//   5. Root causes (root_causes.h) and the known-failing list.
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

namespace kv {

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
};

// What the console shows while the run goes on. Every member may be empty.
struct RunnerEvents {
  // A remark about the run: the server started, restarted, a finding.
  std::function<void(std::string_view)> note;
  // A case finished its first run (its verdict may still change).
  std::function<void(const CaseReport&, std::size_t done, std::size_t total)> case_done;
  // Confirmation starts for `count` cases.
  std::function<void(std::size_t count)> confirming;
  // A case's final verdict after its rerun.
  std::function<void(const CaseReport&, std::size_t done, std::size_t total)> case_confirmed;
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
  friend RunReport aborted_run_report(const RunnerConfig&, const std::vector<const CaseDef*>&,
                                      const std::string&);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kv
