// Unit tests of the suite engine's pieces that need no server: the run's
// stop (time budget, signals), guarded checks, the known-failing list and
// SHOULD/LENIENT, the health record's slowdown, and a whole suite run of a
// scripted source of checks without a target (as the client suite runs).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <map>
#include <optional>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/engine/blame.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/run_guard.h"
#include "conformance/engine/server_health.h"
#include "conformance/engine/suite_run.h"
#include "conformance/engine/target.h"
#include "conformance/engine/verdicts.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// Runs `task` on a fresh io_context to its end and returns its result.
template <typename T>
T run_to_end(std::function<asio::awaitable<T>()> task) {
  asio::io_context io;
  std::optional<T> result;
  asio::co_spawn(io, task(), [&result](std::exception_ptr error, T value) {
    if (error) std::rethrow_exception(error);
    result = std::move(value);
  });
  io.run();
  return std::move(*result);
}

asio::awaitable<Verdict> never_ends() {
  co_await pause(milliseconds(60000));
  co_return Verdict{};
}

asio::awaitable<Verdict> passes_after(milliseconds wait) {
  co_await pause(wait);
  co_return Verdict{};
}

TEST(RunControl, TheBudgetStopsARunningCheckAndSaysWhy) {
  const GuardedVerdict guarded =
      run_to_end<GuardedVerdict>([]() -> asio::awaitable<GuardedVerdict> {
        RunControl control(co_await asio::this_coro::executor, milliseconds(50));
        EXPECT_FALSE(control.stopping());
        EXPECT_EQ(control.stop_reason(), "");
        GuardedVerdict v =
            co_await run_guarded([] { return never_ends(); }, milliseconds(60000), control);
        EXPECT_TRUE(control.budget_spent());
        EXPECT_EQ(control.stop_reason(),
                  "not run: the time budget of 0.05 s (--time-budget-s) was spent");
        co_return v;
      });
  EXPECT_EQ(guarded.verdict.result, Result::kError);
  EXPECT_NE(guarded.stopped_because.find("time budget"), std::string::npos);
}

TEST(RunControl, ASignalStopsTheRunAtOnce) {
  const std::string reason = run_to_end<std::string>([]() -> asio::awaitable<std::string> {
    RunControl control(co_await asio::this_coro::executor, milliseconds(0));
    EXPECT_EQ(control.left(), milliseconds::max());
    control.interrupt(SIGTERM);
    co_await control.until_stopped();  // Returns at once.
    GuardedVerdict v =
        co_await run_guarded([] { return never_ends(); }, milliseconds(60000), control);
    EXPECT_EQ(v.verdict.result, Result::kError);
    co_return control.stop_reason();
  });
  EXPECT_EQ(reason, "not run: kvconform was interrupted by SIGTERM");
  RunReport report;
  report.interrupted_by = SIGTERM;
  EXPECT_EQ(report.exit_code(), 143);
}

TEST(RunGuard, ACheckPastItsDeadlineIsAnErrorAndAPassIsAPass) {
  const auto outcomes = run_to_end<std::pair<GuardedVerdict, GuardedVerdict>>(
      []() -> asio::awaitable<std::pair<GuardedVerdict, GuardedVerdict>> {
        RunControl control(co_await asio::this_coro::executor, milliseconds(0));
        GuardedVerdict late =
            co_await run_guarded([] { return never_ends(); }, milliseconds(30), control);
        GuardedVerdict fine = co_await run_guarded([] { return passes_after(milliseconds(1)); },
                                                   milliseconds(5000), control);
        co_return std::make_pair(late, fine);
      });
  EXPECT_EQ(outcomes.first.verdict.result, Result::kError);
  EXPECT_NE(outcomes.first.verdict.observed.find("overall deadline"), std::string::npos);
  EXPECT_EQ(outcomes.first.stopped_because, "");
  EXPECT_EQ(outcomes.second.verdict.result, Result::kPass);
}

