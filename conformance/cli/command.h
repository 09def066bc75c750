// kvconform's subcommands: each adds its own options to the command line
// and runs when it was named (or, for `server`, when none was).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace kv::cli {

// Exit code of a usage error, an unreachable target, or a run that could
// not start: 0 and 1 are the verdicts.
inline constexpr int kExitUsage = 2;

class Command {
 public:
  virtual ~Command() = default;
  // Adds the subcommand, with its options bound to its config, to `app`.
  // The Command must outlive the parse.
  virtual CLI::App* add_to(CLI::App& app) = 0;
  // Runs after a successful parse; returns kvconform's exit code.
  virtual int run() = 0;
};

std::unique_ptr<Command> server_command();   // the suite of server cases
std::unique_ptr<Command> client_command();   // the suite of client cases
std::unique_ptr<Command> explore_command();  // random programs, shrunk
std::unique_ptr<Command> replay_command();   // one explore script
std::unique_ptr<Command> diff_command();     // several servers, one script
std::unique_ptr<Command> list_command();     // every case, or every rule
std::unique_ptr<Command> explain_command();  // one case in full

}  // namespace kv::cli
