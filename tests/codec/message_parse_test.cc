// Tests of parse_message() (codec/message_parse.h): on every body it must
// succeed exactly when protobuf's ParseFromArray, the reference, does, and
// then leave the message equal to protobuf's, unknown fields included. Two
// messages are compared by their serializations, which hold the unknown
// fields too. A message that held another body's fields, unknown fields
// included, must end up the same as a fresh one.
#include "codec/message_parse.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/decoded_stream.h"
#include "codec/frame_decoder.h"
#include "codec/message.h"
#include "tests/codec/body_cases.h"
#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

using namespace std::string_literals;

// What ParseFromArray makes of `body` in a fresh message: its serialization,
// or std::nullopt for a bad body.
std::optional<std::string> protobuf_result(std::string_view body) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) return std::nullopt;
  return message.SerializeAsString();
}

// What parse_message() makes of `body` in `message`, in the same terms.
std::optional<std::string> parse_message_result(std::string_view body, Message& message) {
  if (!parse_message(as_bytes(body), message)) return std::nullopt;
  return message.SerializeAsString();
}

// A message holding all four fields and unknown fields (numbers 7 and 9),
// so that whatever a parse fails to replace or clear shows up.
Message used_message() {
  Message message;
  const std::string body = string_field(1, "old key") + string_field(2, std::string(50, 'o')) +
                           field(3, 0, "\x02") + field(4, 0, "\x05") + field(7, 0, "\x2a") +
                           string_field(9, "old unknown");
  EXPECT_TRUE(message.ParseFromString(body));
  EXPECT_GT(unknown_field_count(message), 0);
  return message;
}

class ParseMessage : public ::testing::TestWithParam<BodyCase> {};

TEST_P(ParseMessage, EqualsProtobufsResult_Rule4_2) {
  const BodyCase& c = GetParam();
  const std::optional<std::string> expected = protobuf_result(c.body);
  ASSERT_EQ(expected.has_value(), c.fields.has_value())
      << "protobuf does not do what the case says";
  Message message;
  EXPECT_EQ(parse_message_result(c.body, message), expected);
  if (c.fields && expected) {
    EXPECT_EQ(fields_of(message), *c.fields);
    EXPECT_EQ(unknown_field_count(message) > 0, c.unknown_fields);
  }
}

TEST_P(ParseMessage, InAUsedMessageEqualsProtobufsResult_Rule4_2) {
  const BodyCase& c = GetParam();
  Message message = used_message();
  EXPECT_EQ(parse_message_result(c.body, message), protobuf_result(c.body));
}

INSTANTIATE_TEST_SUITE_P(Accepted, ParseMessage, ::testing::ValuesIn(accepted_bodies()), case_name);
INSTANTIATE_TEST_SUITE_P(Rejected, ParseMessage, ::testing::ValuesIn(rejected_bodies()), case_name);

TEST(ParseMessageReuse, KeepsNothingOfAnEarlierBodyWithUnknownFields) {
  const std::string with_unknown = string_field(1, "first key") +
                                   string_field(2, std::string(40, 'f')) + field(3, 0, "\x01") +
                                   field(12, 5, "1234") + field(1, 0, "\x07");
  const std::string without_unknown = "\x18\x03\x20\x01"s;
  Message message;
  ASSERT_TRUE(parse_message(as_bytes(with_unknown), message));
  ASSERT_EQ(unknown_field_count(message), 2);
  EXPECT_EQ(message.key(), "first key");

  ASSERT_TRUE(parse_message(as_bytes(without_unknown), message));
  EXPECT_EQ(unknown_field_count(message), 0);
  EXPECT_EQ(message.key(), "");
  EXPECT_EQ(message.value(), "");
  EXPECT_EQ(message.kind(), 3U);
  EXPECT_EQ(message.status(), Status::NotOk);
  EXPECT_EQ(message.SerializeAsString(), without_unknown);
}

TEST(ParseMessageReuse, KeepsNothingOfAnEarlierBodyWithoutUnknownFields) {
  const std::string without_unknown = string_field(1, "first key") + string_field(2, "v");
  const std::string with_unknown = field(9, 0, "\x01") + "\x18\x02"s;
  Message message;
  ASSERT_TRUE(parse_message(as_bytes(without_unknown), message));
  ASSERT_TRUE(parse_message(as_bytes(with_unknown), message));
  EXPECT_EQ(message.key(), "");
  EXPECT_EQ(message.value(), "");
  EXPECT_EQ(message.kind(), 2U);
  EXPECT_EQ(unknown_field_count(message), 1);
  EXPECT_EQ(message.SerializeAsString(), protobuf_result(with_unknown));
}

// FrameDecoder::next() gives protobuf's message, unknown fields included,
// frame after frame in one reused message.
TEST(FrameDecoderNext, GivesProtobufsMessageFrameAfterFrame_Rule4_2) {
  const std::string bodies[] = {
      "\x0a\x01k\x12\x01v\x18\x03"s + field(10, 1, "12345678"),
      "\x0a\x01k\x18\x01"s,
      field(1, 5, "abcd") + field(5, 3, "") + field(5, 4, "") + "\x20\x09"s,
      "",
  };
  std::string stream;
  for (const std::string& body : bodies) stream += raw_frame(body);
  FrameDecoder decoder;
  decoder.feed(as_bytes(stream));
  Message message = used_message();
  for (const std::string& body : bodies) {
    ASSERT_EQ(decoder.next(message).status, DecodeStatus::kFrame) << hex(body);
    EXPECT_EQ(message.SerializeAsString(), protobuf_result(body)) << hex(body);
  }
  EXPECT_EQ(decoder.next(message).status, DecodeStatus::kNeedMore);
}

// ---- random bodies (RapidCheck) ----

RC_GTEST_PROP(ParseMessageProperty, EqualsProtobufsResultOnRandomBodies_Rule4_2_Rule4_3, ()) {
  const std::string body = *gen_body();
  const std::optional<std::string> expected = protobuf_result(body);
  RC_TAG(expected ? "parses" : "bad body");
  Message fresh;
  RC_ASSERT(parse_message_result(body, fresh) == expected);
  Message used = used_message();
  RC_ASSERT(parse_message_result(body, used) == expected);
}

// One message through a random sequence of bodies, as a decoder's owner
// reuses it: after each success it equals protobuf's result for that body.
RC_GTEST_PROP(ParseMessageProperty, ReusedMessageEqualsProtobufsResult_Rule4_2, ()) {
  const auto bodies = *rc::gen::container<std::vector<std::string>>(
      *rc::gen::inRange<std::size_t>(1, 6), gen_body());
  Message message;
  for (const std::string& body : bodies) {
    RC_ASSERT(parse_message_result(body, message) == protobuf_result(body));
  }
}

}  // namespace
}  // namespace kv::test