TEST(Verdicts, KnownFailingCoversFlakyAndShouldFailuresAreLenient) {
  KnownFailingList list;
  list.parse("6.1/*  issue 12\n");
  CaseReport flaky;
  flaky.id = "6.1/len-4";
  flaky.result = Result::kFlaky;
  apply_known_failing(list, flaky);
  EXPECT_EQ(flaky.result, Result::kKnownFailing);
  CaseReport passing;
  passing.id = "6.1/len-0";
  apply_known_failing(list, passing);
  EXPECT_EQ(passing.result, Result::kPass);
  EXPECT_NE(passing.notes.back().find("remove it from the list"), std::string::npos);
  CaseReport should;
  should.level = Level::kShould;
  apply_verdict(should, fail_verdict("a", "b"));
  EXPECT_EQ(should.result, Result::kLenient);
  CaseReport skipped;
  apply_verdict(skipped, Verdict{Result::kSkip, "", "needs --exec"});
  EXPECT_EQ(skipped.notes, std::vector<std::string>{"needs --exec"});
  EXPECT_EQ(rerun_line("kvconform --target h:1", "5.1/x", 7),
            "kvconform --target h:1 --cases '5.1/x' --seed 7 -v");
}

Liveness answered_in(double ms) {
  Liveness l;
  l.round_trip_ms = ms;
  return l;
}

TEST(ServerHealth, NamesAServerThatGetsSlowerButNotOneSlowFromTheStart) {
  ServerHealth degrading;
  for (int i = 0; i < 20; ++i) degrading.record(answered_in(1.0 + i * i * 10), 0);
  const std::optional<Slowdown> slowdown = degrading.slowdown(milliseconds(1000));
  ASSERT_TRUE(slowdown.has_value());
  EXPECT_LT(slowdown->early_ms, 100);
  EXPECT_GT(slowdown->late_ms, 1000);
  const Finding finding = slowdown_finding(*slowdown, 1.8);
  EXPECT_EQ(finding.rule, "7.1");
  EXPECT_NE(finding.title.find("got slower"), std::string::npos);
  EXPECT_NE(finding.title.find("180% of a CPU"), std::string::npos);

  ServerHealth slow;  // Slow from the start: no slowdown.
  for (int i = 0; i < 20; ++i) slow.record(answered_in(1500), 0);
  EXPECT_FALSE(slow.slowdown(milliseconds(1000)).has_value());
  ServerHealth busy;  // Ten times slower, but fast: a busy machine.
  for (int i = 0; i < 20; ++i) busy.record(answered_in(i < 10 ? 2 : 40), 0);
  EXPECT_FALSE(busy.slowdown(milliseconds(1000)).has_value());
  ServerHealth restarted;  // Each incarnation is judged alone.
  for (int i = 0; i < 20; ++i) restarted.record(answered_in(i < 10 ? 2 : 2000), i < 10 ? 0 : 1);
  EXPECT_FALSE(restarted.slowdown(milliseconds(1000)).has_value());
}

// The wire log of one connection: a PUT, its answer at 10 ms, and the
// server's close `close_ms` later; `answer` is the frame the server sent.
std::vector<WireEntry> idle_then_closed(double close_ms, const Message& answer) {
  const std::string put = encode_frame_to_string(make_put("k", "v"));
  const std::string reply = encode_frame_to_string(answer);
  return {{0.5, 1, WireDirection::kInfo, "", 0, "connected from local port 40000"},
          {1.0, 1, WireDirection::kSend, put, put.size(), ""},
          {10.0, 1, WireDirection::kRecv, reply, reply.size(), ""},
          {10.0 + close_ms, 1, WireDirection::kClose, "", 0, "server closed the connection (EOF)"}};
}

