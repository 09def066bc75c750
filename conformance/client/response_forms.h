// The legal ways a scripted server may write a response body (SPEC 4.2,
// 4.5): a conforming client reads every one of them like the canonical
// encoding (13.4). The fixed client cases and client exploration both
// answer with them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/message.h"

namespace kv {

enum class ResponseForm {
  kCanonical,          // What a proto3 encoder writes: default fields left out.
  kExplicitDefaults,   // Every field written, default values included (4.5).
  kUnknownFields,      // Unknown fields of wire types 0, 1, 2 and 5 around the known ones.
  kNonMinimalVarints,  // Tags, lengths and values as longer varints than needed (4.2).
  kTenByteVarints,     // The kind and status as 10-byte varints, lengths as 5-byte ones.
  kRepeatedFields,     // Every field first with a decoy value; the last occurrence wins.
  kGroups,             // Unknown groups (wire types 3 and 4), one nested in another.
  kLargeUnknownField,  // An unknown length-delimited field of 100 KiB, then field 536870911.
};

const std::vector<ResponseForm>& all_response_forms();
// "canonical", "explicit-defaults", ...
std::string_view response_form_name(ResponseForm form);
// The inverse; false if `name` is not a form's.
bool response_form_from_name(std::string_view name, ResponseForm& form);

// The body of `message` written in `form`.
std::string response_body(const Message& message, ResponseForm form);
// The whole frame: LEN, that body, the footer.
std::string response_frame(const Message& message, ResponseForm form);

// Ways a body breaks after a good start (a key and kind 2), each making
// it a bad body (SPEC 4.4): a length past the end, a missing, cut or
// 11-byte varint, cut fixed64 and fixed32, wire types 6 and 7, field 0, a
// stray end-group, a group never closed, a key length past the end. Each
// is {label, the bytes appended}.
std::vector<std::pair<std::string, std::string>> malformed_body_tails();

// `value` as a varint padded to `size` bytes (1 to 10) with redundant
// continuation bytes; the minimal encoding if it needs more.
std::string padded_varint(std::uint64_t value, std::size_t size);

}  // namespace kv
