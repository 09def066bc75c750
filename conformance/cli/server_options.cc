#include "conformance/cli/server_options.h"

#include <random>

namespace kv::cli {

std::string_view profile_word(Profile profile) {
  for (const auto& [word, value] : kProfileNames) {
    if (value == profile) return word;
  }
  return "?";
}

void add_seed_option(CLI::App& app, std::optional<std::uint64_t>& seed) {
  app.add_option("--seed", seed,
                 "seed of every random choice (default: a random seed, printed on every run)");
}

std::uint64_t seed_or_random(const std::optional<std::uint64_t>& seed) {
  return seed ? *seed : std::random_device{}() % 1000000;
}

std::string check_one_target(const std::string& target, const std::string& exec) {
  if (target.empty() == exec.empty()) {
    return "give exactly one of --target HOST:PORT or --exec COMMAND";
  }
  if (!exec.empty() && exec.find("{port}") == std::string::npos) {
    return "--exec COMMAND must contain {port}";
  }
  return {};
}

}  // namespace kv::cli
