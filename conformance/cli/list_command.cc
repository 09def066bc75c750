// kvconform list (every case of either suite, or every rule of the spec
// with the cases that check it) and kvconform explain (one case in full).
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "conformance/cases/case_registry.h"
#include "conformance/cli/bound_options.h"
#include "conformance/cli/command.h"
#include "conformance/cli/server_options.h"
#include "conformance/client/client_mode.h"
#include "conformance/report/console_report.h"
#include "conformance/rules/rule_map.h"

namespace kv::cli {
namespace {

int print_rules() {
  std::vector<std::string> errors;
  const auto not_checkable = parse_not_checkable(built_in_not_checkable(), errors);
  for (const std::string& error : errors) {
    fmt::print(stderr, "kvconform: spec/not-checkable.txt: {}\n", error);
  }
  print_rule_map(stdout, map_rules(parse_rule_outline(built_in_rule_outline()), not_checkable,
                                   every_case_id()));
  return 0;
}

class ListCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub = app.add_subcommand(
        "list", "list the server cases (or the client cases): ID, level, profile, rule");
    CLI::Option* client =
        sub->add_flag("--client", client_, "list the client cases (SPEC 13) instead");
    sub->add_flag("--by-rule", by_rule_,
                  "every rule of the spec with the cases (server and client) that check it, or "
                  "why none can")
        ->excludes(client);
    return sub;
  }

  int run() override {
    if (by_rule_) return print_rules();
    if (client_) {
      print_client_case_list(stdout);
    } else {
      print_case_list(stdout, all_cases());
    }
    return 0;
  }

 private:
  bool client_ = false;
  bool by_rule_ = false;
};

// The settings that change the bounds explain prints.
struct ExplainConfig {
  RunOptions options;
  ClientRunOptions client;
};

class ExplainCommand final : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* sub =
        app.add_subcommand("explain",
                           "describe one case (server or client) in full: what it sends, what it "
                           "expects, its bounds");
    sub->add_option("id", id_, "the case ID, as kvconform list prints it")->required();
    bound_.emplace(*sub, config_);
    add_timeout_scale_option(*bound_);
    add_drip_option(*bound_);
    add_idle_timeout_option(*bound_);
    bound_
        ->option(
            "--client-timeout-ms", [](auto& c) -> auto& { return c.client.client_timeout; },
            "a client case: the client's own response timeout", Rerun::kOmit)
        ->check(CLI::Range(100, 600000));
    return sub;
  }

  int run() override {
    if (const CaseDef* def = all_cases().find(id_)) {
      print_case_explanation(stdout, *def, config_.options);
      return 0;
    }
    if (const ClientCaseDef* def = find_client_case(id_)) {
      config_.client.timeout_scale = config_.options.timeout_scale;
      print_client_case_explanation(stdout, *def, config_.client);
      return 0;
    }
    fmt::print(stderr, "kvconform: no case '{}' (see kvconform list and kvconform list --client)\n",
               id_);
    return kExitUsage;
  }

 private:
  std::string id_;
  ExplainConfig config_;
  std::optional<BoundOptions<ExplainConfig>> bound_;
};

}  // namespace

std::unique_ptr<Command> list_command() {
  return std::make_unique<ListCommand>();
}
std::unique_ptr<Command> explain_command() {
  return std::make_unique<ExplainCommand>();
}

}  // namespace kv::cli
