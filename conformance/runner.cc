#include "conformance/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "codec/frame_encoder.h"
#include "conformance/case_helpers.h"
#include "conformance/expectations.h"
#include "conformance/messages.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

Runner::Runner(RunnerConfig config, ServerSupervisor* supervisor, CaseFinished on_finished)
    : config_(std::move(config)), supervisor_(supervisor), on_finished_(std::move(on_finished)) {}

std::string Runner::skip_reason(const CaseDef& def) const {
  if (const auto glob = first_match(config_.exclude, def.id)) {
    return fmt::format("excluded by --exclude '{}'", *glob);
  }
  const bool concurrent = config_.options.profile == Profile::kConcurrent;
  if (def.scope == ProfileScope::kConcurrentOnly && !concurrent) {
    return "applies to the concurrent profile only";
  }
  if (def.scope == ProfileScope::kSequentialOnly && concurrent) {
    return "applies to the sequential profile only";
  }
  return {};
}

asio::awaitable<std::vector<CaseReport>> Runner::run(const std::vector<const CaseDef*>& cases) {
  std::vector<CaseReport> reports(cases.size());
  std::size_t next = 0;
  std::size_t done = 0;
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer all_done(executor);
  all_done.expires_at(asio::steady_timer::time_point::max());
  const int jobs = std::max(1, config_.jobs);
  int workers = jobs;
  for (int w = 0; w < jobs; ++w) {
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          while (next < cases.size()) {
            const std::size_t i = next++;
            reports[i] = co_await run_one(*cases[i]);
            ++done;
            if (on_finished_) on_finished_(reports[i], done, cases.size());
          }
          if (--workers == 0) all_done.cancel();
        },
        asio::detached);
  }
  while (workers > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return reports;
}

// Built outside the coroutine: GCC 12 cannot keep braced initializer lists
// in coroutine frames.
static std::vector<std::pair<Message, Message>> liveness_script(const std::string& key) {
  return {{make_put(key, "alive"), make_put_ack()}, {make_get(key), make_get_hit(key, "alive")}};
}

asio::awaitable<Check> Runner::liveness_check(const RunOptions& options, WireLog& log,
                                              std::string key) {
  ConnectResult connected = co_await WireSession::connect(
      options.endpoint, log, 99, options.response_timeout(), options.max_frame_bytes);
  if (!connected.session) co_return fail_verdict("a new connection is accepted", connected.error);
  WireSession& s = *connected.session;
  const auto script = liveness_script(key);
  for (const auto& [request, want] : script) {
    KV_CHECK(co_await s.send(encode_frame_to_string(request), options.response_timeout()));
    KV_CHECK(co_await expect_response(s, want, "liveness check on a fresh connection",
                                      options.response_timeout()));
  }
  s.close();
  co_return std::nullopt;
}

