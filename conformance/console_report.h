// The console reporter: one progress line per case as it finishes (with
// the details of every failure), then a summary table and the counts.
#pragma once

#include <cstdio>

#include "conformance/case_registry.h"
#include "conformance/case_result.h"
#include "conformance/run_options.h"

namespace kv {

class ConsoleReport {
 public:
  // `verbose` also prints the wire log of passing cases.
  ConsoleReport(std::FILE* out, bool verbose, bool color);

  void case_finished(const CaseReport& report, std::size_t done, std::size_t total);
  void summary(const RunReport& run);

 private:
  std::string paint(Result result, std::string_view text) const;

  std::FILE* out_;
  bool verbose_;
  bool color_;
};

// --list: one line per case: ID, level, profile, rule quote.
void print_case_list(std::FILE* out, const CaseRegistry& registry);
// --explain ID: the full description of one case with the run's timeouts.
void print_case_explanation(std::FILE* out, const CaseDef& def, const RunOptions& options);

}  // namespace kv
