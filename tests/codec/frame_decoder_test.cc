// Unit tests of the incremental FrameDecoder: every error class of SPEC
// section 6.6, offsets, limits (section 3) and standard parsing (section 4).
#include "codec/frame_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/decoded_stream.h"
#include "tests/codec/frame_bytes.h"
#include "tests/codec/worked_examples.h"

namespace kv::test {
namespace {

using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// No test here may make the decoder hold more than this: a claimed LEN must
// not be allocated before its bytes arrive (SPEC 3.3).
constexpr std::size_t kSmallCapacity = 64 * 1024;

StreamEvents feed_and_drain(FrameDecoder& decoder, std::string_view bytes) {
  decoder.feed(as_bytes(bytes));
  StreamEvents events;
  drain_events(decoder, BodyParser::kProtobuf, events);
  return events;
}

// The result of one call, std::nullopt standing for kNeedMore.
std::optional<StreamEvent> finish_event(FrameDecoder& decoder) {
  return event_of(decoder.finish(), {});
}

std::optional<StreamEvent> next_event(FrameDecoder& decoder) {
  Message message;
  const DecodeResult result = decoder.next(message);
  return event_of(result, fields_of(message));
}

// The body of `fields` serialized by protobuf itself, not by the codec.
std::string body_of(const MessageFields& fields) {
  return to_message(fields).SerializeAsString();
}

// ---- length-too-small (SPEC 2.3) ----

class LengthTooSmall : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(LengthTooSmall, RejectedFromHeaderAlone_Rule2_3) {
  FrameDecoder decoder;
  EXPECT_THAT(feed_and_drain(decoder, le32(GetParam())),
              ElementsAre(framing_error_event(FrameError::kLengthTooSmall, 0, GetParam())));
}

TEST_P(LengthTooSmall, RejectedAfterGoodFrame_Rule2_3) {
  EXPECT_THAT(decode_stream(as_bytes(kPutFrame + le32(GetParam()) + kEmptyFrame)),
              ElementsAre(frame_event(0, 13, kPutFields),
                          framing_error_event(FrameError::kLengthTooSmall, 17, GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Len0To4, LengthTooSmall, ::testing::Range<std::uint32_t>(0, 5));

// ---- length-too-large (SPEC 3.2, 3.3) ----

class LengthTooLarge : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(LengthTooLarge, RejectedFromHeaderAloneWithoutAllocating_Rule3_2) {
  FrameDecoder decoder;
  EXPECT_THAT(feed_and_drain(decoder, le32(GetParam())),
              ElementsAre(framing_error_event(FrameError::kLengthTooLarge, 0, GetParam())));
  EXPECT_LT(decoder.input().capacity(), kSmallCapacity);
}

TEST_P(LengthTooLarge, RejectedAfterGoodFrames_Rule3_2) {
  EXPECT_THAT(decode_stream(as_bytes(kPutAckFrame + kPutFrame + le32(GetParam()))),
              ElementsAre(frame_event(0, 7, kPutAckFields), frame_event(11, 13, kPutFields),
                          framing_error_event(FrameError::kLengthTooLarge, 28, GetParam())));
}

INSTANTIATE_TEST_SUITE_P(AboveDefaultMax, LengthTooLarge,
                         ::testing::Values(kDefaultMaxFrameLen + 1, 0x7FFFFFFFU, 0x80000000U,
                                           0xFFFFFFFFU));

TEST(FrameDecoder, LengthTooLargeAgainstCustomMax_Rule3_1) {
  FrameDecoder decoder(DecoderOptions{64});
  EXPECT_THAT(feed_and_drain(decoder, le32(65)),
              ElementsAre(framing_error_event(FrameError::kLengthTooLarge, 0, 65)));
}

TEST(FrameDecoder, LengthTooLargeAgainstSmallestMax_Rule3_1) {
  EXPECT_THAT(
      decode_stream(as_bytes(kEmptyFrame + kPutAckFrame), {}, DecoderOptions{5}),
      ElementsAre(frame_event(0, 5, {}), framing_error_event(FrameError::kLengthTooLarge, 9, 7)));
}

TEST(FrameDecoder, LenEqualToCustomMaxIsLegal_Rule3_1) {
  const MessageFields fields{"", std::string(57, 'v'), 0, 0};
  const std::string frame = raw_frame(body_of(fields));
  ASSERT_EQ(frame.size(), 4U + 64U);
  EXPECT_THAT(decode_stream(as_bytes(frame), {}, DecoderOptions{64}),
              ElementsAre(frame_event(0, 64, fields)));
}

TEST(FrameDecoder, LenEqualToDefaultMaxIsLegal_Rule3_1) {
  MessageFields fields{"", "", kKindPutOrUpdate, 0};
  // Tag, 4-byte length varint, value bytes, then "18 03": LEN - 5 in all.
  fields.value.assign(kDefaultMaxFrameLen - 5 - 1 - 4 - 2, 'v');
  const std::string frame = raw_frame(body_of(fields));
  ASSERT_EQ(frame.size(), 4U + kDefaultMaxFrameLen);
  EXPECT_THAT(decode_stream(as_bytes(frame)),
              ElementsAre(frame_event(0, kDefaultMaxFrameLen, fields)));
}

TEST(FrameDecoder, LegalHugeLenIsNotAllocatedBeforeItsBytes_Rule3_3) {
  FrameDecoder decoder;
  EXPECT_THAT(feed_and_drain(decoder, le32(kDefaultMaxFrameLen) + "\x0a\x01"s), IsEmpty());
  EXPECT_LT(decoder.input().capacity(), kSmallCapacity);
  EXPECT_EQ(finish_event(decoder),
            framing_error_event(FrameError::kTruncated, 0, kDefaultMaxFrameLen));
}

// ---- bad-footer (SPEC 2.2) ----

class BadFooter : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BadFooter, AnyChangedFooterByteIsRejected_Rule2_2) {
  std::string bad = kPutFrame;
  bad[bad.size() - 5 + GetParam()] ^= 0x01;
  EXPECT_THAT(decode_stream(as_bytes(kPutAckFrame + bad + kPutFrame)),
              ElementsAre(frame_event(0, 7, kPutAckFields),
                          framing_error_event(FrameError::kBadFooter, 11, 13)));
}

INSTANTIATE_TEST_SUITE_P(FooterByte, BadFooter, ::testing::Range<std::size_t>(0, 5));

TEST(FrameDecoder, ZeroFooterIsBadFooter_Rule2_2) {
  EXPECT_THAT(decode_stream(as_bytes(frame_with_footer(body_of(kPutFields), "\0\0\0\0\0"s))),
              ElementsAre(framing_error_event(FrameError::kBadFooter, 0, 13)));
}

TEST(FrameDecoder, LenOneTooShortIsBadFooter_Rule2_4) {
  std::string frame = kPutFrame;
  frame[0] = 12;  // The "footer" is now "03 @ E O F": boundaries come from LEN alone.
  EXPECT_THAT(decode_stream(as_bytes(frame)),
              ElementsAre(framing_error_event(FrameError::kBadFooter, 0, 12)));
}

TEST(FrameDecoder, LenOneTooLongIsBadFooter_Rule2_4) {
  std::string frame = kPutFrame + "@";
  frame[0] = 14;  // The "footer" is now "E O F @ @".
  EXPECT_THAT(decode_stream(as_bytes(frame)),
              ElementsAre(framing_error_event(FrameError::kBadFooter, 0, 14)));
}

// ---- bad-body (SPEC 4.3, 4.4, 6.4) ----

struct BadBodyCase {
  const char* name;
  std::string body;
};

void PrintTo(const BadBodyCase& bad_body, std::ostream* os) {
  *os << bad_body.name;
}

class BadBody : public ::testing::TestWithParam<BadBodyCase> {};

TEST_P(BadBody, ReportedAndDecodingContinues_Rule4_4) {
  const std::string bad = raw_frame(GetParam().body);
  const auto len = static_cast<std::uint32_t>(bad.size() - 4);
  EXPECT_THAT(decode_stream(as_bytes(bad + kPutFrame + bad)),
              ElementsAre(bad_body_event(0, len), frame_event(bad.size(), 13, kPutFields),
                          bad_body_event(bad.size() + 17, len)));
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, BadBody,
    ::testing::Values(BadBodyCase{"Garbage", "\xff\xff\xff\xff"s},
                      BadBodyCase{"WireType7", "\x0f\x01"s}, BadBodyCase{"WireType6", "\x0e"s},
                      BadBodyCase{"FieldNumberZero", "\x00\x01"s},
                      BadBodyCase{"TruncatedVarint", "\x18\x80"s},
                      BadBodyCase{"StringPastBodyEnd", "\x0a\x05\x61\x62"s},
                      BadBodyCase{"InvalidUtf8InKey_Rule4_3", "\x0a\x01\xff"s},
                      BadBodyCase{"InvalidUtf8InValue_Rule4_3", "\x12\x02\xc3\x28"s},
                      BadBodyCase{"OverlongUtf8InKey_Rule4_3", "\x0a\x02\xc0\xaf"s},
                      BadBodyCase{"SurrogateInValue_Rule4_3", "\x12\x03\xed\xa0\x80"s},
                      BadBodyCase{"TruncatedUtf8InValue_Rule4_3", "\x12\x02\x41\xe2"s}),
    [](const ::testing::TestParamInfo<BadBodyCase>& info) { return std::string(info.param.name); });

// ---- truncated (SPEC 6.5) ----

// Feeds the acknowledgement frame and the first `cut` bytes of the PUT
// frame, then checks finish() reports truncation of the PUT frame.
void expect_truncated_put(std::size_t cut) {
  SCOPED_TRACE("PUT frame cut after " + std::to_string(cut) + " bytes");
  const std::uint32_t len = cut >= 4 ? 13 : 0;
  EXPECT_THAT(decode_stream(as_bytes(kPutAckFrame + kPutFrame.substr(0, cut))),
              ElementsAre(frame_event(0, 7, kPutAckFields),
                          framing_error_event(FrameError::kTruncated, 11, len)));
}

TEST(FrameDecoder, TruncatedInHeader_Rule6_5) {
  for (std::size_t cut = 1; cut < 4; ++cut) expect_truncated_put(cut);
}

TEST(FrameDecoder, TruncatedInBody_Rule6_5) {
  for (std::size_t cut = 4; cut < 12; ++cut) expect_truncated_put(cut);
}

TEST(FrameDecoder, TruncatedInFooter_Rule6_5) {
  for (std::size_t cut = 12; cut < 17; ++cut) expect_truncated_put(cut);
}

TEST(FrameDecoder, TruncationIsStickyAndIgnoresLaterFeeds_Rule6_5) {
  FrameDecoder decoder;
  EXPECT_THAT(feed_and_drain(decoder, kPutFrame.substr(0, 6)), IsEmpty());
  const StreamEvent truncated = framing_error_event(FrameError::kTruncated, 0, 13);
  EXPECT_EQ(finish_event(decoder), truncated);
  EXPECT_TRUE(decoder.failed());
  decoder.feed(as_bytes(kPutFrame.substr(6)));
  EXPECT_EQ(next_event(decoder), truncated);
  EXPECT_EQ(finish_event(decoder), truncated);
}

TEST(FrameDecoder, CleanFinishOnFrameBoundary_Rule6_5) {
  EXPECT_THAT(decode_stream(as_bytes("")), IsEmpty());
  FrameDecoder decoder;
  EXPECT_THAT(feed_and_drain(decoder, kPutFrame), ElementsAre(frame_event(0, 13, kPutFields)));
  EXPECT_EQ(finish_event(decoder), std::nullopt);
  EXPECT_EQ(finish_event(decoder), std::nullopt);
  EXPECT_FALSE(decoder.failed());
  EXPECT_EQ(next_event(decoder), std::nullopt);
}

// ---- a failed decoder stays failed (SPEC 6.1) ----

TEST(FrameDecoder, FramingErrorRepeatsAndIgnoresLaterFeeds_Rule6_1) {
  FrameDecoder decoder;
  const StreamEvent failure = framing_error_event(FrameError::kLengthTooSmall, 17, 3);
  EXPECT_THAT(feed_and_drain(decoder, kPutFrame + le32(3)),
              ElementsAre(frame_event(0, 13, kPutFields), failure));
  EXPECT_TRUE(decoder.failed());
  EXPECT_EQ(next_event(decoder), failure);
  decoder.feed(as_bytes(kPutFrame + kPutFrame));
  EXPECT_EQ(next_event(decoder), failure);
  EXPECT_EQ(finish_event(decoder), failure);
  EXPECT_EQ(next_event(decoder), failure);
  EXPECT_EQ(decoder.offset(), 17U);
}

// ---- offsets ----

TEST(FrameDecoder, EveryResultCarriesItsFrameOffset) {
  const std::string bad_body = raw_frame("\x0f"s);
  std::string bad_footer = kPutAckFrame;
  bad_footer.back() = '!';
  const std::string stream = kPutAckFrame + bad_body + kPutFrame + kEmptyFrame + bad_footer;
  FrameDecoder decoder;
  decoder.feed(as_bytes(stream));
  const std::vector<std::pair<StreamEvent, std::uint64_t>> expected = {
      {frame_event(0, 7, kPutAckFields), 11},
      {bad_body_event(11, 6), 21},
      {frame_event(21, 13, kPutFields), 38},
      {frame_event(38, 5, {}), 47},
      {framing_error_event(FrameError::kBadFooter, 47, 7), 47},
  };
  for (const auto& [event, offset_after] : expected) {
    EXPECT_EQ(next_event(decoder), event);
    EXPECT_EQ(decoder.offset(), offset_after);
  }
}

// ---- the view path: next_view() (SPEC 4.2, 4.3) ----

TEST(FrameDecoder, NextViewReportsWhatNextReports) {
  const std::string stream = kPutAckFrame + raw_frame("\x0f"s) + kPutFrame +
                             raw_frame("\x0a\x02\xc0\xaf"s) + kEmptyFrame + le32(3);
  FrameDecoder by_message;
  FrameDecoder by_view;
  by_message.feed(as_bytes(stream));
  by_view.feed(as_bytes(stream));
  for (int i = 0; i < 6; ++i) {
    Message message;
    MessageView view;
    const DecodeResult expected = by_message.next(message);
    const DecodeResult got = by_view.next_view(view);
    const MessageFields fields =
        expected.status == DecodeStatus::kFrame ? fields_of(message) : MessageFields{};
    EXPECT_EQ(event_of(got, got.status == DecodeStatus::kFrame ? fields_of(view) : MessageFields{}),
              event_of(expected, fields))
        << "result " << i;
  }
  EXPECT_TRUE(by_view.failed());
}

TEST(FrameDecoder, ViewsPointIntoTheFedBytesWithoutACopy) {
  const std::string stream =
      kPutFrame + raw_frame(body_of({"key2", "value2", kKindPutOrUpdate, 0}));
  FrameDecoder decoder;
  decoder.feed(as_bytes(stream));
  const auto* first_byte = reinterpret_cast<const char*>(decoder.input().peek());
  MessageView first;
  MessageView second;
  ASSERT_EQ(decoder.next_view(first).status, DecodeStatus::kFrame);
  ASSERT_EQ(decoder.next_view(second).status, DecodeStatus::kFrame);
  EXPECT_EQ(decoder.next_view(second).status, DecodeStatus::kNeedMore);
  // No copy: both frames' strings are where the stream was fed, and stay
  // readable after both frames were consumed.
  EXPECT_EQ(first.key.data(), first_byte + 6);
  EXPECT_EQ(first.value.data(), first_byte + 9);
  EXPECT_EQ(second.key.data(), first_byte + kPutFrame.size() + 6);
  EXPECT_EQ(fields_of(first), kPutFields);
  EXPECT_EQ(fields_of(second), (MessageFields{"key2", "value2", kKindPutOrUpdate, 0}));
}

TEST(FrameDecoder, NextAndNextViewMixFrameByFrame) {
  FrameDecoder decoder;
  decoder.feed(as_bytes(kPutFrame + kPutAckFrame + kPutFrame));
  Message message;
  MessageView view;
  EXPECT_EQ(decoder.next_view(view).status, DecodeStatus::kFrame);
  EXPECT_EQ(fields_of(view), kPutFields);
  EXPECT_EQ(decoder.next(message).offset, 17U);
  EXPECT_EQ(fields_of(message), kPutAckFields);
  EXPECT_EQ(decoder.next_view(view).offset, 28U);
  EXPECT_EQ(fields_of(view), kPutFields);
}

// ---- options ----

TEST(FrameDecoder, ConstructorRejectsMaxOutOfRange_Rule3_1) {
  for (const std::uint32_t max : {0U, 4U, 0x80000000U, 0xFFFFFFFFU}) {
    EXPECT_THROW(FrameDecoder(DecoderOptions{max}), std::invalid_argument) << "max " << max;
  }
}

TEST(FrameDecoder, ConstructorAcceptsMaxAtBothBounds_Rule3_1) {
  EXPECT_EQ(FrameDecoder(DecoderOptions{5}).options().max_frame_len, 5U);
  EXPECT_EQ(FrameDecoder(DecoderOptions{0x7FFFFFFFU}).options().max_frame_len, 0x7FFFFFFFU);
  EXPECT_EQ(FrameDecoder().options().max_frame_len, kDefaultMaxFrameLen);
}

// ---- frame boundaries come from LEN alone (SPEC 2.4, 2.5) ----

TEST(FrameDecoder, FooterBytesInsideKeyAndValueAreData_Rule2_4) {
  const MessageFields fields{"@EOF@", "x@EOF@y@EOF@", kKindPutOrUpdate, 0};
  const std::string frame = raw_frame(body_of(fields));
  FrameDecoder decoder;
  StreamEvents events;
  for (const char byte : frame + kPutFrame) {
    const StreamEvents drained = feed_and_drain(decoder, std::string(1, byte));
    events.insert(events.end(), drained.begin(), drained.end());
  }
  const auto len = static_cast<std::uint32_t>(frame.size() - 4);
  EXPECT_THAT(events,
              ElementsAre(frame_event(0, len, fields), frame_event(frame.size(), 13, kPutFields)));
}

TEST(FrameDecoder, BodyEndingWithFooterTextIsData_Rule2_4) {
  const MessageFields fields{"", "@EOF@", 0, 0};
  EXPECT_THAT(decode_stream(as_bytes(raw_frame(body_of(fields)))),
              ElementsAre(frame_event(0, 12, fields)));
}

TEST(FrameDecoder, WorkedExampleByteByByteAndCoalesced_Rule2_5) {
  const std::string stream = kPutFrame + kPutAckFrame + kPutFrame;
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
  const auto expected =
      ElementsAre(frame_event(0, 13, kPutFields), frame_event(17, 7, kPutAckFields),
                  frame_event(28, 13, kPutFields));
  EXPECT_THAT(decode_stream(as_bytes(stream), every_byte), expected);
  EXPECT_THAT(decode_stream(as_bytes(stream)), expected);
}

// ---- standard proto3 parsing (SPEC 4.2, 4.5) ----

TEST(FrameDecoder, EmptyBodyIsTheDefaultMessage_Rule4_5) {
  EXPECT_THAT(decode_stream(as_bytes(kEmptyFrame)), ElementsAre(frame_event(0, 5, {})));
}

TEST(FrameDecoder, ExplicitDefaultValuesAccepted_Rule4_5) {
  EXPECT_THAT(decode_stream(as_bytes(raw_frame("\x0a\x00\x12\x00\x18\x00\x20\x00"s))),
              ElementsAre(frame_event(0, 13, {})));
}

TEST(FrameDecoder, NonMinimalVarintsAccepted_Rule4_2) {
  // kind 3 in five bytes; key "k" with its length 1 written in two bytes.
  const std::string body = "\x18\x83\x80\x80\x80\x00\x0a\x81\x00\x6b"s;
  EXPECT_THAT(decode_stream(as_bytes(raw_frame(body))),
              ElementsAre(frame_event(0, 15, {"k", "", kKindPutOrUpdate, 0})));
}

TEST(FrameDecoder, UnknownFieldsIgnored_Rule4_2) {
  const std::string body = body_of(kPutFields) + "\x48\x07"s + "\x52\x02\x61\x62"s +
                           "\x5d\x01\x02\x03\x04"s + "\x61\x01\x02\x03\x04\x05\x06\x07\x08"s;
  EXPECT_THAT(decode_stream(as_bytes(raw_frame(body))),
              ElementsAre(frame_event(0, static_cast<std::uint32_t>(body.size() + 5), kPutFields)));
}

TEST(FrameDecoder, LastRepeatedFieldWins_Rule4_2) {
  const std::string body = "\x0a\x01\x61\x18\x01\x0a\x01\x62\x18\x03\x20\x01\x20\x00"s;
  EXPECT_THAT(decode_stream(as_bytes(raw_frame(body))),
              ElementsAre(frame_event(0, 19, {"b", "", kKindPutOrUpdate, 0})));
}

TEST(FrameDecoder, UnknownStatusValuesKept_Rule4_2) {
  const std::string minus_one = "\x20\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s;
  EXPECT_THAT(decode_stream(as_bytes(raw_frame("\x20\x07"s) + raw_frame(minus_one))),
              ElementsAre(frame_event(0, 7, {"", "", 0, 7}), frame_event(11, 16, {"", "", 0, -1})));
}

}  // namespace
}  // namespace kv::test
