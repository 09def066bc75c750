#include "conformance/client/client_mode.h"

#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <exception>
#include <optional>

#include "conformance/cases/case_registry.h"
#include "conformance/engine/interrupts.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/suite_run.h"
#include "conformance/engine/verdicts.h"
#include "conformance/report/console_report.h"
#include "conformance/report/report_files.h"

namespace kv {
namespace {

namespace asio = boost::asio;

constexpr int kExitUsage = 2;

std::vector<const ClientCaseDef*> select_cases(const std::vector<std::string>& globs) {
  std::vector<const ClientCaseDef*> selected;
  for (const ClientCaseDef& def : all_client_cases()) {
    if (globs.empty() || first_match(globs, def.id)) selected.push_back(&def);
  }
  return selected;
}

}  // namespace

std::string check_adapter_command(const std::string& command) {
  if (command.find("{port}") == std::string::npos) {
    return "kvconform client --exec COMMAND must contain {port} (and usually {host}; see "
           "spec/client-adapter.md)";
  }
  return {};
}

namespace {

// The suite run proper: every selected case through the suite engine.
asio::awaitable<RunReport> run_suite(const ClientModeConfig& config,
                                     std::vector<const ClientCaseDef*> cases,
                                     ConsoleReport& console) {
  const auto start = std::chrono::steady_clock::now();
  RunReport report;
  report.target = config.suite.options.command;
  report.profile = "client";
  report.seed = config.suite.options.seed;
  report.started = iso_utc_now();
  report.strict = config.strict;
  const auto budget =
      std::chrono::milliseconds(static_cast<long long>(config.suite.time_budget_s * 1000));
  RunControl control(co_await asio::this_coro::executor, budget);
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  ClientCaseSource source(config.suite, std::move(cases));
  SuiteSettings settings;
  settings.options.timeout_scale = config.suite.options.timeout_scale;
  settings.options.seed = config.suite.options.seed;
  settings.jobs = config.suite.jobs;
  settings.confirm = config.suite.confirm;
  settings.rerun_prefix = config.suite.rerun_prefix;
  RunnerEvents events;
  events.case_done = [&console](const CaseReport& r, std::size_t done, std::size_t total) {
    console.case_finished(r, done, total);
  };
  events.confirming = [&console](std::size_t count) { console.confirming(count, false); };
  events.case_confirmed = [&console](const CaseReport& r, std::size_t done, std::size_t total) {
    console.case_confirmed(r, done, total);
  };
  SuiteRun suite(source, nullptr, std::move(settings), control, std::move(events));
  co_await suite.run();
  suite.not_run_rest(control.stop_reason());
  suite.report_into(report);
  report.interrupted_by = control.interrupted_by();
  finish_report(report, config.suite.known_failing, {}, start);
  co_return report;
}

}  // namespace

int run_client_mode(ClientModeConfig config) {
  if (const std::string error = check_adapter_command(config.suite.options.command);
      !error.empty()) {
    fmt::print(stderr, "kvconform: {}\n", error);
    return kExitUsage;
  }
  if (!config.known_failing_path.empty()) {
    if (const std::string error = config.suite.known_failing.load(config.known_failing_path);
        !error.empty()) {
      fmt::print(stderr, "kvconform: {}\n", error);
      return kExitUsage;
    }
  }
  std::vector<const ClientCaseDef*> cases = select_cases(config.cases);
  if (cases.empty()) {
    fmt::print(stderr, "kvconform: no client case matches --cases (see kvconform list --client)\n");
    return kExitUsage;
  }
  // An adapter that dies while kvconform writes to its stdin must not take
  // kvconform with it: the write fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);
  fmt::print(
      "kvconform: {} client cases against {} (client timeout {} ms, seed {}, jobs {}, timeout "
      "scale {})\n",
      cases.size(), config.suite.options.command, config.suite.options.client_timeout.count(),
      config.suite.options.seed, config.suite.jobs, config.suite.options.timeout_scale);
  std::fflush(stdout);
  ConsoleReport console(stdout, config.verbose, config.color);
  asio::io_context io;
  std::optional<RunReport> report;
  asio::co_spawn(io, run_suite(config, std::move(cases), console),
                 [&report](std::exception_ptr error, RunReport result) {
                   if (!error) {
                     report = std::move(result);
                     return;
                   }
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "kvconform: internal error: {}\n", e.what());
                   }
                 });
  io.run();
  if (!report) return kExitUsage;
  return finish_run(config.reports, console, *report);
}

std::vector<std::string> every_case_id() {
  std::vector<std::string> ids;
  for (const CaseDef& def : all_cases().cases()) ids.push_back(def.id);
  for (const ClientCaseDef& def : all_client_cases()) ids.push_back(def.id);
  return ids;
}

void print_client_case_list(std::FILE* out) {
  for (const ClientCaseDef& def : all_client_cases()) {
    fmt::print(out, "{:<40} {:<6} {:<10} {} — {}\n", def.id, level_name(def.level), "client",
               def.rule(), def.quote);
  }
}

void print_client_case_explanation(std::FILE* out, const ClientCaseDef& def,
                                   const ClientRunOptions& options) {
  fmt::print(out, "{}\n", def.id);
  fmt::print(out, "  rule:      SPEC {} ({}): {}\n", def.rule(), level_name(def.level), def.quote);
  fmt::print(out, "  suite:     client (kvconform client; spec/client-adapter.md)\n");
  fmt::print(out, "  server:    {}\n", def.server_does);
  fmt::print(out, "  expects:   {}\n", def.expects);
  fmt::print(out,
             "  timeouts:  each request and each result after an answer within {} ms (5 s x "
             "--timeout-scale {})\n",
             options.step_timeout().count(), options.timeout_scale);
  fmt::print(out,
             "             a result after silence within {} ms (the client timeout {} ms, "
             "--client-timeout-ms, + 2 s x scale)\n",
             options.silence_bound().count(), options.client_timeout.count());
  fmt::print(out,
             "  adapter:   started for this case alone; killed if it has not exited {} ms after "
             "its stdin closes; a crash fails the case\n",
             options.scaled(std::chrono::seconds(1)).count());
}

}  // namespace kv
