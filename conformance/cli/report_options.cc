#include "conformance/cli/report_options.h"

#include <fmt/format.h>
#include <unistd.h>

#include "conformance/report/json_report.h"

namespace kv::cli {

void add_report_options(CLI::App& app, ReportFiles& files) {
  app.add_option("--json", files.json,
                 fmt::format("write a JSON report (schema {}, described by "
                             "conformance/report/report.schema.json in the source tree, "
                             "share/kvkit/report.schema.json where kvkit is installed)",
                             kJsonSchema));
  app.add_option("--junit", files.junit, "write a JUnit XML report");
  app.add_option("--html", files.html, "write a self-contained HTML report");
  app.add_flag("-v,--verbose", files.verbose,
               "print the wire log of every case, not only of failures");
  app.add_flag("--no-color", files.no_color, "no ANSI colours on the console");
}

bool console_color(const ReportFiles& files) {
  return !files.no_color && ::isatty(STDOUT_FILENO) != 0;
}

}  // namespace kv::cli
