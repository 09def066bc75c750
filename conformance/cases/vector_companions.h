// The companion cases of the spec vectors whose expected responses could
// come from a wrong parse too (conformance/rules/vector_ambiguity.h): for
// each such vector of SPEC section 4, one case whose right answer only
// the right parse of the vector's body gives.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "codec/message.h"
#include "conformance/rules/spec_vectors.h"
#include "conformance/rules/vector_ambiguity.h"

namespace kv {

// What a companion sends and expects, on one connection:
//
// * put-not-read-back: PUT `key` = `sentinel` (the vector's own key), then
//   the vector's frame, answered {kind 3, Ok}; then GET `key` returns the
//   vector's value. A server that took another key or value from the
//   body, or stored nothing, returns the sentinel or something else.
// * kind-0: the vector's body followed by the fields of a PUT of a key of
//   the case, answered {kind 3, Ok}; then GET returns the PUT's value. A
//   server that rejects the body, or loses its place in it, fails.
// * bad-body: the fields of a PUT of a key of the case followed by the
//   vector's body (which still does not parse), answered {kind 0, NotOk};
//   then GET of that key is a miss. A server that parses leniently, or
//   applies what it parsed before the fault, stores the key.
struct CompanionPlan {
  Ambiguity why = Ambiguity::kBadBody;
  std::string sentinel;  // put-not-read-back only: written under `key` first.
  std::string frame;     // The frame sent.
  Message response;      // Its response.
  std::string key;       // Read back at the end.
  bool miss = false;     // The GET of `key` is a miss ...
  std::string value;     // ... or a hit with this value.
};

// The plan for `vector`, with `key`, `value` and `sentinel` private to the
// run; std::nullopt when the vector has no ambiguous frame, or when it is
// not a single frame (its companion must then be written by hand).
std::optional<CompanionPlan> companion_plan(const SpecVector& vector, std::string_view key,
                                            std::string_view value, std::string_view sentinel);

}  // namespace kv
