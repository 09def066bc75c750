// kvconform server: the suite of server cases against one server.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "conformance/cases/case_registry.h"
#include "conformance/cli/bound_options.h"
#include "conformance/cli/command.h"
#include "conformance/cli/endpoint.h"
#include "conformance/cli/report_options.h"
#include "conformance/cli/run_async.h"
#include "conformance/cli/selection_options.h"
#include "conformance/cli/server_options.h"
#include "conformance/engine/case_selection.h"
#include "conformance/engine/runner.h"

namespace kv::cli {
namespace {

namespace asio = boost::asio;

std::vector<const CaseDef*> select_cases(const std::vector<std::string>& globs) {
  std::vector<const CaseDef*> selected;
  for (const CaseDef& def : all_cases().cases()) {
    if (globs.empty() || first_match(globs, def.id)) selected.push_back(&def);
  }
  return selected;
}

asio::awaitable<int> run_suite(RunnerConfig config, ReportFiles files,
                               std::vector<const CaseDef*> cases) {
  ConsoleReport console(stdout, files.verbose, console_color(files));
  fmt::print("kvconform: {} cases against {} (profile {}, seed {}, jobs {}, timeout scale {})\n",
             cases.size(), config.target_name, config.profile_name, config.options.seed,
             config.jobs, config.options.timeout_scale);
  RunnerEvents events;
  events.note = [&](std::string_view text) { console.note(text); };
  events.case_done = [&](const CaseReport& r, std::size_t done, std::size_t total) {
    console.case_finished(r, done, total);
  };
  const bool exec = !config.exec_command.empty();
  events.confirming = [&](std::size_t count) { console.confirming(count, exec); };
  events.case_confirmed = [&](const CaseReport& r, std::size_t done, std::size_t total) {
    console.case_confirmed(r, done, total);
  };
  Runner runner(config, events);
  const RunReport report = co_await runner.run(cases);
  co_return finish_run(files, console, report);
}

class ServerCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub = app.add_subcommand(
        "server", "check a server against the suite of server cases (the default subcommand)");
    bound_.emplace(*sub, config_);
    add_server_options(*bound_);
    add_drain_option(*bound_);
    add_seed_option(*sub, seed_);
    add_selection_options(*sub, cases_, config_.exclude, known_failing_);
    bound_
        ->option(
            "--jobs", [](auto& c) -> auto& { return c.jobs; },
            "cases run at once (the sequential profile always runs 1)", Rerun::kOmit)
        ->check(CLI::Range(1, 64));
    bound_->flag(
        "--strict", [](auto& c) -> auto& { return c.strict; },
        "SHOULD cases count too: a LENIENT case fails the run", Rerun::kOmit);
    bound_
        ->option(
            "--max-restarts", [](auto& c) -> auto& { return c.max_restarts; },
            "stop early after this many consecutive crashes or wedges of the server", Rerun::kOmit)
        ->check(CLI::Range(0, 1000));
    bound_->flag(
        "--isolate", [](auto& c) -> auto& { return c.isolate; },
        "--exec only: run every case alone against a freshly started server", Rerun::kOmit);
    bound_->flag(
        "--no-confirm", [](auto& c) -> auto& { return c.confirm; },
        "report failures without rerunning them alone first (faster, less certain)", Rerun::kOmit,
        false);
    add_time_budget_option(
        *bound_, [](auto& c) -> auto& { return c.time_budget_s; }, "no budget");
    add_report_options(*sub, files_);
    return sub;
  }

  int run() override {
    config_.options.seed = seed_or_random(seed_);
    config_.rerun_prefix = "kvconform server" + bound_->rerun_arguments();
    config_.profile_name = std::string(profile_word(config_.options.profile));
    const std::string target = config_.target_name;
    if (!config_.exec_command.empty()) config_.target_name = config_.exec_command;
    if (target.empty() == config_.exec_command.empty()) {
      fmt::print(stderr, "kvconform: {}\n", check_one_target(target, config_.exec_command));
      return kExitUsage;
    }
    // From here on, every exit writes the report files asked for.
    std::string error = check_one_target(target, config_.exec_command);
    if (error.empty() && config_.isolate && config_.exec_command.empty()) {
      error = "--isolate needs --exec";
    }
    if (error.empty() && !target.empty()) {
      if (const auto endpoint = resolve_endpoint(target, error))
        config_.options.endpoint = *endpoint;
    }
    const std::vector<const CaseDef*> cases = select_cases(cases_);
    if (error.empty() && cases.empty()) error = "no case matches --cases (see kvconform list)";
    if (error.empty() && !known_failing_.empty()) {
      error = config_.known_failing.load(known_failing_);
    }
    if (!error.empty()) {
      fmt::print(stderr, "kvconform: {}\n", error);
      ConsoleReport console(stdout, files_.verbose, console_color(files_));
      return finish_run(files_, console, aborted_run_report(config_, cases, error));
    }
    if (config_.options.profile == Profile::kSequential && config_.jobs > 1) {
      fmt::print(
          "note: the sequential profile serves one connection at a time; running with --jobs 1\n");
      config_.jobs = 1;
    }
    return run_async(run_suite(config_, files_, cases));
  }

 private:
  RunnerConfig config_;
  std::optional<BoundOptions<RunnerConfig>> bound_;
  std::optional<std::uint64_t> seed_;
  std::vector<std::string> cases_;
  std::string known_failing_;
  ReportFiles files_;
};

}  // namespace

std::unique_ptr<Command> server_command() {
  return std::make_unique<ServerCommand>();
}

}  // namespace kv::cli
