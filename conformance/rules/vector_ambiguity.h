// Which frames of a spec vector a server could answer as the vector
// expects while parsing them wrong (issue 22). The wire case of a vector
// (conformance/cases/vectors.cc) compares responses only, and some
// responses do not tell a right parse from a wrong one:
//
// * a bad body is answered {kind 0, NotOk}, which is also the answer to a
//   body that parses (leniently, or wrongly) to a message of kind 0, and
//   it shows nothing of whether the fields before the fault were applied
//   (SPEC 6.7);
// * a frame of kind 0 is answered {kind 0, NotOk} (5.6), which is also the
//   answer to a body a server wrongly rejects (6.4);
// * a PUT is answered {kind 3, Ok} whatever key and value the server took
//   from it, unless a later GET of the same vector reads the key back.
//
// Other frames are unambiguous: a GET's response echoes its key, and the
// response to another kind K != 0 shows K; the fields it hides are those
// the server must ignore (5.4, 5.6). Each ambiguous frame of a section-4
// vector needs a companion case whose right answer only the right parse
// gives (conformance/cases/vector_companions.cc); the ctest
// VectorCompanions.* fails when one has none.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/rules/spec_vectors.h"

namespace kv {

enum class Ambiguity {
  kBadBody,         // Answered like a body of kind 0; its effect unseen.
  kKindZero,        // Answered like a bad body.
  kPutNotReadBack,  // Acknowledged whatever was stored.
};

// "bad-body", "kind-0", "put-not-read-back".
std::string_view ambiguity_name(Ambiguity ambiguity);

struct AmbiguousFrame {
  std::size_t event = 0;  // Index into the vector's expected events.
  Ambiguity why = Ambiguity::kBadBody;
};

// The ambiguous frames of `vector`, in stream order.
std::vector<AmbiguousFrame> ambiguous_frames(const SpecVector& vector);

// True for a vector of SPEC section 4 (the message), whose rule is "4.x".
bool is_message_vector(const SpecVector& vector);

// The ID of the wire case of `vector`: "2.5/vector-framing-split-at-3" for
// the vector "framing/split-at-3" of rule 2.5.
std::string vector_case_id(const SpecVector& vector);

// The ID of the companion case of `vector`: "4.2/companion-body-unknown-
// field-varint" for the vector "body/unknown-field-varint" of rule 4.2.
std::string companion_case_id(const SpecVector& vector);

}  // namespace kv
