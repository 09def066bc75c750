// When a run must stop before its checks are done, and the means to stop
// the checks that are running. Two things stop a run early:
//  * the run-wide time budget (--time-budget-s): once it is spent no new
//    check starts, the checks running are stopped, and every check without
//    a verdict is ERROR "not run: time budget spent";
//  * a first SIGTERM, SIGINT or SIGHUP (interrupts.h): the same at once,
//    and the run's exit code says it was interrupted.
// Either way the run goes on to write its reports. Every wait of the
// engine that can last (a check, a restart, a recovery, a confirmation
// rerun) is bounded by RunControl, so a run ends within its budget plus
// the time to stop a check and write the reports.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kv {

// A check that is running and may be stopped before it ends.
struct RunningCheck {
  // Expiring it ends the check with the verdict of `stopped_because`.
  boost::asio::steady_timer* stop = nullptr;
  // Why the check was stopped, once it was ("" while it runs on).
  std::string stopped_because;
};

class RunControl {
 public:
  using Clock = std::chrono::steady_clock;

  // `budget` of zero or less: no budget.
  RunControl(boost::asio::any_io_executor executor, std::chrono::milliseconds budget);
  RunControl(const RunControl&) = delete;
  RunControl& operator=(const RunControl&) = delete;

  // The budget as given, and when it is spent (time_point::max() if none).
  std::chrono::milliseconds budget() const { return budget_; }
  Clock::time_point deadline() const { return deadline_; }
  // The time left, never negative; a long wait is cut to it.
  std::chrono::milliseconds left() const;

  // Called once for the first stop signal (interrupts.h).
  void interrupt(int signal);
  // The signal that interrupted the run, or 0.
  int interrupted_by() const { return signal_; }
  bool budget_spent() const;
  // True once no new check may start (budget spent or interrupted).
  bool stopping() const { return signal_ != 0 || budget_spent(); }
  // Why the run stops early, for checks without a verdict: "not run: the
  // time budget of 300 s (--time-budget-s) was spent", "not run:
  // kvconform was interrupted by SIGTERM"; "" while the run goes on.
  std::string stop_reason() const;
  // The same without "not run: " ("the time budget of 300 s
  // (--time-budget-s) was spent"), for notes; "" while the run goes on.
  std::string stop_cause() const;

  // Registers a running check: stop_running() and the end of the budget
  // cancel its timer. Unregister it before its timer goes away.
  void add_running(const void* key, RunningCheck& check);
  void remove_running(const void* key);
  // Stops every running check for `reason`.
  void stop_running(const std::string& reason);
  // How many checks are registered as running.
  std::size_t running() const { return running_.size(); }

  // Waits until the run must stop (returns at once if it must already).
  // Combine it with `||` to bound a wait by the budget and the signals.
  boost::asio::awaitable<void> until_stopped();

 private:
  void arm();

  std::chrono::milliseconds budget_;
  Clock::time_point deadline_;
  int signal_ = 0;
  boost::asio::steady_timer timer_;
  std::map<const void*, RunningCheck*> running_;
};

}  // namespace kv
