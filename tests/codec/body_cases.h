// Hand-built KeyValueMessage bodies for the tests of the body parsers
// (parse_message_view() and parse_message()), each with what protobuf's
// ParseFromArray, the reference, makes of it. These helpers do not use the
// codec, so that a parser test does not depend on the parser it checks.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "codec/decoded_stream.h"
#include "codec/message.h"

namespace kv::test {

// `value` as a varint of at least `min_bytes` bytes (non-minimal if needed).
std::string varint(std::uint64_t value, std::size_t min_bytes = 1);

// A field: its tag (`number` and `wire_type`) followed by `payload` as it is.
std::string field(std::uint32_t number, std::uint32_t wire_type, std::string_view payload);

// A length-delimited field holding `text`.
std::string string_field(std::uint32_t number, std::string_view text);

// Groups of field `number` nested `depth` deep, each closed by its end tag.
std::string nested_groups(std::uint32_t number, std::size_t depth);

// The number of unknown fields protobuf keeps in `message`; a group counts
// as one field. The generated class has no accessor of its own for them.
int unknown_field_count(const Message& message);

struct BodyCase {
  const char* name;
  std::string body;
  // What protobuf returns: the fields, or std::nullopt for a bad body.
  std::optional<MessageFields> fields;
  // Whether protobuf keeps unknown fields from the body (an unknown field
  // number, or a known one with another wire type). False for a bad body.
  bool unknown_fields = false;
};

void PrintTo(const BodyCase& c, std::ostream* os);

// GoogleTest's name of a parameterised case: the case's name.
std::string case_name(const ::testing::TestParamInfo<BodyCase>& info);

// Bodies protobuf accepts: known fields only, fields in any order and
// repeated, non-minimal varints, values cut to 32 bits, status values
// outside the enum, unknown fields of every wire type, known numbers with
// another wire type, groups, and valid UTF-8.
std::vector<BodyCase> accepted_bodies();

// Bodies protobuf rejects: bad tags and wire types, stray or unclosed
// groups, truncated fields, overlong varints and invalid UTF-8.
std::vector<BodyCase> rejected_bodies();

// One piece of a random body: a field of the message with valid or invalid
// content, an unknown field of any wire type, a group bracket, or stray
// bytes. Concatenated pieces make bodies both parsers must agree on.
rc::Gen<std::string> gen_body_piece();

// A random body of up to 12 pieces.
rc::Gen<std::string> gen_body();

}  // namespace kv::test
