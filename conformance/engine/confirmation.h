// Confirmation: a failure is reported only after the case failed again
// when rerun alone (a fresh connection, and under --exec a fresh server).
// This file holds the rule that turns the two runs into one verdict, and
// the confirmation pass of a suite run that applies it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/death_watch.h"
#include "conformance/engine/suite_state.h"

namespace kv {

// How the first run of a case ended, as the runner saw it.
enum class FirstRun {
  kValid,       // The server was healthy before and after it.
  kOverlapped,  // The server crashed or stopped answering while it ran
                // (maybe because of another case): its verdict is void.
};

// The verdict of a case from its first run and its rerun alone:
// - first run void (kOverlapped): the rerun's verdict;
// - both failed: the rerun's verdict and details (reproducible with the
//   rerun line), or the first's if the rerun is only an ERROR;
// - the first failed and the rerun passed: FLAKY (a SHOULD case:
//   LENIENT), with the first run's details: never a pass;
// - the first passed: the first (a passing case is rerun only when void).
// Every run is listed in `runs`, and a note says how the verdict was reached.
CaseReport merge_confirmation(CaseReport first, CaseReport rerun, FirstRun how);

// The confirmation pass of a suite run: every failure and every suspect
// is rerun, in the batches of the main pass. Under --exec each rerun gets a
// fresh server, and `jobs` reruns run side by side, each with a server of
// its own; against a --target server, or without a target, they run one
// at a time. A suspect whose rerun brings the server down alone is the
// culprit (SPEC 7.2); a rerun that cannot run (the server cannot be
// restarted, the run stops) leaves the first verdict with a note.
class ConfirmationPass {
 public:
  ConfirmationPass(SuiteState& state, DeathWatch& deaths) : state_(state), deaths_(deaths) {}
  boost::asio::awaitable<void> run();

 private:
  boost::asio::awaitable<void> batch(const std::vector<std::size_t>& list, int workers);
  boost::asio::awaitable<void> worker(const std::vector<std::size_t>& list, std::size_t& next,
                                      Target* server);
  // "" when `server` is ready for a rerun, or why no rerun is possible.
  boost::asio::awaitable<std::string> prepare(Target* server);
  boost::asio::awaitable<void> rerun(std::size_t i, Target* server);
  // The verdict of a rerun that brought the server down alone.
  void blame(CaseReport& rerun, const std::string& what, bool crashed) const;
  void leave_unconfirmed(std::size_t i, const std::string& why);

  SuiteState& state_;
  DeathWatch& deaths_;
  std::vector<std::unique_ptr<Target>> spares_;
  std::size_t confirmed_ = 0;
  std::size_t total_ = 0;
  int consecutive_deaths_ = 0;
  // Why no further rerun is possible, once set.
  std::string cannot_confirm_;
};

}  // namespace kv
