#include "conformance/engine/suite_run.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "conformance/cases/case_helpers.h"
#include "conformance/engine/confirmation.h"
#include "conformance/engine/death_watch.h"
#include "conformance/engine/suite_state.h"
#include "conformance/engine/verdicts.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

// The parts of a suite run: the shared state, the watch over the server's
// deaths, and the main pass that uses them.
struct SuiteRun::Parts {
  SuiteState state;
  DeathWatch deaths{state};

  Parts(CheckSource& source, Target* target, SuiteSettings settings, RunControl& control,
        RunnerEvents events)
      : state(source, target, std::move(settings), control, std::move(events)) {}

  // The first run of slot `i`, with its liveness check and its part in
  // detecting a crash or wedge.
  asio::awaitable<void> first_run(std::size_t i, bool isolated) {
    CheckSlot& slot = state.slots[i];
    slot.report = state.blank(i);
    if (!slot.spec.skip_reason.empty()) {
      slot.report.result = Result::kSkip;
      slot.report.notes.push_back(slot.spec.skip_reason);
      state.finish_first_run(i);
      co_return;
    }
    Target* target = state.target;
    if (isolated) {
      std::string port_note;
      const std::string error = co_await target->restart(port_note);
      state.counters.add("server restarts");
      if (!error.empty()) {
        state.mark_not_run(
            i, "not run: the server could not be restarted for it (--isolate): " + error);
        co_return;
      }
    }
    deaths.started(i);
    const auto check_start = std::chrono::steady_clock::now();
    CheckOutcome run = co_await state.execute(i, 0, target, target != nullptr);
    slot.report = std::move(run.report);
    slot.finished = std::chrono::steady_clock::now();
    if (!run.stopped.empty()) {
      state.mark_not_run(i, run.stopped);
      co_return;
    }
    if (target != nullptr && !state.control.stopping()) {
      if (run.interrupted || !run.liveness || run.generation != target->generation()) {
        // Interrupted, or its check ran around a restart: its first
        // verdict is void.
        slot.suspect = true;
      } else if (run.liveness->alive) {
        deaths.healthy_after(i, check_start);
      } else {
        slot.report.notes.push_back("after this case the server " + run.liveness->problem);
        co_await deaths.died(i, run.liveness->problem);
      }
    }
    state.finish_first_run(i);
  }

  asio::awaitable<void> worker(const std::vector<std::size_t>& list, std::size_t& next,
                               bool isolated) {
    for (;;) {
      while (state.recovering) co_await pause(std::chrono::milliseconds(20));
      if (next >= list.size()) break;
      const std::size_t i = list[next++];
      const std::string stop =
          !deaths.stop_reason().empty() ? deaths.stop_reason() : state.control.stop_reason();
      if (!stop.empty()) {
        state.mark_not_run(i, stop);
        continue;
      }
      co_await first_run(i, isolated);
    }
  }

  asio::awaitable<void> run_batch(const std::vector<std::size_t>& list, int jobs, bool isolated) {
    if (list.empty()) co_return;
    std::size_t next = 0;
    co_await run_workers(
        jobs, [this, &list, &next, isolated](int) { return worker(list, next, isolated); });
  }

  asio::awaitable<void> main_pass() {
    const bool isolated =
        state.settings.isolate && state.target != nullptr && state.target->started_here();
    const Batches b = make_batches(state.slots, isolated, [](const CheckSlot&) { return true; });
    co_await run_batch(b.together, state.settings.jobs, isolated);
    co_await run_batch(b.alone, 1, isolated);
    co_await run_batch(b.last, 1, isolated);
  }
};

SuiteRun::SuiteRun(CheckSource& source, Target* target, SuiteSettings settings, RunControl& control,
                   RunnerEvents events)
    : parts_(std::make_unique<Parts>(source, target, std::move(settings), control,
                                     std::move(events))) {}

SuiteRun::~SuiteRun() = default;

asio::awaitable<void> SuiteRun::run() {
  co_await parts_->main_pass();
  ConfirmationPass confirmation(parts_->state, parts_->deaths);
  co_await confirmation.run();
}

void SuiteRun::not_run_rest(const std::string& reason) {
  SuiteState& state = parts_->state;
  for (std::size_t i = 0; i < state.slots.size(); ++i) {
    if (!state.slots[i].reported) state.mark_not_run(i, reason);
  }
}

void SuiteRun::report_into(RunReport& report) {
  SuiteState& state = parts_->state;
  for (CheckSlot& slot : state.slots) report.cases.push_back(std::move(slot.report));
  for (Finding& f : parts_->deaths.findings(state.settings.confirm)) {
    report.findings.push_back(std::move(f));
  }
  for (std::string& note : state.run_notes) report.notes.push_back(std::move(note));
  StatGroup& group = report.statistics.group("suite");
  for (const StatCounter& c : state.counters.counters) group.set(c.name, c.value, c.unit);
}

}  // namespace kv
