// The JUnit XML reporter (--junit FILE): one <testcase> per case, with
// <failure> for FAIL (and LENIENT under --strict), <error> for ERROR, and
// <skipped> for SKIP and KNOWN-FAILING.
#pragma once

#include <string>

#include "conformance/engine/case_result.h"

namespace kv {

std::string report_to_junit(const RunReport& run);
// Writes the report; returns an error message, or "".
std::string write_junit_report(const RunReport& run, const std::string& path);

}  // namespace kv