TEST(Blame, AnIdleConnectionClosedBeforeTheIdleTimeoutNamesIt) {
  const milliseconds timeout(10000);
  const auto early = early_idle_close(idle_then_closed(1500, make_put_ack()), timeout);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->conn, 1);
  EXPECT_DOUBLE_EQ(early->idle_ms, 1500);
  // Closed at once after an answer (a reaction to it), after the timeout,
  // or after the error response (a framing error): no idle close.
  EXPECT_FALSE(early_idle_close(idle_then_closed(100, make_put_ack()), timeout));
  EXPECT_FALSE(early_idle_close(idle_then_closed(10000, make_put_ack()), timeout));
  EXPECT_FALSE(early_idle_close(idle_then_closed(3000, make_error_response()), timeout));
  // After the client's half-close a server may close: no idle close.
  std::vector<WireEntry> half_closed = idle_then_closed(1500, make_put_ack());
  half_closed.insert(half_closed.end() - 1,
                     {20.0, 1, WireDirection::kClose, "", 0, "client half-closed (FIN sent)"});
  EXPECT_FALSE(early_idle_close(half_closed, timeout));
  // A log with entries left out, or one that does not show the connection
  // from its opening with a request on it, proves nothing (a server
  // closing a connection at once, as one out of descriptors does, is no
  // idle close).
  std::vector<WireEntry> cut = idle_then_closed(1500, make_put_ack());
  cut.insert(cut.begin(), {0.1, 0, WireDirection::kInfo, "", 0,
                           "... 7000 log entries not shown, between 0.1 ms and 5.0 ms ..."});
  EXPECT_FALSE(early_idle_close(cut, timeout));
  const std::vector<WireEntry> no_bytes = {
      {600.0, 7, WireDirection::kClose, "", 0, "server reset the connection (RST)"}};
  EXPECT_FALSE(early_idle_close(no_bytes, timeout));
  const std::vector<WireEntry> no_request = {
      {0.5, 7, WireDirection::kInfo, "", 0, "connected from local port 40000"},
      {600.0, 7, WireDirection::kClose, "", 0, "server reset the connection (RST)"}};
  EXPECT_FALSE(early_idle_close(no_request, timeout));

  RunReport report;
  CaseReport paused;
  paused.id = "5.7/answers-after-pauses";
  paused.rule = "5.7";
  paused.result = Result::kFail;
  paused.wire_log = idle_then_closed(1500, make_put_ack());
  CaseReport idle;
  idle.id = "9.4/idle-half-the-timeout";
  idle.rule = "9.4";
  idle.result = Result::kFail;
  report.cases = {paused, idle};
  report.root_causes = {paused.id, idle.id};
  blame_early_idle_closes(report, timeout);
  EXPECT_EQ(report.cases[0].caused_by, "9.4/idle-half-the-timeout");
  EXPECT_EQ(report.root_causes, std::vector<std::string>{"9.4/idle-half-the-timeout"});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].rule, "9.4");
}

TEST(Target, OnlyAServerStartedHereCanBeTerminated) {
  const TerminateOutcome out =
      run_to_end<TerminateOutcome>([]() -> asio::awaitable<TerminateOutcome> {
        Target given(RunOptions{}, "127.0.0.1:1");
        EXPECT_FALSE(given.started_here());
        EXPECT_EQ(co_await given.start(), "");
        co_return co_await given.terminate({});
      });
  EXPECT_NE(out.error.find("not started by kvconform"), std::string::npos);
}

#ifdef KV_BROKEN_SERVER
// Explore's "terminate" step: SIGTERM, the exit watched, a fresh server.
TEST(Target, TerminateSignalsTheServerWatchesItExitAndStartsItAgain) {
  const int checks = run_to_end<int>([]() -> asio::awaitable<int> {
    Target target(std::string(KV_BROKEN_SERVER) + " --flaw none --port {port}", RunOptions{});
    EXPECT_EQ(co_await target.start(), "");
    const int generation = target.generation();
    TerminateRequest request;
    request.second_after = milliseconds(2000);  // Not needed: it drains at once.
    const TerminateOutcome out = co_await target.terminate(request);
    EXPECT_EQ(out.error, "");
    EXPECT_TRUE(out.exited);
    EXPECT_FALSE(out.second_sent);
    EXPECT_EQ(out.exit_code, std::optional<int>(0));
    EXPECT_EQ(out.restart_error, "");
    EXPECT_EQ(target.generation(), generation + 1);
    WireLog log;
    const Liveness alive = co_await target.check_liveness(log, "terminate-test");
    EXPECT_TRUE(alive.alive) << alive.problem;
    target.stop();
    co_return static_cast<int>(target.health().samples().size());
  });
  EXPECT_EQ(checks, 1);
}
#endif

