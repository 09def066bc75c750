// kvconform: the conformance runner for the KV protocol. See README.md and
// conformance/README.md.
//
// kvconform SUBCOMMAND [options]; `kvconform SUBCOMMAND --help` lists a
// subcommand's own options. Without a subcommand, options go to `server`.
//
// Exit codes: 0 every MUST case passed (and every SHOULD with --strict),
// or nothing was found (explore), or the servers agree (diff); 1 a case
// failed or had an ERROR, or the servers differ; 2 usage error or target
// unreachable.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"
#include "conformance/cli/command.h"

namespace {

using kv::cli::Command;

// The mode flags of kvconform before it had subcommands, and what replaced
// each: they are refused with that hint rather than read as something else.
struct RemovedFlag {
  std::string_view flag;
  std::string_view instead;
};
constexpr RemovedFlag kRemovedFlags[] = {
    {"--explore", "kvconform explore --exec COMMAND (or --target HOST:PORT)"},
    {"--replay", "kvconform replay SCRIPT --exec COMMAND (or --target HOST:PORT)"},
    {"--differential", "kvconform diff --target A --target B ..."},
    {"--client-exec", "kvconform client --exec COMMAND"},
    {"--client", "kvconform client --exec COMMAND, or kvconform list --client"},
    {"--list", "kvconform list (--client for the client cases)"},
    {"--by-rule", "kvconform list --by-rule"},
    {"--explain", "kvconform explain ID"},
};

// The first removed flag among `args` (a flag may be written --flag=VALUE),
// or nullptr.
const RemovedFlag* removed_flag(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    const std::string_view name = std::string_view(arg).substr(0, arg.find('='));
    for (const RemovedFlag& removed : kRemovedFlags) {
      if (name == removed.flag) return &removed;
    }
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  std::vector<std::string> args(argv + 1, argv + argc);
  CLI::App app{"kvconform: the conformance runner for the KV protocol (spec/SPEC.md)",
               "kvconform"};
  app.require_subcommand(1, 1);
  // Issue 24 adds `--version` here (the project VERSION of CMakeLists.txt).
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(kv::cli::server_command());
  commands.push_back(kv::cli::client_command());
  commands.push_back(kv::cli::explore_command());
  commands.push_back(kv::cli::replay_command());
  commands.push_back(kv::cli::diff_command());
  commands.push_back(kv::cli::list_command());
  commands.push_back(kv::cli::explain_command());
  std::vector<CLI::App*> subcommands;
  for (const auto& command : commands) subcommands.push_back(command->add_to(app));
  // After the subcommands, which would inherit it.
  app.footer("Without a subcommand, the options go to `server`.\n"
             "`kvconform SUBCOMMAND --help` lists the options of one subcommand.");

  const bool help = !args.empty() && (args.front() == "-h" || args.front() == "--help");
  if (!args.empty() && args.front().starts_with("-") && !help) args.insert(args.begin(), "server");
  if (!args.empty() && args.front() == "server") {
    if (const auto* removed = removed_flag(args)) {
      fmt::print(stderr, "kvconform: {} was replaced by a subcommand: {}\n(kvconform --help lists the subcommands)\n",
                 removed->flag, removed->instead);
      return kv::cli::kExitUsage;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes its arguments last to first.
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kv::cli::kExitUsage;
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (subcommands[i]->parsed()) return commands[i]->run();
  }
  return kv::cli::kExitUsage;
}
