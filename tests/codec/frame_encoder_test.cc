// Tests of encode_frame, encode_raw_frame and encode_frame_to_string
// against the worked examples and the limits of SPEC sections 2 and 3.
#include "codec/frame_encoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "codec/decoded_stream.h"
#include "codec/frame_error.h"
#include "tests/codec/frame_bytes.h"
#include "tests/codec/worked_examples.h"

namespace kv::test {
namespace {

using namespace std::string_literals;

// Encodes `message` into a fresh buffer with the given maximum; the frame
// bytes, or an empty string if encoding failed (the test also checks that).
std::string encode(const Message& message, std::uint32_t max_frame_len = kDefaultMaxFrameLen) {
  Buffer out;
  const std::error_code error = encode_frame(message, out, max_frame_len);
  EXPECT_FALSE(error) << error.message();
  return readable_string(out);
}

// A message whose frame has exactly `len` as LEN (len >= 8).
Message message_with_frame_len(std::uint32_t len) {
  Message message;
  message.set_kind(kKindPutOrUpdate);            // 2 body bytes: 18 03.
  message.set_value(std::string(len - 9, 'v'));  // 12 nn + bytes, for len in [10, 136].
  return message;
}

TEST(FrameEncoder, WorkedExamplePut_Rule2_1) {
  const Message put = to_message(kPutFields);
  EXPECT_EQ(hex(encode(put)), hex(kPutFrame));
}

TEST(FrameEncoder, WorkedExamplePutAcknowledgement_Rule5_1) {
  const Message ack = to_message(kPutAckFields);
  EXPECT_EQ(hex(encode(ack)), hex(kPutAckFrame));
}

TEST(FrameEncoder, GetMissResponse_Rule5_3) {
  const Message miss = to_message({"k", "", kKindGetResponse, NotOk});
  EXPECT_EQ(hex(encode(miss)),
            hex("\x0c\x00\x00\x00\x0a\x01\x6b\x18\x02\x20\x01\x40\x45\x4f\x46\x40"s));
}

TEST(FrameEncoder, EmptyMessageHasLenFive_Rule2_3) {
  EXPECT_EQ(hex(encode(Message())), hex(kEmptyFrame));
}

TEST(FrameEncoder, DefaultValuedFieldsAreOmitted_Rule4_5) {
  const Message error_response = to_message({"", "", kKindError, Ok});
  EXPECT_EQ(hex(encode(error_response)), hex(kEmptyFrame));
}

TEST(FrameEncoder, AppendsAfterExistingBytes) {
  Buffer out;
  out.append(std::string_view("prefix"));
  ASSERT_FALSE(encode_frame(to_message(kPutFields), out));
  EXPECT_EQ(hex(readable_string(out)), hex("prefix" + kPutFrame));
}

TEST(FrameEncoder, LenEqualToMaxIsEncoded_Rule3_1) {
  const Message message = message_with_frame_len(40);
  ASSERT_EQ(message.ByteSizeLong() + 5, 40U);
  Buffer out;
  EXPECT_FALSE(encode_frame(message, out, 40));
  EXPECT_EQ(out.readable_bytes(), 44U);
}

TEST(FrameEncoder, RefusesLenAboveMaxAndLeavesBufferUnchanged_Rule3_1) {
  const Message message = message_with_frame_len(41);
  ASSERT_EQ(message.ByteSizeLong() + 5, 41U);
  Buffer out;
  out.append(std::string_view("kept"));
  const std::size_t capacity = out.capacity();
  const std::error_code error = encode_frame(message, out, 40);
  EXPECT_EQ(error, FrameError::kLengthTooLarge);
  EXPECT_EQ(error.message(), "length-too-large");
  EXPECT_EQ(readable_string(out), "kept");
  EXPECT_EQ(out.capacity(), capacity);
}

TEST(FrameEncoder, RefusesEvenAnEmptyMessageBelowMinimumMax_Rule2_3) {
  for (const std::uint32_t max : {0U, 1U, 4U}) {
    Buffer out;
    EXPECT_EQ(encode_frame(Message(), out, max), FrameError::kLengthTooLarge) << "max " << max;
    EXPECT_TRUE(out.empty()) << "max " << max;
    EXPECT_EQ(out.capacity(), 0U) << "max " << max;
  }
}

TEST(FrameEncoder, RefusesMessageAboveDefaultMax_Rule3_1) {
  Message message;
  message.set_value(std::string(kDefaultMaxFrameLen, 'v'));
  Buffer out;
  EXPECT_EQ(encode_frame(message, out), FrameError::kLengthTooLarge);
  EXPECT_TRUE(out.empty());
}

TEST(FrameEncoder, RawFrameTakesGarbageBodyVerbatim_Rule2_1) {
  const std::string body = "\xff\x00\x0f garbage"s;
  Buffer out;
  ASSERT_FALSE(encode_raw_frame(as_bytes(body), out));
  EXPECT_EQ(hex(readable_string(out)), hex(raw_frame(body)));
  EXPECT_EQ(readable_string(out).substr(0, 4), le32(static_cast<std::uint32_t>(body.size() + 5)));
}

TEST(FrameEncoder, RawFrameOfEmptyBodyHasLenFive_Rule2_3) {
  Buffer out;
  ASSERT_FALSE(encode_raw_frame({}, out));
  EXPECT_EQ(hex(readable_string(out)), hex(kEmptyFrame));
}

TEST(FrameEncoder, RawFrameBodyMayHoldTheFooter_Rule2_4) {
  Buffer out;
  ASSERT_FALSE(encode_raw_frame(as_bytes("@EOF@"), out));
  EXPECT_EQ(hex(readable_string(out)), hex("\x0a\x00\x00\x00@EOF@@EOF@"s));
}

TEST(FrameEncoder, FrameToStringMatchesBufferEncoding) {
  const Message put = to_message(kPutFields);
  EXPECT_EQ(hex(encode_frame_to_string(put)), hex(kPutFrame));
}

}  // namespace
}  // namespace kv::test
