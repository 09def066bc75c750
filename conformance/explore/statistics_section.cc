#include "conformance/explore/statistics_section.h"

#include <cstdlib>

#include "conformance/rules/rule_map.h"

namespace kv {

void fill_statistics_section(const ExploreStatistics& stats, double seconds,
                             const std::vector<std::string>& rules, RunStatistics& out) {
  for (const ExploreStatistics::Group& g : stats.groups()) {
    if (g.name == kStatRules) continue;
    StatGroup& group = out.group("explore: " + g.name);
    const bool time = g.name == kStatTime || g.name == kStatWaits;
    if (g.name == kStatTime) {
      group.note = "wall time of the programs' phases, added up over programs that ran side by side";
    } else if (g.name == kStatWaits) {
      group.note = "pauses, gaps between slow reads and between the writes of a shape: part of the "
                   "phases' time";
    } else if (g.name == kStatKeys || g.name == kStatValues) {
      group.note = "read from the bytes of each request sent; a key or value can be in several";
    }
    for (const auto& [label, n] : g.rows) {
      if (time) {
        group.set(label, static_cast<double>(n), "ms");
      } else {
        group.add(label, static_cast<double>(n));
      }
    }
  }
  StatGroup& rate = out.group("explore: " + std::string(kStatPrograms));
  const auto steps = static_cast<double>(stats.total(kStatSteps));
  rate.set("steps", steps);
  rate.set("steps per second", seconds > 0 ? steps / seconds : 0.0, "/s");
  for (const std::string& rule : rules) out.can_judge(rule);
  for (const ExploreStatistics::Group& g : stats.groups()) {
    if (g.name != kStatRules) continue;
    for (const auto& [rule, n] : g.rows) out.judged(rule, n);
  }
}

std::vector<std::string> server_rules() {
  std::vector<std::string> ids;
  for (const SpecRule& rule : parse_rule_outline(built_in_rule_outline())) {
    if (rule.level != "MUST" && rule.level != "SHOULD") continue;
    const int section = std::atoi(rule.id.c_str());
    if (section >= 2 && section <= 12) ids.push_back(rule.id);
  }
  return ids;
}

}  // namespace kv
