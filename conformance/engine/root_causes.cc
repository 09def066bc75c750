#include "conformance/engine/root_causes.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace kv {

namespace {

// The failed cases `id` needs, transitively, in order of search.
void failed_prerequisites(const NeedsOf& needs_of, std::string_view id,
                          const std::set<std::string_view>& failed,
                          std::set<std::string_view>& seen, std::vector<std::string_view>& out) {
  const std::vector<std::string>* needs = needs_of(id);
  if (needs == nullptr) return;
  for (const std::string& need : *needs) {
    if (!seen.insert(need).second) continue;
    if (failed.contains(need)) out.push_back(need);
    failed_prerequisites(needs_of, need, failed, seen, out);
  }
}

}  // namespace

std::vector<std::string> assign_root_causes(std::vector<CaseReport>& reports,
                                            const CaseRegistry& registry) {
  return assign_root_causes(reports, [&registry](std::string_view id) {
    const CaseDef* def = registry.find(id);
    return def == nullptr ? nullptr : &def->needs;
  });
}

std::vector<std::string> assign_root_causes(std::vector<CaseReport>& reports,
                                            const NeedsOf& needs_of) {
  std::set<std::string_view> failed;
  const auto judged_failure = [](const CaseReport& r) {
    return is_failure(r.result) && !r.not_run;
  };
  for (const CaseReport& r : reports) {
    if (judged_failure(r)) failed.insert(r.id);
  }
  // For each failed case, its failed prerequisites (transitively).
  std::map<std::string_view, std::vector<std::string_view>> chains;
  for (const CaseReport& r : reports) {
    if (!judged_failure(r)) continue;
    std::set<std::string_view> seen;
    failed_prerequisites(needs_of, r.id, failed, seen, chains[r.id]);
  }
  std::vector<std::string> roots;
  for (CaseReport& r : reports) {
    if (!judged_failure(r)) continue;
    r.caused_by.clear();
    const std::vector<std::string_view>& chain = chains[r.id];
    for (const CaseReport& candidate : reports) {
      const bool in_chain = std::find(chain.begin(), chain.end(), candidate.id) != chain.end();
      if (in_chain && chains[candidate.id].empty()) {
        r.caused_by = candidate.id;
        break;
      }
    }
    if (r.caused_by.empty()) roots.push_back(r.id);
  }
  return roots;
}

}  // namespace kv
