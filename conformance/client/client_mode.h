// The client suite (`kvconform client`, `kvconform list --client`): the
// entry points the CLI (conformance/cli/) calls.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "conformance/client/client_case.h"
#include "conformance/client/client_run_options.h"
#include "conformance/client/client_runner.h"
#include "conformance/report/report_files.h"

namespace kv {

struct ClientModeConfig {
  ClientSuiteConfig suite;
  std::vector<std::string> cases;  // --cases globs; empty selects every case.
  std::string known_failing_path;  // --known-failing FILE, or "".
  bool strict = false;
  ReportFiles reports;  // --json, --junit, --html.
  bool verbose = false;
  bool color = false;
};

// Checks the adapter command: "" if usable, or what is wrong with it.
std::string check_adapter_command(const std::string& command);

// Runs the selected client cases against the adapter, prints progress and
// the summary on stdout, writes the report files. Returns kvconform's exit
// code: 0 every MUST case passed (and SHOULD with strict), 1 a case failed
// or had an ERROR, 2 a usage error.
int run_client_mode(ClientModeConfig config);

// kvconform list --client: one line per client case.
void print_client_case_list(std::FILE* out);
// The IDs of every case kvconform has, server suite then client suite (for
// the rule map of conformance/rules/rule_map.h).
std::vector<std::string> every_case_id();
// kvconform explain ID for a client case, with the run's bounds.
void print_client_case_explanation(std::FILE* out, const ClientCaseDef& def,
                                   const ClientRunOptions& options);

}  // namespace kv
