// One run of one check, guarded: bounded by its own outer deadline and by
// the run's stop (run_control.h), with an exception of the harness turned
// into an ERROR verdict. Every mode runs its checks through it: a server
// case, a client case, an explore program.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_control.h"

namespace kv {

struct GuardedVerdict {
  Verdict verdict;
  // Why the check was stopped before it ended (RunControl::stop_running()
  // or the run's stop), or "" when it ended by itself or overran
  // `deadline` (then the verdict is an ERROR saying so).
  std::string stopped_because;
};

// Runs `check` until it ends, `deadline` passes, or `control` stops it.
boost::asio::awaitable<GuardedVerdict> run_guarded(
    std::function<boost::asio::awaitable<Verdict>()> check, std::chrono::milliseconds deadline,
    RunControl& control);

}  // namespace kv
