#include "conformance/report/report_files.h"

#include <fmt/format.h>

#include "conformance/report/html_report.h"
#include "conformance/report/json_report.h"
#include "conformance/report/junit_report.h"

namespace kv {

std::vector<std::string> write_reports(const RunReport& report, const ReportFiles& files) {
  std::vector<std::string> errors;
  const auto check = [&errors](std::string error) {
    if (!error.empty()) errors.push_back(std::move(error));
  };
  if (!files.json.empty()) check(write_json_report(report, files.json));
  if (!files.junit.empty()) check(write_junit_report(report, files.junit));
  if (!files.html.empty()) check(write_html_report(report, files.html));
  return errors;
}

int finish_run(const ReportFiles& files, ConsoleReport& console, const RunReport& report) {
  console.summary(report);
  const std::vector<std::string> errors = write_reports(report, files);
  for (const std::string& error : errors) fmt::print(stderr, "kvconform: {}\n", error);
  return errors.empty() ? report.exit_code() : 2;
}

}  // namespace kv
