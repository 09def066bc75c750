// kvconform: the conformance runner for the KV protocol. See README.md.
//
// Exit codes: 0 every MUST case passed (and every SHOULD with --strict);
// 1 a case failed or had an ERROR (or, with --differential, the targets
// differ); 2 usage error or target unreachable.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "codec/message.h"
#include "common/version.h"
#include "conformance/cases/case_registry.h"
#include "conformance/client/client_mode.h"
#include "conformance/report/console_report.h"
#include "conformance/differential/differential.h"
#include "conformance/explore/explore_mode.h"
#include "conformance/report/html_report.h"
#include "conformance/report/json_report.h"
#include "conformance/report/junit_report.h"
#include "conformance/rules/rule_map.h"
#include "conformance/engine/runner.h"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr int kExitUsage = 2;

struct Cli {
  std::vector<std::string> targets;
  std::string exec;
  std::string client_exec;
  bool client = false;
  int client_timeout_ms = 2000;
  std::string profile = "concurrent";
  std::uint32_t max_frame_bytes = kv::kDefaultMaxFrameLen;
  std::vector<std::string> cases;
  std::vector<std::string> exclude;
  std::string known_failing;
  double timeout_scale = 1.0;
  std::optional<std::uint64_t> seed;
  int jobs = 4;
  bool strict = false;
  std::string json, junit, html;
  bool list = false;
  bool by_rule = false;
  std::string explain;
  bool verbose = false;
  bool differential = false;
  int drip_ms = 50;
  int idle_timeout_ms = 10000;
  int drain_ms = 3000;
  int max_restarts = 3;
  bool isolate = false;
  bool no_confirm = false;
  std::size_t steps = 400;
  bool no_color = false;
  bool explore = false;
  std::string replay;
  double budget_s = 60;
  double shrink_budget_s = 120;
  int connections = 3;
  int max_steps = 30;
  std::string save_script;
};

std::optional<tcp::endpoint> resolve(const std::string& host_port, std::string& error) {
  const std::size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    error = fmt::format("'{}' is not HOST:PORT", host_port);
    return std::nullopt;
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, host_port.substr(colon + 1), ec);
  if (ec || results.empty()) {
    error = fmt::format("cannot resolve '{}': {}", host_port, ec ? ec.message() : "no address");
    return std::nullopt;
  }
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string rerun_prefix(const Cli& cli) {
  std::string prefix = "kvconform " + (cli.exec.empty() ? "--target " + cli.targets.front()
                                                        : "--exec " + shell_quote(cli.exec));
  if (cli.profile != "concurrent") prefix += " --profile " + cli.profile;
  if (cli.max_frame_bytes != kv::kDefaultMaxFrameLen) {
    prefix += fmt::format(" --max-frame-bytes {}", cli.max_frame_bytes);
  }
  if (cli.timeout_scale != 1.0) prefix += fmt::format(" --timeout-scale {}", cli.timeout_scale);
  if (cli.drip_ms != 50) prefix += fmt::format(" --drip-ms {}", cli.drip_ms);
  if (cli.idle_timeout_ms != 10000) {
    prefix += fmt::format(" --idle-timeout-ms {}", cli.idle_timeout_ms);
  }
  if (cli.drain_ms != 3000) prefix += fmt::format(" --drain-ms {}", cli.drain_ms);
  return prefix;
}

kv::RunOptions base_options(const Cli& cli) {
  kv::RunOptions options;
  options.profile =
      cli.profile == "sequential" ? kv::Profile::kSequential : kv::Profile::kConcurrent;
  options.max_frame_bytes = cli.max_frame_bytes;
  options.timeout_scale = cli.timeout_scale;
  options.seed = *cli.seed;
  options.drip_interval = std::chrono::milliseconds(cli.drip_ms);
  options.idle_timeout = std::chrono::milliseconds(cli.idle_timeout_ms);
  options.drain_time = std::chrono::milliseconds(cli.drain_ms);
  return options;
}

