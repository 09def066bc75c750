// Runs the client suite: for every selected case a scripted server on
// 127.0.0.1 and a fresh adapter process pointed at it, `jobs` cases at a
// time, each bounded in time; the adapter is always ended with its case.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/case_selection.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_run_options.h"

namespace kv {

struct ClientSuiteConfig {
  ClientRunOptions options;
  std::vector<std::string> exclude;  // --exclude globs: those cases are SKIP.
  KnownFailingList known_failing;
  int jobs = 4;
  // The start of every case's rerun line: "kvconform client --exec '...'"
  // plus any non-default options.
  std::string rerun_prefix;
};

using ClientCaseFinished =
    std::function<void(const CaseReport& report, std::size_t done, std::size_t total)>;

// Runs `cases` and returns their reports, in the order of `cases`.
boost::asio::awaitable<std::vector<CaseReport>> run_client_cases(
    const ClientSuiteConfig& config, const std::vector<const ClientCaseDef*>& cases,
    ClientCaseFinished on_finished);

}  // namespace kv
