// Tests of parse_message_view() (SPEC 4.1-4.5): on every body it must
// agree with protobuf's ParseFromArray, the reference, on whether the body
// parses, on the four fields it holds, and on whether it held unknown
// fields. Each case (tests/codec/body_cases.cc) also states what protobuf
// does, so that a change on either side shows up.
#include "codec/message_view.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "codec/decoded_stream.h"
#include "codec/message.h"
#include "tests/codec/body_cases.h"
#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

using namespace std::string_literals;

std::optional<MessageFields> protobuf_parse(std::string_view body) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) return std::nullopt;
  return fields_of(message);
}

// Whether protobuf keeps unknown fields from `body`; std::nullopt for a bad
// body.
std::optional<bool> protobuf_keeps_unknown_fields(std::string_view body) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) return std::nullopt;
  return unknown_field_count(message) > 0;
}

std::optional<MessageFields> view_parse(std::string_view body) {
  const std::optional<MessageView> view = parse_message_view(as_bytes(body));
  if (!view) return std::nullopt;
  return fields_of(*view);
}

std::optional<bool> view_reports_unknown_fields(std::string_view body) {
  const std::optional<MessageView> view = parse_message_view(as_bytes(body));
  if (!view) return std::nullopt;
  return view->has_unknown_fields;
}

class ViewParser : public ::testing::TestWithParam<BodyCase> {};

TEST_P(ViewParser, AgreesWithProtobuf_Rule4_2) {
  const BodyCase& c = GetParam();
  ASSERT_EQ(protobuf_parse(c.body), c.fields) << "protobuf does not do what the case says";
  EXPECT_EQ(view_parse(c.body), c.fields);
}

INSTANTIATE_TEST_SUITE_P(Accepted, ViewParser, ::testing::ValuesIn(accepted_bodies()), case_name);
INSTANTIATE_TEST_SUITE_P(Rejected, ViewParser, ::testing::ValuesIn(rejected_bodies()), case_name);

// Only bodies that parse: a rejected body has no view to report on.
class ViewParserUnknownFields : public ::testing::TestWithParam<BodyCase> {};

TEST_P(ViewParserUnknownFields, ReportedExactlyWhenProtobufKeepsThem_Rule4_2) {
  const BodyCase& c = GetParam();
  ASSERT_EQ(protobuf_keeps_unknown_fields(c.body), c.unknown_fields)
      << "protobuf does not do what the case says";
  EXPECT_EQ(view_reports_unknown_fields(c.body), c.unknown_fields);
}

INSTANTIATE_TEST_SUITE_P(Accepted, ViewParserUnknownFields, ::testing::ValuesIn(accepted_bodies()),
                         case_name);

TEST(ViewParserStrings, PointIntoTheBody) {
  const std::string body = "\x0a\x01k\x12\x01v\x18\x03"s;
  const auto view = parse_message_view(as_bytes(body));
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->key.data(), body.data() + 2);
  EXPECT_EQ(view->value.data(), body.data() + 5);
}

// ---- random bodies (RapidCheck) ----

RC_GTEST_PROP(ViewParserProperty, AgreesWithProtobufOnRandomBodies_Rule4_2_Rule4_3, ()) {
  const std::string body = *gen_body();
  const std::optional<MessageFields> expected = protobuf_parse(body);
  RC_TAG(expected ? "parses" : "bad body");
  RC_ASSERT(view_parse(body) == expected);
}

RC_GTEST_PROP(ViewParserProperty, ReportsUnknownFieldsLikeProtobufOnRandomBodies_Rule4_2, ()) {
  const std::string body = *gen_body();
  const std::optional<bool> expected = protobuf_keeps_unknown_fields(body);
  RC_TAG(!expected ? "bad body" : *expected ? "unknown fields" : "known fields only");
  RC_ASSERT(view_reports_unknown_fields(body) == expected);
}

}  // namespace
}  // namespace kv::test
