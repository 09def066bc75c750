// Runs the selected cases against one target, `jobs` at a time, with a
// liveness check after each, and collects their reports.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "conformance/case_registry.h"
#include "conformance/case_result.h"
#include "conformance/case_selection.h"
#include "conformance/run_options.h"
#include "conformance/server_supervisor.h"

namespace kv {

struct RunnerConfig {
  RunOptions options;
  std::vector<std::string> exclude;  // --exclude globs.
  KnownFailingList known_failing;
  int jobs = 4;
  // Whether each case is followed by a put and a get on a fresh connection.
  // Off only when the target answers that very probe wrongly at start-up:
  // every case would then be blamed for it.
  bool check_liveness = true;
  // How the rerun line names the target: "--target H:P" or "--exec '...'",
  // plus any non-default options.
  std::string rerun_prefix;
};

// Called as each case finishes (for the console's progress lines).
using CaseFinished =
    std::function<void(const CaseReport& report, std::size_t done, std::size_t total)>;

class Runner {
 public:
  // `supervisor` is null unless the target was started with --exec.
  Runner(RunnerConfig config, ServerSupervisor* supervisor, CaseFinished on_finished);

  boost::asio::awaitable<std::vector<CaseReport>> run(const std::vector<const CaseDef*>& cases);

  // A put and a get of a liveness key on a fresh connection.
  static boost::asio::awaitable<Check> liveness_check(const RunOptions& options, WireLog& log,
                                                      std::string key);

 private:
  boost::asio::awaitable<CaseReport> run_one(const CaseDef& def);
  boost::asio::awaitable<Verdict> run_guarded(const CaseDef& def, CaseContext& ctx);
  boost::asio::awaitable<void> after_case(const CaseDef& def, CaseReport& report, WireLog& log,
                                          int crashes_before);
  void apply_known_failing(CaseReport& report) const;
  std::string skip_reason(const CaseDef& def) const;

  RunnerConfig config_;
  ServerSupervisor* supervisor_;
  CaseFinished on_finished_;
  std::vector<std::string> in_flight_;
  std::string restarting_note_;
  bool restarting_ = false;
  // Server crashes detected so far (--exec only).
  int crashes_ = 0;
};

}  // namespace kv
