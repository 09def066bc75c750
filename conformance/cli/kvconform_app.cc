#include "conformance/cli/kvconform_app.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/version.h"

namespace kv::cli {
namespace {

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

}  // namespace

const RemovedFlag* removed_flag(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    const std::string_view name = std::string_view(arg).substr(0, arg.find('='));
    for (const RemovedFlag& removed : kRemovedFlags) {
      if (name == removed.flag) return &removed;
    }
  }
  return nullptr;
}

std::vector<std::string> with_default_subcommand(std::vector<std::string> args) {
  if (args.empty() || !args.front().starts_with("-")) return args;
  const std::string& first = args.front();
  if (first == "-h" || first == "--help" || first == "--version") return args;
  args.insert(args.begin(), "server");
  return args;
}

KvconformApp::KvconformApp()
    : app_("kvconform: the conformance runner for the KV protocol (spec/SPEC.md)", "kvconform") {
  app_.require_subcommand(1, 1);
  app_.set_version_flag("--version", version_line("kvconform"));
  commands_.push_back(server_command());
  commands_.push_back(client_command());
  commands_.push_back(explore_command());
  commands_.push_back(replay_command());
  commands_.push_back(diff_command());
  commands_.push_back(list_command());
  commands_.push_back(explain_command());
  for (const auto& command : commands_) subcommands_.push_back(command->add_to(app_));
  // After the subcommands, which would inherit it.
  app_.footer(
      "Without a subcommand, the options go to `server`.\n"
      "`kvconform SUBCOMMAND --help` lists the options of one subcommand, with their defaults.");
}

std::optional<int> KvconformApp::parse(std::vector<std::string> args) {
  args = with_default_subcommand(std::move(args));
  if (!args.empty() && args.front() == "server") {
    if (const RemovedFlag* removed = removed_flag(args)) {
      fmt::print(stderr,
                 "kvconform: {} was replaced by a subcommand: {}\n"
                 "(kvconform --help lists the subcommands)\n",
                 removed->flag, removed->instead);
      return kExitUsage;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes its arguments last to first.
  try {
    app_.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app_.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  return std::nullopt;
}

int KvconformApp::run() {
  for (std::size_t i = 0; i < commands_.size(); ++i) {
    if (subcommands_[i]->parsed()) return commands_[i]->run();
  }
  return kExitUsage;
}

}  // namespace kv::cli
