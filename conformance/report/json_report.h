// The JSON reporter (--json FILE), schema "kvconform-report/2":
// {"schema", "target", "profile", "seed", "started", "duration_ms",
//  "strict", "exit_code", "cases": [{"id", "rule", "level", "title",
//  "result", "expected", "observed", "notes", "duration_ms", "rerun",
//  "wire_log": [{"t_ms", "conn", "dir", "bytes"?, "hex"?, "note"?}]}],
//  "summary": {"total", "pass", "fail", "lenient", "skip", "error",
//  "known_failing"}, "statistics": {"groups": [{"name", "note",
//  "counters": [{"name", "value", "unit"}]}], "rules_judged": {RULE: n},
//  "rules_never_exercised": [RULE]}} (engine/run_statistics.h).
// "hex" holds the logged bytes (space-separated pairs, maybe cut; "bytes"
// is the full size of the chunk).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "conformance/engine/case_result.h"

namespace kv {

inline constexpr const char* kJsonSchema = "kvconform-report/2";

nlohmann::json report_to_json(const RunReport& run);
// Writes the report; returns an error message, or "".
std::string write_json_report(const RunReport& run, const std::string& path);

}  // namespace kv
