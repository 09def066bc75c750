// kvconform diff: one seeded request script against several servers, and
// the first place where their response streams differ.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "conformance/cli/bound_options.h"
#include "conformance/cli/command.h"
#include "conformance/cli/endpoint.h"
#include "conformance/cli/run_async.h"
#include "conformance/cli/server_options.h"
#include "conformance/differential/differential.h"

namespace kv::cli {
namespace {

class DiffCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub = app.add_subcommand(
        "diff",
        "run one seeded request script against two or more servers and report the "
        "first difference between their responses");
    sub->add_option("--target", targets_, "HOST:PORT of a running server (twice or more)")
        ->required();
    bound_.emplace(*sub, config_);
    bound_
        ->option(
            "--steps", [](auto& c) -> auto& { return c.steps; }, "requests in the script",
            Rerun::kOmit)
        ->check(CLI::Range(1, 100000));
    add_max_frame_option(*bound_);
    add_timeout_scale_option(*bound_);
    add_seed_option(*sub, seed_);
    add_time_budget_option(
        *bound_, [](auto& c) -> auto& { return c.time_budget_s; }, "no budget");
    return sub;
  }

  int run() override {
    if (targets_.size() < 2) {
      fmt::print(stderr, "kvconform: diff needs two or more --target\n");
      return kExitUsage;
    }
    config_.options.seed = seed_or_random(seed_);
    config_.rerun_prefix = "kvconform diff";
    for (const std::string& target : targets_)
      config_.rerun_prefix += " --target " + option_text(target);
    config_.rerun_prefix += bound_->rerun_arguments();
    for (const std::string& target : targets_) {
      std::string error;
      const auto endpoint = resolve_endpoint(target, error);
      if (!endpoint) {
        fmt::print(stderr, "kvconform: {}\n", error);
        return kExitUsage;
      }
      config_.targets.push_back({target, *endpoint});
    }
    fmt::print("kvconform diff: {} requests, seed {}\n", config_.steps, config_.options.seed);
    return run_async(run_differential(config_, stdout));
  }

 private:
  DifferentialConfig config_;
  std::optional<BoundOptions<DifferentialConfig>> bound_;
  std::vector<std::string> targets_;
  std::optional<std::uint64_t> seed_;
};

}  // namespace

std::unique_ptr<Command> diff_command() {
  return std::make_unique<DiffCommand>();
}

}  // namespace kv::cli
