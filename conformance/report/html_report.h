// The HTML reporter (--html FILE): one self-contained page (inline CSS, no
// scripts, no external resources). It opens with the run in one line (the
// table#summary: target, verdict, the count of each result, duration; the
// same form as a line of the report index, scripts/conformance-matrix),
// then findings and root causes, then the cases by SPEC section: one
// <details class="section"> per section, titled from the rule outline,
// open when a case in it failed, errored or was flaky, holding the
// section's colour-coded matrix cells and per case an expandable <details>
// with expected vs seen, notes, the rerun line and the wire log.
#pragma once

#include <string>

#include "conformance/engine/case_result.h"

namespace kv {

std::string report_to_html(const RunReport& run);
// Writes the report; returns an error message, or "".
std::string write_html_report(const RunReport& run, const std::string& path);

}  // namespace kv
