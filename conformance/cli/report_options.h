// The options of every subcommand that ends in a RunReport: the report
// files, the wire logs on the console, colours.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "conformance/engine/case_result.h"
#include "conformance/report/console_report.h"
#include "conformance/report/report_files.h"

namespace kv::cli {

// The files of --json (conformance/report/report.schema.json), --junit and
// --html, and how the console shows the run.
struct ReportFiles : kv::ReportFiles {
  bool verbose = false;
  bool no_color = false;
};

// Adds --json, --junit, --html, -v/--verbose and --no-color.
void add_report_options(CLI::App& app, ReportFiles& files);

// True when the console gets ANSI colours: stdout is a terminal and
// --no-color was not given.
bool console_color(const ReportFiles& files);

// The end of a run is kv::finish_run() (conformance/report/report_files.h).

}  // namespace kv::cli
