#include "conformance/engine/root_causes.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace kv {

namespace {

// The failed cases `id` needs, transitively, in registry order of search.
void failed_prerequisites(const CaseRegistry& registry, std::string_view id,
                          const std::set<std::string_view>& failed,
                          std::set<std::string_view>& seen, std::vector<std::string_view>& out) {
  const CaseDef* def = registry.find(id);
  if (def == nullptr) return;
  for (const std::string& need : def->needs) {
    if (!seen.insert(need).second) continue;
    if (failed.contains(need)) out.push_back(need);
    failed_prerequisites(registry, need, failed, seen, out);
  }
}

}  // namespace

std::vector<std::string> assign_root_causes(std::vector<CaseReport>& reports,
                                            const CaseRegistry& registry) {
  std::set<std::string_view> failed;
  const auto judged_failure = [](const CaseReport& r) { return is_failure(r.result) && !r.not_run; };
  for (const CaseReport& r : reports) {
    if (judged_failure(r)) failed.insert(r.id);
  }
  // For each failed case, its failed prerequisites (transitively).
  std::map<std::string_view, std::vector<std::string_view>> chains;
  for (const CaseReport& r : reports) {
    if (!judged_failure(r)) continue;
    std::set<std::string_view> seen;
    failed_prerequisites(registry, r.id, failed, seen, chains[r.id]);
  }
  std::vector<std::string> roots;
  for (CaseReport& r : reports) {
    if (!judged_failure(r)) continue;
    r.caused_by.clear();
    const std::vector<std::string_view>& chain = chains[r.id];
    for (const CaseDef& def : registry.cases()) {
      const bool in_chain = std::find(chain.begin(), chain.end(), def.id) != chain.end();
      if (in_chain && chains[def.id].empty()) {
        r.caused_by = def.id;
        break;
      }
    }
    if (r.caused_by.empty()) roots.push_back(r.id);
  }
  return roots;
}

}  // namespace kv
