#include "conformance/engine/suite_state.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "conformance/engine/run_guard.h"
#include "conformance/engine/verdicts.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

SuiteState::SuiteState(CheckSource& source_, Target* target_, SuiteSettings settings_,
                       RunControl& control_, RunnerEvents events_)
    : source(source_),
      target(target_),
      settings(std::move(settings_)),
      control(control_),
      events(std::move(events_)) {
  for (CheckSpec& spec : source.checks()) slots.push_back({std::move(spec), {}, false, false, {}});
}

void SuiteState::note(const std::string& text) const {
  if (events.note) events.note(text);
}

CaseReport SuiteState::blank(std::size_t i) const {
  const CheckSpec& spec = slots[i].spec;
  return blank_report(spec, rerun_line(settings.rerun_prefix, spec.id, settings.options.seed));
}

void SuiteState::finish_first_run(std::size_t i) {
  slots[i].reported = true;
  ++done;
  if (events.case_done) events.case_done(slots[i].report, done, slots.size());
}

void SuiteState::mark_not_run(std::size_t i, const std::string& reason) {
  slots[i].report = blank(i);
  kv::mark_not_run(slots[i].report, reason);
  finish_first_run(i);
}

std::chrono::milliseconds SuiteState::check_deadline() const {
  return settings.options.scaled(settings.check_deadline);
}

// Starts `server` again after a check that stopped it on purpose
// (stops_server), so that the liveness check after the check and every
// later check find a fresh server; the deliberate exit is no death and
// does not count against --max-restarts. A failure to restart is noted on
// `report` (the liveness check then fails and the usual recovery takes
// over).
asio::awaitable<void> SuiteState::restart_after_deliberate_stop(Target& server, WireLog& log,
                                                                CaseReport& report) {
  log.info(0, fmt::format("the case stopped the server on purpose ({}); starting it again",
                          server.process()->exit_description()));
  std::string port_note;
  const std::string error = co_await server.restart(port_note);
  counters.add("server restarts");
  if (!port_note.empty()) log.info(0, port_note);
  if (!error.empty()) {
    report.notes.push_back("the server could not be started again after this case: " + error);
  }
}

asio::awaitable<CheckOutcome> SuiteState::execute(std::size_t i, int attempt, Target* server,
                                                  bool check_health) {
  CheckOutcome out;
  const CheckSpec& spec = slots[i].spec;
  const int generation = server != nullptr ? server->generation() : 0;
  WireLog log;
  std::vector<std::string> notes;
  const RunOptions on = server != nullptr ? server->options() : settings.options;
  CheckRun run{attempt, on, server, log, notes};
  GuardedVerdict guarded = co_await run_guarded([this, i, &run] { return source.run(i, run); },
                                                check_deadline(), control);
  counters.add(attempt == 0 ? "cases run" : "confirmation reruns");
  out.report = blank(i);
  if (!guarded.stopped_because.empty()) {
    if (control.stopping()) {
      out.stopped = control.stop_reason() + " (stopped while it ran)";
    } else {
      out.interrupted = true;
      guarded.verdict = error_verdict(
          "interrupted: the server stopped answering while this case ran (it is rerun alone to "
          "judge it)");
    }
  }
  apply_verdict(out.report, std::move(guarded.verdict));
  for (std::string& note : notes) out.report.notes.push_back(std::move(note));
  // A check that stopped the server restarts it: its own restart is no
  // change of incarnation for the liveness check that follows.
  int expected_generation = generation;
  if (spec.stops_server && server != nullptr && server->started_here()) {
    co_await restart_after_deliberate_stop(*server, log, out.report);
    expected_generation = server->generation();
  }
  out.generation = expected_generation;
  const bool go_on = !out.interrupted && out.stopped.empty() && !control.stopping();
  if (check_health && server != nullptr && go_on && !recovering &&
      server->generation() == expected_generation) {
    log.info(0, "liveness check: PUT and GET on a fresh connection (connection 99)");
    counters.add("liveness checks");
    auto checked = co_await (
        server->check_liveness(log, fmt::format("liveness/{}/{}.{}", on.seed, spec.id, attempt)) ||
        control.until_stopped());
    if (checked.index() == 0) out.liveness = std::get<0>(std::move(checked));
  }
  out.report.duration_ms = log.elapsed_ms();
  out.report.wire_log = log.entries();
  co_return out;
}

asio::awaitable<void> run_workers(int count, std::function<asio::awaitable<void>(int)> body) {
  const auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, body(0), asio::deferred));
  std::vector<Op> ops;
  for (int w = 0; w < std::max(1, count); ++w) {
    ops.push_back(asio::co_spawn(executor, body(w), asio::deferred));
  }
  auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                             .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

Batches make_batches(const std::vector<CheckSlot>& slots, bool isolated,
                     const std::function<bool(const CheckSlot&)>& take) {
  Batches b;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!take(slots[i])) continue;
    const CheckSpec& spec = slots[i].spec;
    (spec.stops_server ? b.last : spec.solo || isolated ? b.alone : b.together).push_back(i);
  }
  return b;
}

}  // namespace kv
