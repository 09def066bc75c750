// The registry of conformance cases. Each cases_<topic>.cc file adds its
// cases through one register function; all_cases() calls them in a fixed
// order, so IDs and --list output are stable.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "conformance/case_context.h"
#include "conformance/case_result.h"

namespace kv {

// Which deadlines a case asserts; --explain states them in milliseconds.
enum class Timing {
  kResponse,     // Generous response deadlines only.
  kBulk,         // Plus the bulk deadline for long pipelines / big values.
  kCloseWithin,  // Plus the tight "close within 1 s" bound of SPEC 6.1.
  kSlowDrip,     // Plus the slow-drip interval (SPEC 9.2).
};

using CaseFn = std::function<boost::asio::awaitable<Verdict>(CaseContext&)>;

struct CaseDef {
  std::string id;     // "<rule>/<slug>", stable.
  std::string rule;   // The SPEC rule ID, e.g. "6.1".
  Level level = Level::kMust;
  ProfileScope scope = ProfileScope::kAny;
  std::string quote;  // The requirement, in one line.
  std::string sends;  // What is sent, and the stream shape.
  std::string expects;
  std::string legal;  // The reactions that pass, when more than one does.
  Timing timing = Timing::kResponse;
  CaseFn run;
};

class CaseRegistry {
 public:
  // Adds a case; IDs must be unique (a duplicate aborts: it is a bug).
  void add(CaseDef def);
  const std::vector<CaseDef>& cases() const { return cases_; }
  const CaseDef* find(const std::string& id) const;

 private:
  std::vector<CaseDef> cases_;
};

// Every case, built once.
const CaseRegistry& all_cases();

void register_semantics_cases(CaseRegistry& registry);
void register_framing_cases(CaseRegistry& registry);
void register_body_cases(CaseRegistry& registry);
void register_truncation_cases(CaseRegistry& registry);
void register_streams_cases(CaseRegistry& registry);
void register_concurrency_cases(CaseRegistry& registry);

}  // namespace kv
