// Root causes: a failure of a case whose prerequisite (CaseDef::needs)
// also failed is likely a consequence of that prerequisite's defect. This
// names, for every failed case, the root of its chain, so a report can
// list the few real defects first and group the rest under them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/cases/case_registry.h"
#include "conformance/engine/case_result.h"

namespace kv {

// Sets caused_by on every failed report (is_failure, not_run excluded:
// a case that never ran has no cause of its own) that needs, directly
// or through other cases, a case that also failed in `reports`: the
// failed prerequisite that has no failed prerequisite of its own, first
// in registry order. Cases absent from `reports` (not selected) count as
// not failed. Returns the IDs of the failed cases left without caused_by,
// in the order of `reports`.
std::vector<std::string> assign_root_causes(std::vector<CaseReport>& reports,
                                            const CaseRegistry& registry);

// The cases a case needs, by ID; null for an ID it does not know.
using NeedsOf = std::function<const std::vector<std::string>*(std::string_view id)>;

// The same for any source of checks: `needs_of` gives each check's needs,
// and the prerequisites are searched in the order of `reports`.
std::vector<std::string> assign_root_causes(std::vector<CaseReport>& reports,
                                            const NeedsOf& needs_of);

}  // namespace kv
