#include "conformance/engine/confirmation.h"

#include <fmt/format.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace kv {

namespace {

// Takes the verdict and evidence of `from` into `to`.
void take_verdict(CaseReport& to, CaseReport&& from) {
  to.result = from.result;
  to.expected = std::move(from.expected);
  to.observed = std::move(from.observed);
  to.wire_log = std::move(from.wire_log);
  to.duration_ms = from.duration_ms;
  for (std::string& note : from.notes) to.notes.push_back(std::move(note));
}

}  // namespace

CaseReport merge_confirmation(CaseReport first, CaseReport rerun, FirstRun how) {
  std::vector<RunOutcome> runs = {{first.result, first.observed}, {rerun.result, rerun.observed}};
  CaseReport out = first;
  out.notes.clear();
  out.runs = std::move(runs);
  if (how == FirstRun::kOverlapped) {
    take_verdict(out, std::move(rerun));
    out.notes.push_back(
        "the server crashed or stopped answering while this case's first run was under way; "
        "the verdict is that of a rerun alone");
    return out;
  }
  if (!is_failure(first.result)) return first;
  if (is_failure(rerun.result)) {
    if (rerun.result == Result::kError && first.result != Result::kError) {
      out.notes = std::move(first.notes);
    } else {
      take_verdict(out, std::move(rerun));
    }
    out.notes.push_back("confirmed: the case failed again when rerun alone");
    return out;
  }
  out.notes = std::move(first.notes);
  out.result = first.level == Level::kShould ? Result::kLenient : Result::kFlaky;
  out.observed = fmt::format("{} — but the case passed when rerun alone", first.observed);
  out.notes.push_back(fmt::format(
      "flaky: {} in the full run, PASS when rerun alone; the server's behaviour depends on "
      "timing or on what ran beside it",
      result_name(first.result)));
  return out;
}

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

asio::awaitable<void> ConfirmationPass::run() {
  const Batches b = make_batches(state_.slots, false, [](const CheckSlot& s) {
    return !s.report.not_run && (s.suspect || is_failure(s.report.result));
  });
  total_ = b.size();
  if (total_ == 0) co_return;
  const std::string why = state_.control.stop_cause();
  if (!state_.settings.confirm || !why.empty()) {
    for (const auto* list : {&b.together, &b.alone, &b.last}) {
      for (const std::size_t i : *list) {
        if (why.empty()) {
          state_.slots[i].report.notes.push_back("not confirmed by a rerun (--no-confirm)");
        } else {
          leave_unconfirmed(i, why);
        }
      }
    }
    co_return;
  }
  if (state_.events.confirming) state_.events.confirming(total_);
  // Without a target of the run's own, every check brings its own: the
  // reruns still run one at a time, so that each runs alone.
  const bool fresh_servers = state_.target != nullptr && state_.target->started_here();
  co_await batch(b.together, fresh_servers ? state_.settings.jobs : 1);
  co_await batch(b.alone, 1);
  co_await batch(b.last, 1);
  for (auto& spare : spares_) spare->stop();
}

asio::awaitable<void> ConfirmationPass::batch(const std::vector<std::size_t>& list, int workers) {
  if (list.empty()) co_return;
  std::size_t next = 0;
  Target* main = state_.target;
  if (main == nullptr || !main->started_here()) {
    co_await worker(list, next, main);
    co_return;
  }
  const int count = std::max(1, std::min<int>(workers, static_cast<int>(list.size())));
  while (static_cast<int>(spares_.size()) + 1 < count) spares_.push_back(main->spare());
  co_await run_workers(count, [this, &list, &next, main](int w) {
    return worker(list, next, w == 0 ? main : spares_[static_cast<std::size_t>(w) - 1].get());
  });
}

