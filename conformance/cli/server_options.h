// The options of the subcommands that talk to a server (server, explore,
// replay, diff, explain): which server, and the settings it was started
// with. Each is bound to the RunOptions of the subcommand's config, whose
// member initializers (conformance/engine/run_options.h) are the defaults.
//
// `Config` is any struct with a RunOptions member `options`; the target
// options also need the strings `target_name` and `exec_command`
// (RunnerConfig, ExploreConfig).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "codec/frame_format.h"
#include "conformance/cli/bound_options.h"
#include "conformance/engine/run_options.h"

namespace kv::cli {

inline const std::map<std::string, Profile> kProfileNames = {{"concurrent", Profile::kConcurrent},
                                                             {"sequential", Profile::kSequential}};

std::string_view profile_word(Profile profile);

// --seed N. Without it a seed is drawn and printed, so every run can be
// repeated.
void add_seed_option(CLI::App& app, std::optional<std::uint64_t>& seed);
std::uint64_t seed_or_random(const std::optional<std::uint64_t>& seed);

// --target HOST:PORT and --exec COMMAND; exactly one must be given
// (check_one_target).
template <class Config>
void add_target_options(BoundOptions<Config>& bound) {
  bound.option(
      "--target", [](auto& c) -> auto& { return c.target_name; },
      "HOST:PORT of a running server under test", Rerun::kRepeat);
  bound.option(
      "--exec", [](auto& c) -> auto& { return c.exec_command; },
      "start the server with this shell command ({port} is replaced by a free port); "
      "it is restarted when it crashes or wedges, and stopped at the end",
      Rerun::kRepeat);
}

// "" when exactly one of --target and --exec was given, and --exec
// contains {port}; what is wrong otherwise.
std::string check_one_target(const std::string& target, const std::string& exec);

template <class Config>
void add_profile_option(BoundOptions<Config>& bound) {
  bound.choice(
      "--profile", [](auto& c) -> auto& { return c.options.profile; }, kProfileNames,
      "the server's concurrency profile (SPEC 11)", Rerun::kRepeat);
}

template <class Config>
void add_max_frame_option(BoundOptions<Config>& bound) {
  bound
      .option(
          "--max-frame-bytes", [](auto& c) -> auto& { return c.options.max_frame_bytes; },
          "the maximum LEN the server was started with", Rerun::kRepeat)
      ->check(CLI::Range(kMinFrameLen, kMaxConfigurableFrameLen));
}

template <class Config>
void add_timeout_scale_option(BoundOptions<Config>& bound) {
  bound
      .option(
          "--timeout-scale", [](auto& c) -> auto& { return c.options.timeout_scale; },
          "multiply every timeout (slow or loaded machines)", Rerun::kRepeat)
      ->check(CLI::Range(0.1, 100.0));
}

template <class Config>
void add_drip_option(BoundOptions<Config>& bound) {
  bound
      .option(
          "--drip-ms", [](auto& c) -> auto& { return c.options.drip_interval; },
          "interval of the slow-drip shape in ms (SPEC 9.2 allows up to 100)", Rerun::kRepeat)
      ->check(CLI::Range(1, 100));
}

template <class Config>
void add_idle_timeout_option(BoundOptions<Config>& bound) {
  bound
      .option(
          "--idle-timeout-ms", [](auto& c) -> auto& { return c.options.idle_timeout; },
          "the idle timeout the server was started with (SPEC 9.1); pauses between "
          "requests stay below a third of it",
          Rerun::kRepeat)
      ->check(CLI::Range(300, 3600000));
}

template <class Config>
void add_drain_option(BoundOptions<Config>& bound) {
  bound
      .option(
          "--drain-ms", [](auto& c) -> auto& { return c.options.drain_time; },
          "the drain time the server was started with (SPEC 12.5); at least 2000, so that "
          "12.6 can tell a stop on the second signal from the end of the drain",
          Rerun::kRepeat)
      ->check(CLI::Range(2000, 600000));
}

// --time-budget-s S (engine/run_control.h), bound to `field`, a double of
// seconds: when the run has lasted S s, every check without a verdict is
// ERROR "not run" and the reports are written. `zero` says what 0 means
// for this subcommand.
template <class Config, class Field>
void add_time_budget_option(BoundOptions<Config>& bound, Field field, const std::string& zero) {
  bound
      .option("--time-budget-s", field,
              "end the run after this many seconds, reporting the checks not run by then as "
              "ERROR \"not run\"; 0: " +
                  zero,
              Rerun::kOmit)
      ->check(CLI::Range(0.0, 604800.0));
}

// The server under test and the settings it was started with that every
// run against it needs: --target, --exec, --profile, --max-frame-bytes,
// --timeout-scale, --drip-ms, --idle-timeout-ms (server and explore).
template <class Config>
void add_server_options(BoundOptions<Config>& bound) {
  add_target_options(bound);
  add_profile_option(bound);
  add_max_frame_option(bound);
  add_timeout_scale_option(bound);
  add_drip_option(bound);
  add_idle_timeout_option(bound);
}

}  // namespace kv::cli