std::vector<const kv::CaseDef*> select_cases(const std::vector<std::string>& globs) {
  std::vector<const kv::CaseDef*> selected;
  for (const kv::CaseDef& def : kv::all_cases().cases()) {
    if (globs.empty() || kv::first_match(globs, def.id)) selected.push_back(&def);
  }
  return selected;
}

// Writes every report file asked for; false if one could not be written.
bool write_reports(const Cli& cli, const kv::RunReport& report) {
  bool ok = true;
  const auto check = [&](const std::string& error) {
    if (error.empty()) return;
    fmt::print(stderr, "kvconform: {}\n", error);
    ok = false;
  };
  if (!cli.json.empty()) check(kv::write_json_report(report, cli.json));
  if (!cli.junit.empty()) check(kv::write_junit_report(report, cli.junit));
  if (!cli.html.empty()) check(kv::write_html_report(report, cli.html));
  return ok;
}

// Prints the end of the run and writes every report file asked for;
// returns the exit code.
int finish(const Cli& cli, kv::ConsoleReport& console, const kv::RunReport& report) {
  console.summary(report);
  if (!write_reports(cli, report)) return kExitUsage;
  return report.exit_code();
}

asio::awaitable<int> run_conformance(Cli cli, std::optional<tcp::endpoint> endpoint,
                                     std::string setup_error) {
  kv::ConsoleReport console(stdout, cli.verbose, !cli.no_color && ::isatty(STDOUT_FILENO) != 0);
  const std::vector<const kv::CaseDef*> cases = select_cases(cli.cases);
  kv::RunnerConfig config;
  config.options = base_options(cli);
  config.target_name = cli.exec.empty() ? cli.targets.front() : cli.exec;
  config.profile_name = cli.profile;
  config.exec_command = cli.exec;
  config.exclude = cli.exclude;
  config.jobs = cli.jobs;
  config.max_restarts = cli.max_restarts;
  config.isolate = cli.isolate;
  config.confirm = !cli.no_confirm;
  config.strict = cli.strict;
  config.rerun_prefix = rerun_prefix(cli);
  if (setup_error.empty() && cases.empty()) setup_error = "no case matches --cases (see --list)";
  if (setup_error.empty() && !cli.known_failing.empty()) {
    setup_error = config.known_failing.load(cli.known_failing);
  }
  if (!setup_error.empty()) {
    fmt::print(stderr, "kvconform: {}\n", setup_error);
    co_return finish(cli, console, kv::aborted_run_report(config, cases, setup_error));
  }
  if (endpoint) config.options.endpoint = *endpoint;
  if (config.options.profile == kv::Profile::kSequential && config.jobs > 1) {
    fmt::print(
        "note: the sequential profile serves one connection at a time; running with --jobs 1\n");
    config.jobs = 1;
  }
  fmt::print("kvconform: {} cases against {} (profile {}, seed {}, jobs {}, timeout scale {})\n",
             cases.size(), config.target_name, cli.profile, config.options.seed, config.jobs,
             cli.timeout_scale);
  kv::RunnerEvents events;
  events.note = [&](std::string_view text) { console.note(text); };
  events.case_done = [&](const kv::CaseReport& r, std::size_t done, std::size_t total) {
    console.case_finished(r, done, total);
  };
  events.confirming = [&](std::size_t count) { console.confirming(count, !cli.exec.empty()); };
  events.case_confirmed = [&](const kv::CaseReport& r, std::size_t done, std::size_t total) {
    console.case_confirmed(r, done, total);
  };
  kv::Runner runner(config, events);
  const kv::RunReport report = co_await runner.run(cases);
  co_return finish(cli, console, report);
}

asio::awaitable<int> run_differential_mode(Cli cli) {
  kv::DifferentialConfig config;
  config.options = base_options(cli);
  config.steps = cli.steps;
  for (const std::string& target : cli.targets) {
    std::string error;
    const auto endpoint = resolve(target, error);
    if (!endpoint) {
      fmt::print(stderr, "kvconform: {}\n", error);
      co_return kExitUsage;
    }
    config.targets.push_back({target, *endpoint});
  }
  fmt::print("kvconform --differential: {} requests, seed {}\n", config.steps, config.options.seed);
  co_return co_await kv::run_differential(config, stdout);
}

