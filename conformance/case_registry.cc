#include "conformance/case_registry.h"

#include <fmt/format.h>

#include <cstdlib>

namespace kv {

void CaseRegistry::add(CaseDef def) {
  if (find(def.id) != nullptr) {
    fmt::print(stderr, "kvconform: duplicate case ID {}\n", def.id);
    std::abort();
  }
  cases_.push_back(std::move(def));
}

const CaseDef* CaseRegistry::find(const std::string& id) const {
  for (const CaseDef& def : cases_) {
    if (def.id == id) return &def;
  }
  return nullptr;
}

const CaseRegistry& all_cases() {
  static const CaseRegistry registry = [] {
    CaseRegistry r;
    register_semantics_cases(r);
    register_framing_cases(r);
    register_body_cases(r);
    register_truncation_cases(r);
    register_streams_cases(r);
    register_concurrency_cases(r);
    return r;
  }();
  return registry;
}

}  // namespace kv
