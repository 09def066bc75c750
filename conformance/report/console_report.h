// The console reporter: one progress line per case as it finishes, one
// per confirmation rerun, then the run's findings, its root causes (the
// findings first, one line each, then the cases), the
// details of every failure (root causes first, with wire logs), the run's
// statistics (engine/run_statistics.h), a summary table and the verdict.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "conformance/cases/case_registry.h"
#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"

namespace kv {

class ConsoleReport {
 public:
  // `verbose` also prints the details and wire log of passing cases.
  ConsoleReport(std::FILE* out, bool verbose, bool color);

  void note(std::string_view text);
  void case_finished(const CaseReport& report, std::size_t done, std::size_t total);
  void confirming(std::size_t count, bool fresh_server);
  void case_confirmed(const CaseReport& report, std::size_t done, std::size_t total);
  // Everything after the last case: findings, root causes, details,
  // summary table and verdict.
  void summary(const RunReport& run);

 private:
  std::string paint(Result result, std::string_view text) const;
  void print_finding(const Finding& finding);
  void print_details(const CaseReport& r, bool with_wire_log);
  void print_statistics(const RunStatistics& stats);

  std::FILE* out_;
  bool verbose_;
  bool color_;
};

// kvconform list: one line per case: ID, level, profile, rule quote.
void print_case_list(std::FILE* out, const CaseRegistry& registry);
// kvconform explain ID: the full description of one case with the run's timeouts.
void print_case_explanation(std::FILE* out, const CaseDef& def, const RunOptions& options);

}  // namespace kv
