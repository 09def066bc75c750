// The HTML reporter (--html FILE): one self-contained page (inline CSS, no
// scripts, no external resources) with the run's counts, a colour-coded
// case matrix grouped by SPEC section, and per case an expandable
// <details> with expected vs seen, notes, the rerun line and the wire log.
#pragma once

#include <string>

#include "conformance/engine/case_result.h"

namespace kv {

std::string report_to_html(const RunReport& run);
// Writes the report; returns an error message, or "".
std::string write_html_report(const RunReport& run, const std::string& path);

}  // namespace kv
