// Crashes and wedges during a suite's main pass. After every check a
// liveness check runs (suite_state.h); when it fails, the server "died":
// no new check starts, the checks still running are stopped, every check
// run since the server was last seen healthy becomes a suspect (to be
// rerun alone by confirmation.h), and the server is restarted (--exec) or
// given time to come back (--target). After --max-restarts consecutive
// deaths, or when the server cannot be brought back, the run stops early.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/suite_state.h"

namespace kv {

// A crash or wedge seen during the main pass.
struct Death {
  std::string what;                      // "was killed by signal 6 (SIGABRT)", ...
  bool process_exited = false;           // A crash (--exec), not a wedge.
  std::vector<std::size_t> cases;        // The suspects: slots that may have caused it.
  bool reproduced = false;               // Some suspect brought the server down alone.
  std::vector<std::size_t> reproducers;  // The suspects that did.
};

class DeathWatch {
 public:
  explicit DeathWatch(SuiteState& state) : state_(state) {}

  // Slot `i` starts its first run.
  void started(std::size_t i) { since_healthy_.insert(i); }
  // The liveness check after slot `i` (which started at `check_start`)
  // passed: it, and every check that ended before it started, is cleared.
  void healthy_after(std::size_t i, std::chrono::steady_clock::time_point check_start);
  // The server stopped answering after slot `trigger`'s check, as
  // `problem` says. Stops the checks still running, marks the suspects and
  // recovers the server (or sets stop_reason()).
  boost::asio::awaitable<void> died(std::size_t trigger, const std::string& problem);
  // A rerun of slot `i` alone brought the server down: the deaths it was a
  // suspect of are reproduced.
  void reproduced_by(std::size_t i);

  // Non-empty once no new check may start because of the server: the
  // "not run" reason.
  const std::string& stop_reason() const { return stop_reason_; }
  const std::vector<Death>& deaths() const { return deaths_; }
  // Findings about the run: the deaths no suspect reproduced alone, every
  // wedge (reproduced or not), and an early stop. A crash cites SPEC 7.2
  // (an input brought the server down); a server that stopped accepting or
  // answering new connections while it ran cites 7.1, whatever check was
  // running, as a root cause beside the check that reproduced it.
  std::vector<Finding> findings(bool confirmed) const;

 private:
  SuiteState& state_;
  // Slots run since the server was last seen healthy after them.
  std::set<std::size_t> since_healthy_;
  std::vector<Death> deaths_;
  int consecutive_ = 0;
  std::string stop_reason_;
};

}  // namespace kv