asio::awaitable<std::string> ConfirmationPass::prepare(Target* server) {
  if (server == nullptr) co_return std::string();
  if (server->started_here()) {
    std::string port_note;
    auto restarted = co_await (server->restart(port_note) || state_.control.until_stopped());
    state_.counters.add("server restarts");
    if (restarted.index() == 1) co_return state_.control.stop_cause();
    const std::string& error = std::get<0>(restarted);
    co_return error.empty() ? std::string() : "the server could not be restarted: " + error;
  }
  WireLog log;
  auto checked =
      co_await (server->check_liveness(log, "liveness/confirm") || state_.control.until_stopped());
  if (checked.index() == 1) co_return state_.control.stop_cause();
  const Liveness& alive = std::get<0>(checked);
  co_return alive.alive ? std::string() : "the server is not answering: " + alive.problem;
}

asio::awaitable<void> ConfirmationPass::worker(const std::vector<std::size_t>& list,
                                               std::size_t& next, Target* server) {
  while (next < list.size()) {
    const std::size_t i = list[next++];
    if (cannot_confirm_.empty() && state_.control.stopping()) {
      cannot_confirm_ = state_.control.stop_cause();
    }
    if (cannot_confirm_.empty()) {
      const std::string error = co_await prepare(server);
      if (!error.empty() && cannot_confirm_.empty()) cannot_confirm_ = error;
    }
    if (!cannot_confirm_.empty()) {
      leave_unconfirmed(i, cannot_confirm_);
    } else {
      co_await rerun(i, server);
    }
    if (state_.events.case_confirmed) {
      state_.events.case_confirmed(state_.slots[i].report, ++confirmed_, total_);
    }
  }
}

asio::awaitable<void> ConfirmationPass::rerun(std::size_t i, Target* server) {
  CheckSlot& slot = state_.slots[i];
  CheckOutcome again = co_await state_.execute(i, 1, server, server != nullptr);
  if (!again.stopped.empty()) {
    leave_unconfirmed(i, state_.control.stop_cause());
    co_return;
  }
  if (again.liveness && !again.liveness->alive) {
    const Target::DeathDescription death = co_await server->describe_death(again.liveness->problem);
    blame(again.report, death.what, death.process_exited);
    deaths_.reproduced_by(i);
    if (++consecutive_deaths_ > state_.settings.max_restarts) {
      cannot_confirm_ =
          fmt::format("{} reruns in a row brought the server down (--max-restarts {})",
                      consecutive_deaths_, state_.settings.max_restarts);
    } else if (!server->started_here()) {
      std::string port_note;
      if (const std::string error = co_await server->recover(port_note); !error.empty()) {
        cannot_confirm_ = error;
      }
    }
  } else {
    consecutive_deaths_ = 0;
  }
  slot.report = merge_confirmation(std::move(slot.report), std::move(again.report),
                                   slot.suspect ? FirstRun::kOverlapped : FirstRun::kValid);
}

void ConfirmationPass::blame(CaseReport& rerun, const std::string& what, bool crashed) const {
  const bool fresh = state_.target != nullptr && state_.target->started_here();
  const char* rule = crashed ? kCrashRule : kLivenessRule;
  const std::string death =
      fmt::format("the server {} during or right after this case, run alone{}", what,
                  fresh ? " against a fresh server" : "");
  if (rerun.result == Result::kFail) {
    rerun.notes.push_back(fmt::format("{} (SPEC {})", death, rule));
    return;
  }
  rerun.result = Result::kFail;
  rerun.expected =
      fmt::format("the server still serves new connections after the case (SPEC {})", rule);
  rerun.observed = death;
}

void ConfirmationPass::leave_unconfirmed(std::size_t i, const std::string& why) {
  CheckSlot& slot = state_.slots[i];
  slot.report.notes.push_back("not confirmed by a rerun: " + why);
  if (!slot.suspect) return;
  for (const Death& death : deaths_.deaths()) {
    if (std::find(death.cases.begin(), death.cases.end(), i) == death.cases.end()) continue;
    if (death.cases.size() == 1) {
      blame(slot.report, death.what, death.process_exited);
      slot.report.observed += " (it was the only case running)";
    } else {
      slot.report.result = Result::kError;
      slot.report.observed = fmt::format(
          "the server {} while this case ran beside {} others; it could not be rerun alone to "
          "tell which one caused it",
          death.what, death.cases.size() - 1);
    }
    return;
  }
}

}  // namespace kv
