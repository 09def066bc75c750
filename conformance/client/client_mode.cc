#include "conformance/client/client_mode.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>

#include "conformance/cases/case_registry.h"
#include "conformance/report/console_report.h"
#include "conformance/report/html_report.h"
#include "conformance/report/json_report.h"
#include "conformance/report/junit_report.h"

namespace kv {
namespace {

namespace asio = boost::asio;

constexpr int kExitUsage = 2;

std::string iso_now() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::vector<const ClientCaseDef*> select_cases(const std::vector<std::string>& globs) {
  std::vector<const ClientCaseDef*> selected;
  for (const ClientCaseDef& def : all_client_cases()) {
    if (globs.empty() || first_match(globs, def.id)) selected.push_back(&def);
  }
  return selected;
}

bool write_reports(const ClientModeConfig& config, const RunReport& report) {
  bool ok = true;
  const auto check = [&](const std::string& error) {
    if (error.empty()) return;
    fmt::print(stderr, "kvconform: {}\n", error);
    ok = false;
  };
  if (!config.json.empty()) check(write_json_report(report, config.json));
  if (!config.junit.empty()) check(write_junit_report(report, config.junit));
  if (!config.html.empty()) check(write_html_report(report, config.html));
  return ok;
}

}  // namespace

std::string check_adapter_command(const std::string& command) {
  if (command.find("{port}") == std::string::npos) {
    return "kvconform client --exec COMMAND must contain {port} (and usually {host}; see "
           "spec/client-adapter.md)";
  }
  return {};
}

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
  const std::vector<const ClientCaseDef*> cases = select_cases(config.cases);
  if (cases.empty()) {
    fmt::print(stderr, "kvconform: no client case matches --cases (see kvconform list --client)\n");
    return kExitUsage;
  }
  // An adapter that dies while kvconform writes to its stdin must not take
  // kvconform with it: the write fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  RunReport report;
  report.target = config.suite.options.command;
  report.profile = "client";
  report.seed = config.suite.options.seed;
  report.started = iso_now();
  report.strict = config.strict;
  fmt::print(
      "kvconform: {} client cases against {} (client timeout {} ms, seed {}, jobs {}, timeout "
      "scale {})\n",
      cases.size(), config.suite.options.command, config.suite.options.client_timeout.count(),
      config.suite.options.seed, config.suite.jobs, config.suite.options.timeout_scale);
  std::fflush(stdout);
  ConsoleReport console(stdout, config.verbose, config.color);
  const auto start = std::chrono::steady_clock::now();
  asio::io_context io;
  bool finished = false;
  asio::co_spawn(io,
                 run_client_cases(config.suite, cases,
                                  [&](const CaseReport& r, std::size_t done, std::size_t total) {
                                    console.case_finished(r, done, total);
                                  }),
                 [&](std::exception_ptr error, std::vector<CaseReport> reports) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       fmt::print(stderr, "kvconform: internal error: {}\n", e.what());
                     }
                     return;
                   }
                   report.cases = std::move(reports);
                   finished = true;
                 });
  io.run();
  if (!finished) return kExitUsage;
  report.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (const CaseReport& r : report.cases) report.summary.add(r.result);
  console.summary(report);
  if (!write_reports(config, report)) return kExitUsage;
  return report.exit_code();
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
