// The suite engine: runs the checks of a source (check_source.h) against
// the server under test (target.h), or against the targets the source
// brings itself (the client suite). One engine for every suite:
//  1. The main pass: the checks without `solo`, `jobs` at a time, then the
//     solo ones one by one, then those that stop the server on purpose,
//     one by one, each followed by a restart of the server. With a target,
//     a liveness check follows every check (death_watch.h): when it fails,
//     no new check starts, the checks still running are stopped, every
//     check run since the server was last seen healthy becomes a suspect,
//     and the server is restarted (--exec) or given time to come back.
//  2. Confirmation (confirmation.h): every failure and every suspect is
//     rerun alone, under --exec against a fresh server; a failure that
//     passes alone is FLAKY.
// Every wait is bounded by the run's RunControl: once the time budget is
// spent or a stop signal came, no check starts, those running are stopped
// and every check without a verdict is "not run" for that reason.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/check_source.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/target.h"

namespace kv {

// What the console shows while a suite runs. Every member may be empty.
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

// How a suite is run; the defaults are kvconform's.
struct SuiteSettings {
  // The run's options; with a target, its endpoint is the target's.
  RunOptions options;
  // Checks run at once in the main pass.
  int jobs = 4;
  // Consecutive crashes or wedges after which the run stops early.
  int max_restarts = 3;
  // Every check against a fresh server (--exec only), one at a time.
  bool isolate = false;
  // Rerun every failure alone before reporting it.
  bool confirm = true;
  // The start of every check's rerun line (verdicts.h's rerun_line()).
  std::string rerun_prefix;
  // The outer bound of one run of a check, before --timeout-scale.
  std::chrono::milliseconds check_deadline{120000};
};

class SuiteRun {
 public:
  // `target` may be null: the source brings a target with every check,
  // and no liveness check runs. Everything given must outlive the run.
  SuiteRun(CheckSource& source, Target* target, SuiteSettings settings, RunControl& control,
           RunnerEvents events);
  ~SuiteRun();
  SuiteRun(const SuiteRun&) = delete;
  SuiteRun& operator=(const SuiteRun&) = delete;

  // The main pass, then confirmation.
  boost::asio::awaitable<void> run();

  // Marks every check without a verdict "not run" for `reason`.
  void not_run_rest(const std::string& reason);
  // The checks' reports, in the source's order; then the run's findings
  // about crashes and wedges no check reproduced alone, and the run's
  // statistics, are added to `report`.
  void report_into(RunReport& report);

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace kv