int run_async(asio::awaitable<int> task) {
  asio::io_context io;
  int code = kExitUsage;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, int result) {
    if (!error) {
      code = result;
      return;
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      fmt::print(stderr, "kvconform: internal error: {}\n", e.what());
    }
    code = kExitUsage;
  });
  io.run();
  return code;
}

// --client, --client-exec, or --explain of a client case: the client suite
// (SPEC 13, spec/client-adapter.md).
int run_client_side(const Cli& cli) {
  kv::ClientModeConfig config;
  kv::ClientRunOptions& options = config.suite.options;
  options.command = cli.client_exec;
  options.client_timeout = std::chrono::milliseconds(cli.client_timeout_ms);
  options.client_max_frame_bytes = cli.max_frame_bytes;
  options.timeout_scale = cli.timeout_scale;
  options.seed = *cli.seed;
  if (cli.list) {
    kv::print_client_case_list(stdout);
    return 0;
  }
  if (!cli.explain.empty()) {
    const kv::ClientCaseDef* def = kv::find_client_case(cli.explain);
    if (def == nullptr) {
      fmt::print(stderr, "kvconform: no client case '{}' (see --client --list)\n", cli.explain);
      return kExitUsage;
    }
    kv::print_client_case_explanation(stdout, *def, options);
    return 0;
  }
  if (cli.client_exec.empty()) {
    fmt::print(stderr,
               "kvconform: --client lists the client cases with --list; to check a "
               "client give --client-exec COMMAND\n");
    return kExitUsage;
  }
  if (!cli.targets.empty() || !cli.exec.empty() || cli.differential) {
    fmt::print(stderr,
               "kvconform: --client-exec cannot be combined with --target, --exec or "
               "--differential\n");
    return kExitUsage;
  }
  config.suite.exclude = cli.exclude;
  config.suite.jobs = cli.jobs;
  config.cases = cli.cases;
  config.known_failing_path = cli.known_failing;
  config.strict = cli.strict;
  config.json = cli.json;
  config.junit = cli.junit;
  config.html = cli.html;
  config.verbose = cli.verbose;
  config.color = !cli.no_color && ::isatty(STDOUT_FILENO) != 0;
  return kv::run_client_mode(std::move(config));
}

asio::awaitable<int> run_explore(Cli cli, kv::ExploreConfig config) {
  kv::ConsoleReport console(stdout, cli.verbose, !cli.no_color && ::isatty(STDOUT_FILENO) != 0);
  // GCC 12 miscompiles co_await inside a conditional expression.
  kv::RunReport report;
  if (cli.replay.empty()) {
    report = co_await kv::explore_server(std::move(config));
  } else {
    report = co_await kv::replay_script(std::move(config));
  }
  co_return finish(cli, console, report);
}

