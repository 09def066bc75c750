#include "conformance/engine/run_control.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "conformance/engine/case_result.h"

namespace kv {

namespace asio = boost::asio;

RunControl::RunControl(asio::any_io_executor executor, std::chrono::milliseconds budget)
    : budget_(budget),
      deadline_(budget.count() > 0 ? Clock::now() + budget : Clock::time_point::max()),
      timer_(executor) {
  timer_.expires_at(deadline_);
  arm();
}

void RunControl::arm() {
  if (deadline_ == Clock::time_point::max()) return;
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) stop_running(stop_reason());
  });
}

std::chrono::milliseconds RunControl::left() const {
  if (deadline_ == Clock::time_point::max()) return std::chrono::milliseconds::max();
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

bool RunControl::budget_spent() const {
  return Clock::now() >= deadline_;
}

void RunControl::interrupt(int signal) {
  if (signal_ != 0) return;
  signal_ = signal;
  stop_running(stop_reason());
  // Wakes every until_stopped().
  timer_.cancel();
}

std::string RunControl::stop_cause() const {
  if (signal_ != 0) return fmt::format("kvconform was interrupted by {}", signal_name(signal_));
  if (budget_spent()) {
    return fmt::format("the time budget of {:g} s (--time-budget-s) was spent",
                       static_cast<double>(budget_.count()) / 1000.0);
  }
  return {};
}

std::string RunControl::stop_reason() const {
  const std::string cause = stop_cause();
  return cause.empty() ? cause : "not run: " + cause;
}

void RunControl::add_running(const void* key, RunningCheck& check) {
  running_[key] = &check;
  // A check that starts after the stop is stopped at once.
  if (stopping()) stop_running(stop_reason());
}

void RunControl::remove_running(const void* key) {
  running_.erase(key);
}

void RunControl::stop_running(const std::string& reason) {
  for (auto& [key, check] : running_) {
    if (check->stopped_because.empty()) check->stopped_because = reason;
    // Expiring the timer (rather than cancelling it) also ends a wait
    // that starts only after this call.
    if (check->stop != nullptr) check->stop->expires_at(Clock::time_point::min());
  }
}

asio::awaitable<void> RunControl::until_stopped() {
  // One wait: the timer expires with the budget, interrupt() cancels it,
  // and when a wait combined with `||` ends first, this one is cancelled.
  if (stopping()) co_return;
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace kv
