// kvconform client: the suite of client cases (SPEC 13) against a client's
// adapter (spec/client-adapter.md).
#include <fmt/format.h>

#include <optional>
#include <string>

#include "codec/frame_format.h"
#include "conformance/cli/bound_options.h"
#include "conformance/cli/command.h"
#include "conformance/cli/report_options.h"
#include "conformance/cli/selection_options.h"
#include "conformance/cli/server_options.h"
#include "conformance/client/client_mode.h"

namespace kv::cli {
namespace {

class ClientCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub =
        app.add_subcommand("client", "check a client against the suite of client cases (SPEC 13)");
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
    add_report_options(*sub, files_);
    return sub;
  }

  int run() override {
    config_.suite.options.seed = seed_or_random(seed_);
    config_.suite.rerun_prefix = "kvconform client" + bound_->rerun_arguments();
    config_.reports = static_cast<const kv::ReportFiles&>(files_);
    config_.verbose = files_.verbose;
    config_.color = console_color(files_);
    return run_client_mode(std::move(config_));
  }

 private:
  ClientModeConfig config_;
  std::optional<BoundOptions<ClientModeConfig>> bound_;
  std::optional<std::uint64_t> seed_;
  ReportFiles files_;
};

}  // namespace

std::unique_ptr<Command> client_command() {
  return std::make_unique<ClientCommand>();
}

}  // namespace kv::cli