// --explore or --replay (conformance/explore/explore_mode.h).
int run_explore_side(const Cli& cli) {
  if (cli.targets.size() + (cli.exec.empty() ? 0 : 1) != 1 || cli.differential) {
    fmt::print(stderr,
               "kvconform: --explore and --replay need exactly one of --target HOST:PORT "
               "or --exec COMMAND\n");
    return kExitUsage;
  }
  if (!cli.exec.empty() && cli.exec.find("{port}") == std::string::npos) {
    fmt::print(stderr, "kvconform: --exec COMMAND must contain {{port}}\n");
    return kExitUsage;
  }
  kv::ExploreConfig config;
  config.options = base_options(cli);
  if (!cli.targets.empty()) {
    std::string error;
    const auto endpoint = resolve(cli.targets.front(), error);
    if (!endpoint) {
      fmt::print(stderr, "kvconform: {}\n", error);
      return kExitUsage;
    }
    config.options.endpoint = *endpoint;
    config.target_name = cli.targets.front();
  }
  config.exec_command = cli.exec;
  config.rerun_prefix = rerun_prefix(cli);
  config.budget_s = cli.budget_s;
  config.shrink_budget_s = cli.shrink_budget_s;
  config.connections = cli.connections;
  config.max_steps = cli.max_steps;
  config.strict = cli.strict;
  config.replay = cli.replay;
  config.save_script = cli.save_script;
  config.progress = ::isatty(STDOUT_FILENO) != 0;
  return run_async(run_explore(cli, std::move(config)));
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  Cli cli;
  CLI::App app{"kvconform: conformance runner for the KV protocol (spec/SPEC.md)"};
  app.add_option("--target", cli.targets,
                 "HOST:PORT of the server under test (twice or more with --differential)");
  app.add_option("--exec", cli.exec,
                 "start the server with this shell command; {port} is replaced by a free port");
  app.add_option("--client-exec", cli.client_exec,
                 "check a client: start its adapter with this shell command per case; {host} and "
                 "{port} name kvconform's scripted server (spec/client-adapter.md)");
  app.add_flag("--client", cli.client, "with --list: list the client cases (SPEC 13)");
  app.add_option("--client-timeout-ms", cli.client_timeout_ms,
                 "the client's own timeout, passed as {timeout_ms} (client suite)")
      ->check(CLI::Range(100, 600000));
  app.add_option("--profile", cli.profile, "the server's concurrency profile")
      ->check(CLI::IsMember({"concurrent", "sequential"}));
  app.add_option("--max-frame-bytes", cli.max_frame_bytes, "the maximum LEN the target uses")
      ->check(CLI::Range(kv::kMinFrameLen, kv::kMaxConfigurableFrameLen));
  app.add_option("--cases", cli.cases, "run only cases whose ID matches this glob (repeatable)");
  app.add_option("--exclude", cli.exclude,
                 "report cases whose ID matches this glob as SKIP (repeatable)");
  app.add_option("--known-failing", cli.known_failing, "file of 'CASE-ID-or-GLOB reason' lines")
      ->check(CLI::ExistingFile);
  app.add_option("--timeout-scale", cli.timeout_scale, "multiply every timeout (slow machines)")
      ->check(CLI::Range(0.1, 100.0));
  app.add_option("--seed", cli.seed, "seed for every random choice (default: random, printed)");
  app.add_option("--jobs", cli.jobs, "cases run at once (sequential profile: always 1)")
      ->check(CLI::Range(1, 64));
  app.add_flag("--strict", cli.strict, "SHOULD cases count too: LENIENT makes the run fail");
  app.add_option("--json", cli.json, "write a JSON report (schema kvconform-report/2)");
  app.add_option("--junit", cli.junit, "write a JUnit XML report");
  app.add_option("--html", cli.html, "write a self-contained HTML report");
  CLI::Option* list = app.add_flag("--list", cli.list, "list every case: ID, level, profile, rule");
  app.add_flag("--by-rule", cli.by_rule,
               "with --list: every rule of the spec with the cases (server and client) that cite "
               "it, or why none can")
      ->needs(list);
  app.add_option("--explain", cli.explain, "describe one case in full");
  app.add_flag("-v,--verbose", cli.verbose, "print the wire log of every case");
  app.add_flag("--differential", cli.differential,
               "compare the response streams of several --target servers");
  app.add_option("--steps", cli.steps, "requests in the differential script")
      ->check(CLI::Range(1, 100000));
  app.add_option("--drip-ms", cli.drip_ms,
                 "interval of the slow-drip shape (SPEC 9.2 allows up to 100 ms)")
      ->check(CLI::Range(1, 100));
  app.add_option("--idle-timeout-ms", cli.idle_timeout_ms,
                 "the idle timeout the server was started with (SPEC 9.1); cases that pause "
                 "between requests stay below a third of it")
      ->check(CLI::Range(300, 3600000));
  app.add_option("--drain-ms", cli.drain_ms,
                 "the drain time the server was started with (SPEC 12.5, default 3000); at "
                 "least 2000, so that 12.6 can tell a stop on the second signal from the end "
                 "of the drain")
      ->check(CLI::Range(2000, 600000));
  app.add_option("--max-restarts", cli.max_restarts,
                 "stop early after this many consecutive crashes or wedges of the server")
      ->check(CLI::Range(0, 1000));
  app.add_flag("--isolate", cli.isolate,
               "--exec only: run every case alone against a freshly started server");
  app.add_flag("--no-confirm", cli.no_confirm,
               "report failures without rerunning them alone first (faster, less certain)");
  app.add_flag("--no-color", cli.no_color, "no ANSI colours on the console");
  app.add_flag("--explore", cli.explore,
               "fire random programs at the server, check every response against the spec's "
               "model, shrink the first failure to a minimal replayable script");
  app.add_option("--replay", cli.replay, "run an explore script (JSON) once and show its wire log")
      ->check(CLI::ExistingFile);
  app.add_option("--budget-s", cli.budget_s, "explore: seconds to explore (default 60)")
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--shrink-budget-s", cli.shrink_budget_s,
                 "explore: seconds to shrink a failure (default 120)")
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--connections", cli.connections, "explore: connections per program (default 3)")
      ->check(CLI::Range(1, 16));
  app.add_option("--max-steps", cli.max_steps, "explore: steps per program, at most (default 30)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--save-script", cli.save_script,
                 "explore: write the minimal failing program's JSON script to this file");
  app.set_version_flag("--version", kv::version_line("kvconform"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (!cli.seed) cli.seed = std::random_device{}() % 1000000;
  if (cli.by_rule) {
    std::vector<std::string> errors;
    const auto not_checkable = kv::parse_not_checkable(kv::built_in_not_checkable(), errors);
    for (const std::string& error : errors) {
      fmt::print(stderr, "kvconform: spec/not-checkable.txt: {}\n", error);
    }
    const std::vector<std::string> ids = kv::every_case_id();
    kv::print_rule_map(stdout, kv::map_rules(kv::parse_rule_outline(kv::built_in_rule_outline()),
                                             not_checkable, ids));
    return 0;
  }
  if (cli.client || !cli.client_exec.empty() ||
      (!cli.explain.empty() && kv::find_client_case(cli.explain) != nullptr)) {
    return run_client_side(cli);
  }

  if (cli.explore || !cli.replay.empty()) return run_explore_side(cli);
  if (cli.list) {
    kv::print_case_list(stdout, kv::all_cases());
    return 0;
  }
  if (!cli.explain.empty()) {
    const kv::CaseDef* def = kv::all_cases().find(cli.explain);
    if (def == nullptr) {
      fmt::print(stderr, "kvconform: no case '{}' (see --list)\n", cli.explain);
      return kExitUsage;
    }
    kv::print_case_explanation(stdout, *def, base_options(cli));
    return 0;
  }
  if (cli.differential) {
    if (cli.targets.size() < 2 || !cli.exec.empty()) {
      fmt::print(stderr, "kvconform: --differential needs two or more --target and no --exec\n");
      return kExitUsage;
    }
    return run_async(run_differential_mode(cli));
  }
  if (cli.targets.size() + (cli.exec.empty() ? 0 : 1) != 1) {
    fmt::print(stderr, "kvconform: give exactly one of --target HOST:PORT or --exec COMMAND\n");
    return kExitUsage;
  }
  // From here on, every exit writes the report files asked for.
  std::string setup_error;
  if (!cli.exec.empty() && cli.exec.find("{port}") == std::string::npos) {
    setup_error = "--exec COMMAND must contain {port}";
  }
  if (cli.isolate && cli.exec.empty()) setup_error = "--isolate needs --exec";
  std::optional<tcp::endpoint> endpoint;
  if (setup_error.empty() && !cli.targets.empty()) {
    endpoint = resolve(cli.targets.front(), setup_error);
  }
  return run_async(run_conformance(cli, endpoint, setup_error));
}
