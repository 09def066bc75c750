// An explore run's statistics (explore_statistics.h) in the report
// model's statistics section (engine/run_statistics.h), which the
// console, JSON and HTML reports show: one group per explore statistic,
// the steps per second, and the rule coverage.
#pragma once

#include <string>
#include <vector>

#include "conformance/engine/run_statistics.h"
#include "conformance/explore/explore_statistics.h"

namespace kv {

// Adds `stats` of programs that ran for `seconds` of wall time to `out`.
// `rules` are the rules explore can judge (server_rules()): those no
// judgement ran for are listed as never exercised.
void fill_statistics_section(const ExploreStatistics& stats, double seconds,
                             const std::vector<std::string>& rules, RunStatistics& out);

// The MUST and SHOULD rules of the server sections (2 to 12) of the
// built-in rule outline: the rules an explore judgement could cite.
std::vector<std::string> server_rules();

}  // namespace kv
