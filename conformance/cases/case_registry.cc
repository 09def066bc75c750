#include "conformance/cases/case_registry.h"

#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <map>

namespace kv {

namespace {

[[noreturn]] void registry_bug(const std::string& message) {
  fmt::print(stderr, "kvconform: bug in the case registry: {}\n", message);
  std::abort();
}

}  // namespace

std::string_view CaseDef::rule() const {
  return std::string_view(id).substr(0, id.find('/'));
}

int CaseDef::section() const {
  const std::string_view r = rule();
  int section = 0;
  for (const char c : r.substr(0, r.find('.'))) section = section * 10 + (c - '0');
  return section;
}

void CaseRegistry::add(CaseDef def) {
  const std::size_t slash = def.id.find('/');
  const std::string_view rule = std::string_view(def.id).substr(0, slash);
  const bool rule_ok = slash != std::string::npos && slash + 1 < def.id.size() &&
                       rule.find('.') != std::string_view::npos &&
                       rule.find_first_not_of("0123456789.") == std::string_view::npos;
  if (!rule_ok) registry_bug(fmt::format("case ID '{}' is not <rule>/<slug>", def.id));
  if (find(def.id) != nullptr) registry_bug("duplicate case ID " + def.id);
  if (!def.run) registry_bug("case " + def.id + " has no run function");
  cases_.push_back(std::move(def));
}

const CaseDef* CaseRegistry::find(std::string_view id) const {
  for (const CaseDef& def : cases_) {
    if (def.id == id) return &def;
  }
  return nullptr;
}

void CaseRegistry::validate() const {
  for (const CaseDef& def : cases_) {
    for (const std::string& need : def.needs) {
      if (need == def.id) registry_bug(def.id + " needs itself");
      if (find(need) == nullptr) registry_bug(fmt::format("{} needs unknown case {}", def.id, need));
    }
  }
  // Depth-first search for a cycle: 0 unvisited, 1 on the path, 2 done.
  std::map<std::string_view, int> state;
  std::function<void(const CaseDef&)> visit = [&](const CaseDef& def) {
    int& mark = state[def.id];
    if (mark == 2) return;
    if (mark == 1) registry_bug("the needs of " + def.id + " form a cycle");
    mark = 1;
    for (const std::string& need : def.needs) visit(*find(need));
    state[def.id] = 2;
  };
  for (const CaseDef& def : cases_) visit(def);
}

void SectionCases::add(CaseDef def) {
  if (def.id.find('/') == std::string::npos || def.section() != section_) {
    registry_bug(fmt::format("case {} is registered in the file of SPEC section {}", def.id,
                             section_));
  }
  registry_.add(std::move(def));
}

const CaseRegistry& all_cases() {
  static const CaseRegistry registry = [] {
    CaseRegistry r;
    register_framing_cases(r);
    register_limits_cases(r);
    register_message_cases(r);
    register_semantics_cases(r);
    register_exact_storage_cases(r);
    register_errors_cases(r);
    register_rejected_request_cases(r);
    register_lifecycle_cases(r);
    register_connection_churn_cases(r);
    register_pipelining_cases(r);
    register_timeouts_cases(r);
    register_idle_timeout_cases(r);
    register_consistency_cases(r);
    register_order_of_effect_cases(r);
    register_server_model_cases(r);
    register_slow_reader_isolation_cases(r);
    register_shutdown_cases(r);
    register_vector_cases(r);
    register_vector_companion_cases(r);
    r.validate();
    return r;
  }();
  return registry;
}

}  // namespace kv
