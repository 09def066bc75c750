// A KeyValueMessage read in place: the zero-copy alternative to parsing
// into the protobuf class (kv::Message), for code that only looks at a
// message before it drops it (a server's GET path, kvdump, the runner).
//
// parse_message_view() implements SPEC 4.1-4.5 exactly as protobuf's
// generated parser does; protobuf stays the reference. The fuzz target
// fuzz/view_decode_fuzzer.cc and tests/codec/message_view_test.cc check
// that the two accept the same bodies, read the same fields from them and
// agree on whether the body held unknown fields, and tests/vectors runs
// every spec vector through both.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace kv {

// The four fields of a KeyValueMessage. `key` and `value` point into the
// bytes the message was parsed from; whoever holds the view must keep those
// bytes alive and unchanged (FrameDecoder::next_view() says how long the
// decoder keeps them).
struct MessageView {
  std::string_view key;
  std::string_view value;
  std::uint32_t kind = 0;
  // The integer value of `status`: 0 Ok, 1 NotOk, and any other value kept
  // as it is, since proto3 enums are open (SPEC 4.2).
  std::int32_t status = 0;
  // True when the body held at least one field that the four members above
  // do not show: a field number other than 1 to 4, or one of those numbers
  // with another wire type than its own (a group included). protobuf keeps
  // exactly those fields in the message's unknown fields, so the flag is
  // true exactly when ParseFromArray leaves the message with unknown fields
  // (a non-empty Reflection::GetUnknownFields()). The view does not hold
  // them: a caller that needs them (parse_message() in
  // codec/message_parse.h) parses the body with protobuf instead.
  bool has_unknown_fields = false;
};

// Parses `body` as the proto3 encoding of KeyValueMessage. Succeeds on
// exactly the bodies protobuf's ParseFromArray accepts and returns the
// fields it would hold:
//  - a field that occurs more than once: the last occurrence wins, and the
//    UTF-8 of every occurrence of `key` and `value` is checked (SPEC 4.3);
//  - varints may be non-minimal (SPEC 4.2): a tag takes at most 5 bytes
//    (its value modulo 2^32), a length at most 5 bytes (the fifth below
//    0x08), any other varint at most 10 bytes (modulo 2^64, then truncated
//    to the field's 32 bits);
//  - unknown fields of wire types 0, 1, 2, 3 (groups, nested up to 100
//    deep and closed by the matching end tag) and 5 are skipped, and so is
//    a known field number with another wire type than its own; either sets
//    has_unknown_fields;
//  - it fails on wire types 6 and 7, field number 0, an end-group tag
//    outside its group, a tag of value 0, a field that runs past the end of
//    `body`, and invalid UTF-8 in `key` or `value`.
// Returns std::nullopt where protobuf would fail: the body is a bad body
// (SPEC 4.4).
[[nodiscard]] std::optional<MessageView> parse_message_view(std::span<const std::uint8_t> body);

}  // namespace kv
