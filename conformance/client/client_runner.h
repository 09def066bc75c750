// The client cases (SPEC 13) as a source of checks for the suite engine
// (conformance/engine/suite_run.h): for every case a scripted server on
// 127.0.0.1 and a fresh adapter process pointed at it; the adapter is
// always ended with its case. The engine schedules them (`jobs` at a
// time), bounds them in time, confirms failures by a rerun alone, and
// applies the known-failing list and SHOULD/LENIENT.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "conformance/client/client_case.h"
#include "conformance/client/client_run_options.h"
#include "conformance/engine/case_selection.h"
#include "conformance/engine/check_source.h"
#include "conformance/engine/runner.h"

namespace kv {

struct ClientSuiteConfig {
  ClientRunOptions options;
  std::vector<std::string> exclude;  // --exclude globs: those cases are SKIP.
  KnownFailingList known_failing;
  int jobs = 4;
  // Rerun every failure alone before reporting it.
  bool confirm = true;
  // The run-wide time budget (--time-budget-s); 0: none.
  double time_budget_s = kDefaultTimeBudgetS;
  // The start of every case's rerun line: "kvconform client --exec '...'"
  // plus any non-default options.
  std::string rerun_prefix;
};

class ClientCaseSource : public CheckSource {
 public:
  // `config` and `cases` must outlive the source.
  ClientCaseSource(const ClientSuiteConfig& config, std::vector<const ClientCaseDef*> cases);

  std::vector<CheckSpec> checks() const override;
  boost::asio::awaitable<Verdict> run(std::size_t index, CheckRun& run) override;

 private:
  const ClientSuiteConfig& config_;
  std::vector<const ClientCaseDef*> cases_;
};

}  // namespace kv
