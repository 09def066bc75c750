// kvconform explore (random programs, the first failure shrunk to a
// replayable script) and kvconform replay (one such script, once); both
// drive conformance/explore/explore_mode.h. replay also runs the scripts
// of client exploration (conformance/cli/client_exploration.h).
#include <fmt/format.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "conformance/cli/bound_options.h"
#include "conformance/cli/client_exploration.h"
#include "conformance/cli/command.h"
#include "conformance/cli/endpoint.h"
#include "conformance/cli/report_options.h"
#include "conformance/cli/run_async.h"
#include "conformance/cli/server_options.h"
#include "conformance/client/client_script.h"
#include "conformance/explore/explore_mode.h"

namespace kv::cli {
namespace {

namespace asio = boost::asio;

asio::awaitable<int> run_explore(ExploreConfig config, ReportFiles files) {
  ConsoleReport console(stdout, files.verbose, console_color(files));
  // GCC 12 miscompiles co_await inside a conditional expression.
  RunReport report;
  if (config.replay.empty()) {
    report = co_await explore_server(std::move(config));
  } else {
    report = co_await replay_script(std::move(config));
  }
  co_return finish_run(files, console, report);
}

void add_strict_option(BoundOptions<ExploreConfig>& bound) {
  bound.flag(
      "--strict", [](auto& c) -> auto& { return c.strict; },
      "judge SHOULD rules too (canonical responses, SPEC 4.5)", Rerun::kRepeat);
}

// The options replay takes (explore takes them too): the target, the
// settings the judgement depends on, and --strict.
void add_replay_settings(BoundOptions<ExploreConfig>& bound) {
  add_target_options(bound);
  add_timeout_scale_option(bound);
  add_idle_timeout_option(bound);
  add_strict_option(bound);
}

// --time-budget-s of explore and replay.
void add_explore_budget_option(BoundOptions<ExploreConfig>& bound) {
  add_time_budget_option(
      bound, [](auto& c) -> auto& { return c.time_budget_s; },
      "--budget-s + --shrink-budget-s + 120");
}

// "kvconform replay" and the options of `config` that replay repeats.
std::string replay_prefix(ExploreConfig& config) {
  CLI::App scratch;
  BoundOptions<ExploreConfig> replay(scratch, config);
  add_replay_settings(replay);
  return "kvconform replay" + replay.rerun_arguments();
}

// What explore and replay share: the config, its options, the reports.
class ExploreBase : public Command {
 protected:
  // Resolves the target and runs; `subcommand` names the rerun line.
  int start(const std::string& subcommand) {
    config_.rerun_prefix = "kvconform " + subcommand + bound_->rerun_arguments();
    config_.replay_prefix = replay_prefix(config_);
    if (const std::string error = check_one_target(config_.target_name, config_.exec_command);
        !error.empty()) {
      fmt::print(stderr, "kvconform: {}\n", error);
      return kExitUsage;
    }
    if (!config_.target_name.empty()) {
      std::string error;
      const auto endpoint = resolve_endpoint(config_.target_name, error);
      if (!endpoint) {
        fmt::print(stderr, "kvconform: {}\n", error);
        return kExitUsage;
      }
      config_.options.endpoint = *endpoint;
    }
    config_.progress = ::isatty(STDOUT_FILENO) != 0;
    return run_async(run_explore(config_, files_));
  }

  ExploreConfig config_;
  std::optional<BoundOptions<ExploreConfig>> bound_;
  ReportFiles files_;
};

class ExploreCommand final : public ExploreBase {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub = app.add_subcommand(
        "explore",
        "fire random programs at a server, judge every response by the spec's model, and "
        "shrink the first failure to a minimal replayable script");
    bound_.emplace(*sub, config_);
    add_server_options(*bound_);
    add_seed_option(*sub, seed_);
    bound_
        ->option(
            "--budget-s", [](auto& c) -> auto& { return c.budget_s; },
            "seconds to explore, unless a failure is confirmed first", Rerun::kOmit)
        ->check(CLI::Range(0.1, 86400.0));
    bound_
        ->option(
            "--shrink-budget-s", [](auto& c) -> auto& { return c.shrink_budget_s; },
            "seconds to shrink a failure", Rerun::kOmit)
        ->check(CLI::Range(0.0, 86400.0));
    bound_
        ->option(
            "--connections", [](auto& c) -> auto& { return c.connections; },
            "connection slots per program", Rerun::kRepeat)
        ->check(CLI::Range(1, 16));
    bound_
        ->option(
            "--max-steps", [](auto& c) -> auto& { return c.max_steps; },
            "steps per program, at most", Rerun::kRepeat)
        ->check(CLI::Range(1, 1000));
    sub->add_option("--save-script", config_.save_script,
                    "write the minimal failing program's JSON script to this file");
    add_strict_option(*bound_);
    add_explore_budget_option(*bound_);
    add_report_options(*sub, files_);
    return sub;
  }

  int run() override {
    config_.options.seed = seed_or_random(seed_);
    return start("explore");
  }

 private:
  std::optional<std::uint64_t> seed_;
};

class ReplayCommand final : public ExploreBase {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub = app.add_subcommand(
        "replay",
        "run one explore script (JSON) once against a server, or one client script against a "
        "client's adapter, and show its wire log");
    sub->add_option("script", config_.replay, "the script, as explore --save-script wrote it")
        ->required()
        ->check(CLI::ExistingFile);
    bound_.emplace(*sub, config_);
    add_replay_settings(*bound_);
    add_explore_budget_option(*bound_);
    add_report_options(*sub, files_);
    return sub;
  }

  int run() override {
    // The script fixes the program; the seed only names this run.
    config_.options.seed = seed_or_random(std::nullopt);
    if (is_client_script_file(config_.replay)) return replay_client();
    return start("replay");
  }

 private:
  // A script of client exploration: --exec is the client's adapter
  // (spec/client-adapter.md); the script holds the client's settings.
  int replay_client() {
    if (config_.exec_command.empty() || !config_.target_name.empty()) {
      fmt::print(stderr,
                 "kvconform replay: {} is a client script: give the client's adapter with "
                 "--exec, not --target\n",
                 config_.replay);
      return kExitUsage;
    }
    ClientExploreConfig client;
    client.replay = config_.replay;
    client.options.command = config_.exec_command;
    client.options.timeout_scale = config_.options.timeout_scale;
    client.options.seed = config_.options.seed;
    client.time_budget_s = config_.time_budget_s;
    client.replay_prefix = client_replay_prefix(client.options);
    client.rerun_prefix = client.replay_prefix;
    return run_client_exploration(std::move(client), files_);
  }
};

}  // namespace

std::unique_ptr<Command> explore_command() {
  return std::make_unique<ExploreCommand>();
}
std::unique_ptr<Command> replay_command() {
  return std::make_unique<ReplayCommand>();
}

}  // namespace kv::cli
