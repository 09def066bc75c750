// kvconform's command line as a whole: the subcommands, the default one,
// and the mode flags of older versions, refused with their replacement.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/cli/command.h"

namespace kv::cli {

// A mode flag of kvconform before it had subcommands, and what replaced it.
struct RemovedFlag {
  std::string_view flag;
  std::string_view instead;
};

// The first removed mode flag among `args` (also as --flag=VALUE), or
// nullptr.
const RemovedFlag* removed_flag(const std::vector<std::string>& args);

// `args` (without the program name) with "server" put first when they
// start with an option that is not kvconform's own (--help, --version).
std::vector<std::string> with_default_subcommand(std::vector<std::string> args);

class KvconformApp {
 public:
  KvconformApp();
  // Parses `args` (without the program name). Returns the exit code when
  // the command line is done with (help, version, a usage error, a removed
  // flag: printed), or std::nullopt when run() is next.
  std::optional<int> parse(std::vector<std::string> args);
  // Runs the subcommand that was parsed; returns kvconform's exit code.
  int run();
  CLI::App& app() { return app_; }

 private:
  CLI::App app_;
  std::vector<std::unique_ptr<Command>> commands_;
  std::vector<CLI::App*> subcommands_;
};

}  // namespace kv::cli
