// The options of every subcommand that ends in a RunReport: the report
// files, the wire logs on the console, colours.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "conformance/engine/case_result.h"
#include "conformance/report/console_report.h"

namespace kv::cli {

struct ReportFiles {
  std::string json;   // --json FILE (conformance/report/report.schema.json)
  std::string junit;  // --junit FILE
  std::string html;   // --html FILE
  bool verbose = false;
  bool no_color = false;
};

// Adds --json, --junit, --html, -v/--verbose and --no-color.
void add_report_options(CLI::App& app, ReportFiles& files);

// True when the console gets ANSI colours: stdout is a terminal and
// --no-color was not given.
bool console_color(const ReportFiles& files);

// Writes every report file asked for; false (after printing why) if one
// could not be written.
bool write_report_files(const ReportFiles& files, const RunReport& report);

// Prints the end of the run, writes the report files and returns the exit
// code: the report's, or kExitUsage if a file could not be written.
int finish_run(const ReportFiles& files, ConsoleReport& console, const RunReport& report);

}  // namespace kv::cli
