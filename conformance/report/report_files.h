// The report files a run was asked for (--json, --junit, --html), written
// in one call on every path out of a run: a finished run, an aborted one,
// one whose time budget was spent, one a stop signal interrupted.
#pragma once

#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/report/console_report.h"

namespace kv {

struct ReportFiles {
  std::string json;   // JSON (json_report.h), or "" for none.
  std::string junit;  // JUnit XML (junit_report.h), or "".
  std::string html;   // One self-contained HTML page (html_report.h), or "".
};

// Writes every report asked for; returns one message per file that could
// not be written (empty when all were).
std::vector<std::string> write_reports(const RunReport& report, const ReportFiles& files);

// The end of every run: prints the summary on `console`, writes every
// report asked for (naming on stderr each that could not be written) and
// returns the run's exit code, or 2 (as for a usage error) if a file could
// not be written.
int finish_run(const ReportFiles& files, ConsoleReport& console, const RunReport& report);

}  // namespace kv
