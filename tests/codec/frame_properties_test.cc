// Properties of the codec over generated messages and streams (RapidCheck):
// round trip, split invariance (SPEC 2.5), prefixes and truncation (6.5),
// footer corruption (2.2) and oversized LEN (3.2, 3.3).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/decoded_stream.h"
#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "tests/codec/frame_bytes.h"
#include "tests/codec/reference_decoder.h"
#include "tests/codec/stream_generators.h"

namespace kv::test {
namespace {

constexpr std::size_t kSmallCapacity = 64 * 1024;
constexpr int kMaxMessagesPerStream = 6;

rc::Gen<std::vector<MessageFields>> gen_messages() {
  return rc::gen::exec([] {
    const auto count = *rc::gen::inRange(1, kMaxMessagesPerStream + 1);
    return *rc::gen::container<std::vector<MessageFields>>(count, gen_message_fields());
  });
}

// The events decode_stream() must give for the first `size` bytes of
// `stream`: its frames that end there, then truncation if one is cut.
StreamEvents expected_for_prefix(const EncodedStream& stream,
                                 const std::vector<MessageFields>& messages, std::size_t size) {
  StreamEvents events;
  std::size_t i = 0;
  for (; i < messages.size() && stream.boundaries[i + 1] <= size; ++i) {
    const auto len =
        static_cast<std::uint32_t>(stream.boundaries[i + 1] - stream.boundaries[i] - 4);
    events.push_back(frame_event(stream.boundaries[i], len, messages[i]));
  }
  const std::size_t start = stream.boundaries[i];
  if (start != size) {
    const std::uint32_t len =
        size - start >= 4 ? static_cast<std::uint32_t>(stream.boundaries[i + 1] - start - 4) : 0;
    events.push_back(framing_error_event(FrameError::kTruncated, start, len));
  }
  return events;
}

RC_GTEST_PROP(FrameProperties, EncodeThenDecodeGivesBackTheMessage_Rule4_1, ()) {
  const MessageFields fields = *gen_message_fields();
  Buffer out;
  RC_ASSERT(!encode_frame(to_message(fields), out));
  const std::string frame = readable_string(out);
  RC_ASSERT(frame == encode_frame_to_string(to_message(fields)));
  const auto len = static_cast<std::uint32_t>(frame.size() - 4);
  RC_ASSERT(frame.substr(0, 4) == le32(len));
  RC_ASSERT(frame.substr(frame.size() - 5) == "@EOF@");
  const StreamEvents expected = {frame_event(0, len, fields)};
  RC_ASSERT(decode_stream(as_bytes(frame)) == expected);
}

RC_GTEST_PROP(FrameProperties, AnySplitDecodesLikeOneShot_Rule2_5, ()) {
  const std::uint32_t max = *gen_max_frame_len();
  std::string stream = *gen_mixed_stream(max);
  if (*rc::gen::arbitrary<bool>())
    stream.resize(*rc::gen::inRange<std::size_t>(0, stream.size() + 1));
  const std::vector<std::size_t> cuts = *gen_cuts(stream.size());
  const StreamEvents at_once = decode_stream(as_bytes(stream), {}, DecoderOptions{max});
  RC_TAG(!at_once.empty() && at_once.back().error ? frame_error_name(*at_once.back().error)
                                                  : "clean end");
  RC_ASSERT(decode_stream(as_bytes(stream), cuts, DecoderOptions{max}) == at_once);
  RC_ASSERT(decode_stream(as_bytes(stream), cuts, DecoderOptions{max}, BodyParser::kView) ==
            at_once);
  RC_ASSERT(at_once == reference_events(stream, max));
}

RC_GTEST_PROP(FrameProperties, StrictPrefixYieldsItsWholeFramesThenTruncation_Rule6_5, ()) {
  const std::vector<MessageFields> messages = *gen_messages();
  const EncodedStream stream = encode_messages(messages);
  const auto size = *rc::gen::inRange<std::size_t>(0, stream.bytes.size());
  RC_ASSERT(decode_stream(as_bytes(std::string_view(stream.bytes).substr(0, size))) ==
            expected_for_prefix(stream, messages, size));
}

RC_GTEST_PROP(FrameProperties, AnyFooterChangeIsBadFooter_Rule2_2, ()) {
  const std::vector<MessageFields> messages = *gen_messages();
  const EncodedStream stream = encode_messages(messages);
  const auto frame = *rc::gen::inRange<std::size_t>(0, messages.size());
  const std::size_t footer_start = stream.boundaries[frame + 1] - 5;
  const auto position = footer_start + *rc::gen::inRange<std::size_t>(0, 5);
  std::string bytes = stream.bytes;
  bytes[position] = static_cast<char>(bytes[position] ^ *rc::gen::inRange(1, 256));

  StreamEvents expected = expected_for_prefix(stream, messages, stream.boundaries[frame]);
  const auto len = static_cast<std::uint32_t>(footer_start + 5 - stream.boundaries[frame] - 4);
  expected.push_back(framing_error_event(FrameError::kBadFooter, stream.boundaries[frame], len));
  RC_ASSERT(decode_stream(as_bytes(bytes), *gen_cuts(bytes.size())) == expected);
}

RC_GTEST_PROP(FrameProperties, LenAboveMaxRejectedFromHeaderAlone_Rule3_2_Rule3_3, ()) {
  const auto count = *rc::gen::inRange(0, 4);
  const auto messages =
      *rc::gen::container<std::vector<MessageFields>>(count, gen_message_fields());
  const EncodedStream before = encode_messages(messages);
  std::size_t largest = kMinFrameLen;
  for (std::size_t i = 0; i + 1 < before.boundaries.size(); ++i) {
    largest = std::max(largest, before.boundaries[i + 1] - before.boundaries[i] - 4);
  }
  const auto max = *rc::gen::weightedOneOf<std::uint32_t>(
      {{1, rc::gen::just(kDefaultMaxFrameLen)},
       {3, rc::gen::inRange<std::uint32_t>(static_cast<std::uint32_t>(largest),
                                           static_cast<std::uint32_t>(largest) + 200)}});
  const auto len = static_cast<std::uint32_t>(
      *rc::gen::inRange<std::uint64_t>(std::uint64_t{max} + 1, std::uint64_t{1} << 32U));

  FrameDecoder decoder(DecoderOptions{max});
  decoder.feed(as_bytes(before.bytes));
  StreamEvents events;
  drain_events(decoder, BodyParser::kProtobuf, events);
  RC_ASSERT(events == expected_for_prefix(before, messages, before.bytes.size()));
  decoder.feed(as_bytes(le32(len)));
  events.clear();
  drain_events(decoder, BodyParser::kProtobuf, events);
  RC_ASSERT(events == StreamEvents{framing_error_event(FrameError::kLengthTooLarge,
                                                       before.bytes.size(), len)});
  RC_ASSERT(decoder.input().capacity() < kSmallCapacity);
}

}  // namespace
}  // namespace kv::test
