// The registry of conformance cases. A case is one declaration with named
// fields (CaseDef); the files of conformance/cases/ hold one SPEC section
// each and add their cases through SectionCases. all_cases() builds the
// registry once, in section order, so IDs and `kvconform list` output are stable.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/cases/case_context.h"
#include "conformance/engine/case_result.h"

namespace kv {

// Which deadlines a case asserts; `kvconform explain` states them in milliseconds.
enum class Timing {
  kResponse,     // Generous response deadlines only.
  kBulk,         // Plus the bulk deadline for long pipelines / big values.
  kCloseWithin,  // Plus the tight "close within 1 s" bound of SPEC 6.1.
  kSlowDrip,     // Plus the slow-drip interval (SPEC 9.2).
  kPauses,       // Plus pauses of seconds between requests (below the idle timeout).
};

using CaseFn = std::function<boost::asio::awaitable<Verdict>(CaseContext&)>;

// The maximum LEN most cases need: their requests, with compact keys, fit
// in 64 bytes (3.1's frame-at-max and the large-value cases check their own
// sizes and SKIP themselves).
inline constexpr std::uint32_t kDefaultMinMaxFrameBytes = 64;

// One case. Write it with designated initializers, in field order:
//
//   cases.add({.id = "5.3/miss", .quote = "...", .sends = "...",
//              .expects = "...", .needs = {"5.1/put-then-get"}, .run = miss});
struct CaseDef {
  // "<rule>/<slug>", stable; the rule is the part before the '/'.
  std::string id;
  Level level = Level::kMust;
  ProfileScope scope = ProfileScope::kAny;
  std::string quote;    // The requirement, in one line.
  std::string sends;    // What is sent, and the stream shape.
  std::string expects;  // What a conforming server does.
  std::string legal;    // The reactions that pass, when more than one does.
  Timing timing = Timing::kResponse;
  // The cases whose behaviour this case relies on to judge its own rule: a
  // failure of this case is reported "likely caused by" a failed one.
  std::vector<std::string> needs;
  // True for a case whose verdict depends on timing: it runs with no other
  // case at the same time, so a loaded server cannot change its verdict.
  bool solo = false;
  // True for a case that stops the server on purpose by signalling its
  // process (SPEC 12.5, 12.6, through CaseContext::server()). It needs
  // --exec: under --target it is SKIP "needs --exec". It runs after every
  // other case of the main pass, alone (and so do its confirmation
  // reruns), and the runner starts the server again right after it, so
  // that its liveness check and everything after it find a fresh server
  // and the deliberate exit is never taken for a crash.
  bool stops_server = false;
  // The smallest --max-frame-bytes its frames fit in (with the compact keys
  // of private_key()); under a smaller maximum the case is SKIP.
  std::uint32_t min_max_frame_bytes = kDefaultMinMaxFrameBytes;
  CaseFn run;

  // The SPEC rule the case checks, e.g. "6.1".
  std::string_view rule() const;
  // The SPEC section of the rule, e.g. 6.
  int section() const;
};

class CaseRegistry {
 public:
  // Adds a case. A duplicate ID, an ID without "<rule>/" or a `needs` entry
  // naming no case (checked by validate()) is a bug in the registry: the
  // program aborts with a message.
  void add(CaseDef def);
  const std::vector<CaseDef>& cases() const { return cases_; }
  const CaseDef* find(std::string_view id) const;
  // Aborts unless every `needs` entry names a registered case and the
  // needs form no cycle.
  void validate() const;

 private:
  std::vector<CaseDef> cases_;
};

// The cases of one SPEC section: add() aborts for a case of another
// section, so each cases file holds exactly its section.
class SectionCases {
 public:
  SectionCases(CaseRegistry& registry, int section) : registry_(registry), section_(section) {}
  void add(CaseDef def);

 private:
  CaseRegistry& registry_;
  int section_;
};

// Every case, built once.
const CaseRegistry& all_cases();

// One function per file of conformance/cases/, named after its section or,
// for a file that holds one rule of a section, after that rule's topic.
void register_framing_cases(CaseRegistry& registry);      // SPEC 2
void register_limits_cases(CaseRegistry& registry);       // SPEC 3
void register_message_cases(CaseRegistry& registry);      // SPEC 4
void register_semantics_cases(CaseRegistry& registry);    // SPEC 5
void register_exact_storage_cases(CaseRegistry& registry);  // SPEC 5.9
void register_errors_cases(CaseRegistry& registry);       // SPEC 6
void register_rejected_request_cases(CaseRegistry& registry);  // SPEC 6.7
void register_lifecycle_cases(CaseRegistry& registry);    // SPEC 7
void register_connection_churn_cases(CaseRegistry& registry);  // SPEC 7.5
void register_pipelining_cases(CaseRegistry& registry);   // SPEC 8
void register_timeouts_cases(CaseRegistry& registry);     // SPEC 9
void register_idle_timeout_cases(CaseRegistry& registry);  // SPEC 9.4
void register_consistency_cases(CaseRegistry& registry);  // SPEC 10
void register_order_of_effect_cases(CaseRegistry& registry);  // SPEC 10.4
void register_server_model_cases(CaseRegistry& registry); // SPEC 11
void register_slow_reader_isolation_cases(CaseRegistry& registry);  // SPEC 11.4
void register_shutdown_cases(CaseRegistry& registry);     // SPEC 12
// One case per vector of spec/vectors, whatever its section.
void register_vector_cases(CaseRegistry& registry);
// One companion case per vector of section 4 whose expected response a
// wrong parse could give too (vector_companions.h).
void register_vector_companion_cases(CaseRegistry& registry);

}  // namespace kv
