// kvconform client: the suite of client cases (SPEC 13) against a client's
// adapter (spec/client-adapter.md).
#include <fmt/format.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "codec/frame_format.h"
#include "conformance/cli/bound_options.h"
#include "conformance/cli/client_exploration.h"
#include "conformance/cli/command.h"
#include "conformance/cli/report_options.h"
#include "conformance/cli/selection_options.h"
#include "conformance/cli/run_async.h"
#include "conformance/cli/server_options.h"
#include "conformance/client/client_mode.h"

namespace kv::cli {
namespace {

namespace asio = boost::asio;

asio::awaitable<int> run_client_explore(ClientExploreConfig config, ReportFiles files) {
  ConsoleReport console(stdout, files.verbose, console_color(files));
  // GCC 12 miscompiles co_await inside a conditional expression.
  RunReport report;
  if (config.replay.empty()) {
    report = co_await explore_client(std::move(config));
  } else {
    report = co_await replay_client_script(std::move(config));
  }
  co_return finish_run(files, console, report);
}

}  // namespace

int run_client_exploration(ClientExploreConfig config, const ReportFiles& files) {
  config.progress = ::isatty(STDOUT_FILENO) != 0;
  return run_async(run_client_explore(std::move(config), files));
}

std::string client_replay_prefix(const ClientRunOptions& options) {
  std::string prefix = "kvconform replay --exec " + shell_quote(options.command);
  if (options.timeout_scale != 1.0) {
    prefix += fmt::format(" --timeout-scale {:g}", options.timeout_scale);
  }
  return prefix;
}

namespace {

class ClientCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub =
        app.add_subcommand("client", "check a client against the suite of client cases (SPEC 13)");
    sub_ = sub;
    bound_.emplace(*sub, config_);
    bound_
        ->option(
            "--exec", [](auto& c) -> auto& { return c.suite.options.command; },
            "the client's adapter: a shell command started once per case; {host} and "
            "{port} name kvconform's scripted server, {timeout_ms} and {max_frame_bytes} "
            "the options below (spec/client-adapter.md)",
            Rerun::kRepeat)
        ->required();
    bound_
        ->option(
            "--client-timeout-ms", [](auto& c) -> auto& { return c.suite.options.client_timeout; },
            "the client's own response timeout, passed as {timeout_ms}", Rerun::kRepeat)
        ->check(CLI::Range(100, 600000));
    bound_
        ->option(
            "--max-frame-bytes",
            [](auto& c) -> auto& { return c.suite.options.client_max_frame_bytes; },
            "the client's maximum response LEN, passed as {max_frame_bytes}", Rerun::kRepeat)
        ->check(CLI::Range(kMinFrameLen, kMaxConfigurableFrameLen));
    bound_
        ->option(
            "--timeout-scale", [](auto& c) -> auto& { return c.suite.options.timeout_scale; },
            "multiply every timeout of kvconform's own (slow or loaded machines)", Rerun::kRepeat)
        ->check(CLI::Range(0.1, 100.0));
    add_seed_option(*sub, seed_);
    add_selection_options(*sub, config_.cases, config_.suite.exclude, config_.known_failing_path);
    bound_
        ->option(
            "--jobs", [](auto& c) -> auto& { return c.suite.jobs; }, "cases run at once",
            Rerun::kOmit)
        ->check(CLI::Range(1, 64));
    bound_->flag(
        "--strict", [](auto& c) -> auto& { return c.strict; },
        "SHOULD cases count too: a LENIENT case fails the run", Rerun::kOmit);
    add_time_budget_option(
        *bound_, [](auto& c) -> auto& { return c.suite.time_budget_s; }, "no budget");
    // Client exploration (conformance/client/client_explore.h).
    sub->add_flag("--explore", explore_,
                  "instead of the cases: random client programs judged by the spec's model; the "
                  "first failure is shrunk to a script that kvconform replay runs");
    sub->add_option("--budget-s", explore_config_.budget_s,
                    "with --explore: seconds to explore, unless a failure is confirmed first")
        ->check(CLI::Range(0.1, 86400.0))
        ->capture_default_str();
    sub->add_option("--shrink-budget-s", explore_config_.shrink_budget_s,
                    "with --explore: seconds to shrink a failure")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    sub->add_option("--max-steps", explore_config_.max_steps,
                    "with --explore: steps (commands) per program, at most")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    sub->add_option("--save-script", explore_config_.save_script,
                    "with --explore: write the minimal failing program's JSON script to this file");
    add_report_options(*sub, files_);
    return sub;
  }

  int run() override {
    config_.suite.options.seed = seed_or_random(seed_);
    if (explore_) {
      explore_config_.options = config_.suite.options;
      // The suite's default budget is not exploration's: only a budget
      // given on the command line bounds it.
      if (sub_->count("--time-budget-s") > 0) {
        explore_config_.time_budget_s = config_.suite.time_budget_s;
      }
      explore_config_.rerun_prefix = "kvconform client" + bound_->rerun_arguments();
      explore_config_.replay_prefix = client_replay_prefix(explore_config_.options);
      return run_client_exploration(explore_config_, files_);
    }
    config_.suite.rerun_prefix = "kvconform client" + bound_->rerun_arguments();
    config_.reports = static_cast<const kv::ReportFiles&>(files_);
    config_.verbose = files_.verbose;
    config_.color = console_color(files_);
    return run_client_mode(std::move(config_));
  }

 private:
  ClientModeConfig config_;
  CLI::App* sub_ = nullptr;
  bool explore_ = false;
  ClientExploreConfig explore_config_;
  std::optional<BoundOptions<ClientModeConfig>> bound_;
  std::optional<std::uint64_t> seed_;
  ReportFiles files_;
};

}  // namespace

std::unique_ptr<Command> client_command() {
  return std::make_unique<ClientCommand>();
}

}  // namespace kv::cli
