// kvconform explore and kvconform replay: the entry points the CLI
// (conformance/cli/explore_command.cc) calls.
//
// explore generates random programs (program_generator.h), runs each
// against the server (program_executor.h) and judges it by the spec's
// model (spec_model.h) until the budget is spent or a failure is
// confirmed: rerun on a fresh server (--exec), shrunk (shrinker.h) and
// the smallest failing program repeated. The result is a RunReport with
// one case, "explore", so --json, --junit and --html work as for the
// suite; the minimal program is printed as steps and as a JSON script
// (program_script.h) that `kvconform replay` runs again.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"

namespace kv {

struct ExploreConfig {
  RunOptions options;        // Endpoint (--target), profile, maximum LEN, timeouts, seed.
  std::string target_name;   // --target HOST:PORT as given.
  std::string exec_command;  // --exec, with {port}; "" for --target.
  // "kvconform explore --exec '...'" plus the options that differ from
  // their defaults: explore's rerun line adds --seed and --budget-s.
  std::string rerun_prefix;
  // "kvconform replay --exec '...'" plus options: a script's replay line
  // adds the script's file name.
  std::string replay_prefix;
  double budget_s = 60;  // --budget-s.
  double shrink_budget_s = 120;
  int connections = 3;      // --connections.
  int max_steps = 30;       // --max-steps.
  bool strict = false;      // SHOULD rules count (SPEC 4.5).
  std::string replay;       // replay: the script file.
  std::string save_script;  // --save-script FILE: the minimal failing program.
  bool progress = false;    // A progress line (stdout is a terminal).
  // The run-wide time budget in seconds (--time-budget-s); 0: the budget
  // to explore and to shrink plus kExploreBudgetMargin.
  double time_budget_s = 0;

  // The run-wide budget: exploring, shrinking and confirming together
  // stop when it is spent, and so does a stop signal (run_control.h).
  std::chrono::milliseconds run_budget() const;
};

// What the default run budget of explore allows beyond --budget-s and
// --shrink-budget-s: the reruns that confirm a failure.
inline constexpr double kExploreBudgetMargin = 120;

inline std::chrono::milliseconds ExploreConfig::run_budget() const {
  const double seconds =
      time_budget_s > 0 ? time_budget_s : budget_s + shrink_budget_s + kExploreBudgetMargin;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// Runs explore: prints progress, the failure and its minimal program,
// and returns the report (one case, "explore"). Its exit_code() is 0 when
// nothing was found within the budget, 1 for a confirmed failure (or one
// that did not happen again: FLAKY), 2 when the target is unreachable.
boost::asio::awaitable<RunReport> explore_server(ExploreConfig config);

// Runs replay FILE once, prints its wire log and returns the report (one
// case, "explore/replay"): exit_code() 0 if the program passes, 1 if it
// fails, 2 if the script cannot be read or the target is unreachable.
boost::asio::awaitable<RunReport> replay_script(ExploreConfig config);

}  // namespace kv
