#include "conformance/report/report_files.h"

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

}  // namespace kv
