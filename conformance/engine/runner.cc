#include "conformance/engine/runner.h"

#include <fmt/format.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include "conformance/engine/blame.h"
#include "conformance/engine/interrupts.h"
#include "conformance/engine/server_suite.h"
#include "conformance/engine/startup_probe.h"
#include "conformance/engine/target.h"
#include "conformance/engine/verdicts.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

RunReport started_report(const RunnerConfig& config) {
  RunReport report;
  report.target = config.target_name;
  report.profile = config.profile_name;
  report.seed = config.options.seed;
  report.strict = config.strict;
  report.started = iso_utc_now();
  return report;
}

SuiteSettings suite_settings(const RunnerConfig& config) {
  SuiteSettings s;
  s.options = config.options;
  s.jobs = config.jobs;
  s.max_restarts = config.max_restarts;
  s.isolate = config.isolate;
  s.confirm = config.confirm;
  s.rerun_prefix = config.rerun_prefix;
  return s;
}

NeedsOf registry_needs() {
  return [](std::string_view id) -> const std::vector<std::string>* {
    const CaseDef* def = all_cases().find(id);
    return def == nullptr ? nullptr : &def->needs;
  };
}

std::chrono::milliseconds budget_of(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// Starts the server (--exec) and probes it. Returns "" when the cases may
// run; otherwise the reason every case is "not run" (report.aborted is
// set when the run could not be done at all).
asio::awaitable<std::string> start_and_probe(Target& target, RunControl& control,
                                             const RunnerEvents& events, RunReport& report) {
  if (target.started_here()) {
    auto started = co_await (target.start() || control.until_stopped());
    if (started.index() == 1) co_return control.stop_reason();
    if (!std::get<0>(started).empty()) {
      report.aborted = "the --exec command could not be started: " + std::get<0>(started);
      co_return "not run: " + report.aborted;
    }
    report.target = target.name();
    if (events.note) events.note("started: " + target.name());
  }
  const RunOptions& options = target.options();
  auto probed = co_await (run_startup_probe(options, fmt::format("startup/{}", options.seed)) ||
                          control.until_stopped());
  if (probed.index() == 1) co_return control.stop_reason();
  const ProbeResult& probe = std::get<0>(probed);
  if (probe.outcome == ProbeOutcome::kUnreachable) {
    report.aborted = fmt::format("target unreachable: {}", probe.finding->details);
    co_return "not run: " + report.aborted;
  }
  if (probe.finding) {
    report.findings.push_back(*probe.finding);
    if (events.note) {
      events.note(
          fmt::format("start-up probe: {} (SPEC {})", probe.finding->title, probe.finding->rule));
    }
  }
  if (probe.outcome == ProbeOutcome::kUnresponsive) {
    co_return "not run: the server is unresponsive (start-up probe: " + probe.finding->title + ")";
  }
  co_return std::string();
}

}  // namespace

RunReport aborted_run_report(const RunnerConfig& config, const std::vector<const CaseDef*>& cases,
                             const std::string& reason) {
  const auto start = std::chrono::steady_clock::now();
  RunReport report = started_report(config);
  report.aborted = reason;
  const ServerCaseSource source(cases, config.exclude, config.options,
                                !config.exec_command.empty());
  for (const CheckSpec& spec : source.checks()) {
    report.cases.push_back(
        blank_report(spec, rerun_line(config.rerun_prefix, spec.id, config.options.seed)));
    mark_not_run(report.cases.back(), "not run: " + reason);
  }
  finish_report(report, config.known_failing, registry_needs(), start);
  return report;
}

Runner::Runner(RunnerConfig config, RunnerEvents events)
    : config_(std::move(config)), events_(std::move(events)) {}

Runner::~Runner() = default;

asio::awaitable<RunReport> Runner::run(const std::vector<const CaseDef*>& cases) {
  const auto start = std::chrono::steady_clock::now();
  RunReport report = started_report(config_);
  RunControl control(co_await asio::this_coro::executor, budget_of(config_.time_budget_s));
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  const std::unique_ptr<Target> owned =
      config_.exec_command.empty()
          ? std::make_unique<Target>(config_.options, config_.target_name)
          : std::make_unique<Target>(config_.exec_command, config_.options);
  Target& target = *owned;
  ServerCaseSource source(cases, config_.exclude, config_.options, target.started_here());
  SuiteRun suite(source, &target, suite_settings(config_), control, events_);
  std::string not_run = co_await start_and_probe(target, control, events_, report);
  if (not_run.empty()) {
    co_await suite.run();
    not_run = control.stop_reason();
  }
  suite.not_run_rest(not_run);
  suite.report_into(report);
  co_await add_run_findings(report, target, control);
  target.stop();
  finish_report(report, config_.known_failing, registry_needs(), start);
  blame_early_idle_closes(report, config_.options.idle_timeout);
  co_return report;
}

}  // namespace kv
