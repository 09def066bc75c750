#include "conformance/engine/death_watch.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include "conformance/cases/case_helpers.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

void DeathWatch::healthy_after(std::size_t i, std::chrono::steady_clock::time_point check_start) {
  consecutive_ = 0;
  for (auto it = since_healthy_.begin(); it != since_healthy_.end();) {
    const CheckSlot& slot = state_.slots[*it];
    const bool cleared = *it == i || (slot.finished != std::chrono::steady_clock::time_point() &&
                                      slot.finished < check_start);
    it = cleared ? since_healthy_.erase(it) : std::next(it);
  }
}

asio::awaitable<void> DeathWatch::died(std::size_t trigger, const std::string& problem) {
  state_.slots[trigger].suspect = true;
  if (state_.recovering) co_return;  // Another check is recovering it already.
  state_.recovering = true;
  state_.control.stop_running("the server stopped answering");
  while (state_.control.running() > 0) co_await pause(std::chrono::milliseconds(10));
  const Target::DeathDescription description = co_await state_.target->describe_death(problem);
  Death death{description.what, description.process_exited, {}, false};
  since_healthy_.insert(trigger);
  for (const std::size_t i : since_healthy_) {
    state_.slots[i].suspect = true;
    death.cases.push_back(i);
  }
  since_healthy_.clear();
  std::vector<std::string> ids;
  for (const std::size_t i : death.cases) ids.push_back(state_.slots[i].spec.id);
  state_.note(fmt::format("the server {} (cases run since it was last seen healthy: {})",
                          death.what, fmt::join(ids, ", ")));
  deaths_.push_back(std::move(death));
  ++consecutive_;
  const int max_restarts = state_.settings.max_restarts;
  if (consecutive_ > max_restarts) {
    stop_reason_ = fmt::format(
        "not run: the server crashed or stopped answering {} times in a row (--max-restarts "
        "{}), so the run stopped early",
        consecutive_, max_restarts);
  } else {
    std::string port_note;
    auto recovered = co_await (state_.target->recover(port_note) || state_.control.until_stopped());
    state_.counters.add("server restarts", state_.target->started_here() ? 1 : 0);
    if (!port_note.empty()) {
      state_.run_notes.push_back(port_note);
      state_.note(port_note);
    }
    if (recovered.index() == 0 && !std::get<0>(recovered).empty()) {
      stop_reason_ = "not run: " + std::get<0>(recovered);
    } else if (recovered.index() == 0 && state_.target->started_here()) {
      state_.note("restarted: " + state_.target->name());
    }
  }
  state_.recovering = false;
}

void DeathWatch::reproduced_by(std::size_t i) {
  for (Death& death : deaths_) {
    if (std::find(death.cases.begin(), death.cases.end(), i) != death.cases.end()) {
      death.reproduced = true;
      death.reproducers.push_back(i);
    }
  }
}

std::vector<Finding> DeathWatch::findings(bool confirmed) const {
  std::vector<Finding> out;
  const auto ids_of = [this](const std::vector<std::size_t>& slots) {
    std::vector<std::string> ids;
    for (const std::size_t i : slots) ids.push_back(state_.slots[i].spec.id);
    return ids;
  };
  for (const Death& death : deaths_) {
    const std::vector<std::string> ids = ids_of(death.cases);
    if (death.reproduced && !death.process_exited) {
      out.push_back(
          {kLivenessRule,
           fmt::format("the server stopped answering new connections after {} (again when it "
                       "ran alone)",
                       state_.slots[death.reproducers.front()].spec.id),
           fmt::format("during the run the server {} after these cases ran: {}; rerun alone, {} "
                       "brought it down again. A server must go on accepting and serving new "
                       "connections for as long as it runs, whatever a case sent",
                       death.what, fmt::join(ids, ", "),
                       fmt::join(ids_of(death.reproducers), ", ")),
           {}});
    }
    if (death.reproduced || !confirmed) continue;
    out.push_back(
        {death.process_exited ? kCrashRule : kLivenessRule,
         death.process_exited
             ? "the server crashed, and no case reproduced it alone"
             : "the server stopped answering new connections, and no case reproduced it alone",
         fmt::format("during the run the server {} after these cases ran: {}; none of them "
                     "brought it down when rerun alone, so the defect depends on timing, on "
                     "cases running together or on how many connections came before",
                     death.what, fmt::join(ids, ", ")),
         {}});
  }
  if (!stop_reason_.empty()) {
    const bool crashed = !deaths_.empty() && deaths_.back().process_exited;
    out.push_back(
        {crashed ? kCrashRule : kLivenessRule, "the run stopped early", stop_reason_, {}});
  }
  return out;
}

}  // namespace kv
