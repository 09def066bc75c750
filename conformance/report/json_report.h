// The JSON reporter (--json FILE), schema "kvconform-report/2". The format
// is conformance/report/report.schema.json (JSON Schema, draft 2020-12):
// change that file with every field added, removed or renamed here; the
// ctests validate every report they make kvconform write against it, and
// every object in it is closed, so a field the schema lacks fails them.
// The statistics object is RunReport::statistics (engine/run_statistics.h).
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
