// Client exploration (`kvconform client --exec CMD --explore`) and the
// replay of a saved client script (`kvconform replay FILE --exec CMD`).
//
// Exploration generates client programs (client_program_generator.h),
// plays each against a fresh adapter and scripted server
// (client_program_runner.h) and judges every result by the model, until
// the budget is spent or a failure is confirmed: rerun, shrunk
// (client_shrinker.h) and the smallest failing program rerun three times.
// The result is a RunReport with one case, "client-explore", whose notes
// hold the statistics of the run and, for a failure, the minimal program;
// that program is also printed as a JSON script (client_script.h), which
// `kvconform replay` runs again with its wire log.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "conformance/client/client_run_options.h"
#include "conformance/engine/case_result.h"

namespace kv {

struct ClientExploreConfig {
  ClientRunOptions options;  // The adapter command, client timeout and maximum LEN, seed.
  double budget_s = 60;
  double shrink_budget_s = 120;
  int max_steps = 12;
  // The whole run's budget (--time-budget-s); 0: budget_s +
  // shrink_budget_s + kExploreBudgetMargin, as for kvconform explore.
  double time_budget_s = 0;
  std::string replay;        // replay FILE: a client script.
  std::string save_script;   // Where to write the minimal failing program's script.
  std::string rerun_prefix;  // "kvconform client --exec '...'" plus options.
  // "kvconform replay --exec '...'" plus options: a script's replay line
  // is this prefix and the file.
  std::string replay_prefix;
  bool progress = false;     // A progress line (stdout is a terminal).
};

// Explores; prints progress, the statistics, and any failure with its
// minimal program. exit_code() of the report: 0 nothing found within the
// budget, 1 a confirmed failure (or FLAKY: one that did not come back), 2
// the adapter command is not usable.
boost::asio::awaitable<RunReport> explore_client(ClientExploreConfig config);

// Runs the script `config.replay` once and prints its wire log.
// exit_code(): 0 the program passes, 1 it fails, 2 the script cannot be
// read.
boost::asio::awaitable<RunReport> replay_client_script(ClientExploreConfig config);

}  // namespace kv