// A source of checks whose verdicts are scripted per run: "6.1/a" fails
// every time, "6.1/b" fails once then passes (FLAKY), "5.1/c" passes,
// "5.1/d" is excluded, "9.1/slow" runs 200 ms.
class ScriptedSource : public CheckSource {
 public:
  std::vector<CheckSpec> checks() const override {
    return {{"6.1/a", "6.1", Level::kMust, "a", {}, false, false, {}},
            {"6.1/b", "6.1", Level::kMust, "b", {}, false, false, {}},
            {"5.1/c", "5.1", Level::kShould, "c", {}, false, false, {}},
            {"5.1/d", "5.1", Level::kMust, "d", "excluded by --exclude '5.1/d'", false, false, {}},
            {"9.1/slow", "9.1", Level::kMust, "slow", {}, true, false, {"6.1/a"}}};
  }
  asio::awaitable<Verdict> run(std::size_t index, CheckRun& run) override {
    ++runs[index];
    run.log.info(1, "ran");
    if (index == 0) co_return fail_verdict("x", "y");
    if (index == 1) co_return runs[index] == 1 ? fail_verdict("x", "y") : Verdict{};
    if (index == 4) co_await pause(milliseconds(200));
    co_return Verdict{};
  }
  std::map<std::size_t, int> runs;
};

RunReport run_scripted(ScriptedSource& source, milliseconds budget) {
  return run_to_end<RunReport>([&source, budget]() -> asio::awaitable<RunReport> {
    RunControl control(co_await asio::this_coro::executor, budget);
    SuiteSettings settings;
    settings.jobs = 2;
    settings.rerun_prefix = "kvconform";
    SuiteRun suite(source, nullptr, settings, control, {});
    co_await suite.run();
    suite.not_run_rest(control.stop_reason());
    RunReport report;
    suite.report_into(report);
    finish_report(report, {}, {}, std::chrono::steady_clock::now());
    co_return report;
  });
}

TEST(SuiteRun, RunsConfirmsAndReportsEveryCheckOfASource) {
  ScriptedSource source;
  const RunReport report = run_scripted(source, milliseconds(0));
  ASSERT_EQ(report.cases.size(), 5U);
  EXPECT_EQ(report.cases[0].result, Result::kFail);
  EXPECT_EQ(report.cases[0].runs.size(), 2U);  // Confirmed by a rerun.
  EXPECT_EQ(report.cases[1].result, Result::kFlaky);
  EXPECT_EQ(report.cases[2].result, Result::kPass);
  EXPECT_EQ(report.cases[3].result, Result::kSkip);
  EXPECT_EQ(report.cases[4].result, Result::kPass);
  EXPECT_EQ(source.runs[3], 0);  // A SKIP never runs.
  EXPECT_EQ(report.cases[0].rerun, "kvconform --cases '6.1/a' --seed 0 -v");
  EXPECT_EQ(report.root_causes, (std::vector<std::string>{"6.1/a", "6.1/b"}));
  EXPECT_EQ(report.statistics.rules_judged().at("6.1"), 2U);
  EXPECT_EQ(report.statistics.groups().front().value("confirmation reruns"), 2);
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(SuiteRun, ASpentBudgetLeavesTheRestNotRun) {
  ScriptedSource source;
  // The solo check runs 200 ms after the others: the budget ends in it.
  const RunReport report = run_scripted(source, milliseconds(100));
  const CaseReport& slow = report.cases[4];
  EXPECT_EQ(slow.result, Result::kError);
  EXPECT_TRUE(slow.not_run);
  EXPECT_NE(slow.observed.find("time budget"), std::string::npos);
  // Confirmation did not run: the first verdicts stand, with a note.
  EXPECT_EQ(report.cases[1].result, Result::kFail);
  EXPECT_NE(report.cases[1].notes.back().find("time budget"), std::string::npos);
}

}  // namespace
}  // namespace kv