asio::awaitable<Verdict> Runner::run_guarded(const CaseDef& def, CaseContext& ctx) {
  // Every step has its own deadline; this outer bound only catches a case
  // that chains so many steps that it would run unreasonably long.
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer hard_stop(executor);
  const std::chrono::milliseconds deadline = config_.options.scaled(std::chrono::seconds(120));
  hard_stop.expires_after(deadline);
  try {
    auto outcome =
        co_await (def.run(ctx) || hard_stop.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (outcome.index() == 1) {
      co_return error_verdict(fmt::format("the case exceeded its overall deadline of {:g} s",
                                          static_cast<double>(deadline.count()) / 1000.0));
    }
    co_return std::get<0>(std::move(outcome));
  } catch (const std::exception& e) {
    co_return error_verdict(std::string("the harness threw: ") + e.what());
  }
}

asio::awaitable<CaseReport> Runner::run_one(const CaseDef& def) {
  CaseReport report;
  report.id = def.id;
  report.rule = def.rule;
  report.level = def.level;
  report.title = def.quote;
  report.rerun = fmt::format("{} --cases '{}' --seed {} -v", config_.rerun_prefix, def.id,
                             config_.options.seed);
  if (const std::string reason = skip_reason(def); !reason.empty()) {
    report.result = Result::kSkip;
    report.notes.push_back(reason);
    co_return report;
  }
  // Cases do not start while a crashed server is being restarted.
  while (restarting_) co_await pause(std::chrono::milliseconds(20));
  in_flight_.push_back(def.id);
  const int crashes_before = crashes_;
  WireLog log;
  CaseContext ctx(config_.options, def.id, log);
  Verdict verdict = co_await run_guarded(def, ctx);
  report.result = verdict.result;
  report.expected = std::move(verdict.expected);
  report.observed = std::move(verdict.observed);
  if (report.result == Result::kSkip) {
    report.notes.push_back(report.observed);
    report.observed.clear();
  }
  co_await after_case(def, report, log, crashes_before);
  in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), def.id));
  report.duration_ms = log.elapsed_ms();
  report.wire_log = log.entries();
  if (report.result == Result::kFail && def.level == Level::kShould)
    report.result = Result::kLenient;
  apply_known_failing(report);
  co_return report;
}

asio::awaitable<void> Runner::after_case(const CaseDef& def, CaseReport& report, WireLog& log,
                                         int crashes_before) {
  // While another case restarts a crashed server, wait for it.
  while (restarting_) co_await pause(std::chrono::milliseconds(20));
  if (!config_.check_liveness) co_return;
  log.info(0, "liveness check: PUT and GET on a fresh connection (connection 99)");
  const Check alive = co_await liveness_check(
      config_.options, log, fmt::format("liveness/{}/{}", config_.options.seed, def.id));
  if (crashes_ != crashes_before && report.result != Result::kPass) {
    report.result = Result::kError;
    report.notes.push_back(fmt::format(
        "the server crashed and was restarted while this case ran ({}); rerun this case alone "
        "to see whether it is affected",
        restarting_note_));
    co_return;
  }
  if (!alive) co_return;
  std::string crash;
  // A killed server's process may take a moment to be seen as exited.
  bool exited = false;
  for (int i = 0; supervisor_ && i < 25 && !(exited = supervisor_->exited()); ++i) {
    co_await pause(std::chrono::milliseconds(20));
  }
  if (exited) {
    crash = fmt::format(
        "the server process {} during or right after this case (cases running "
        "at the time: {})",
        supervisor_->exit_description(), fmt::join(in_flight_, ", "));
  }
  if (report.result == Result::kPass) {
    report.result = Result::kFail;
    report.expected = "the server still serves a new connection after the case (SPEC 7.2)";
    report.observed = "server died/unresponsive after this case: " + alive->observed;
  } else {
    report.notes.push_back("server died/unresponsive after this case: " + alive->observed);
  }
  if (crash.empty()) co_return;
  report.notes.push_back(crash);
  if (restarting_) co_return;  // Another case is restarting it already.
  ++crashes_;
  restarting_ = true;
  restarting_note_ = "first detected after case " + def.id;
  const std::string error = co_await supervisor_->start();
  restarting_ = false;
  report.notes.push_back(error.empty() ? "the server was restarted"
                                       : "restarting the server failed: " + error);
}

void Runner::apply_known_failing(CaseReport& report) const {
  const KnownFailure* known = config_.known_failing.find(report.id);
  if (known == nullptr) return;
  if (report.result == Result::kFail || report.result == Result::kLenient) {
    report.result = Result::kKnownFailing;
    report.notes.push_back(fmt::format("known failing (line {} of the list: '{}'): {}", known->line,
                                       known->glob, known->reason));
  } else if (report.result == Result::kPass) {
    report.notes.push_back(fmt::format(
        "listed as known failing (line {}: '{}') but now passes: remove it from the list",
        known->line, known->glob));
  }
}

}  // namespace kv
