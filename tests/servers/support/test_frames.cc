#include "tests/servers/support/test_frames.h"

#include <gtest/gtest.h>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"

namespace kv::test {

Message make_message(std::string_view key, std::string_view value, std::uint32_t kind) {
  Message message;
  message.set_key(std::string(key));
  message.set_value(std::string(value));
  message.set_kind(kind);
  return message;
}

std::string put_frame(std::string_view key, std::string_view value) {
  return encode_frame_to_string(make_put(key, value));
}

std::string get_frame(std::string_view key) {
  return encode_frame_to_string(make_get(key));
}

std::string kind_frame(std::uint32_t kind, std::string_view key, std::string_view value) {
  return encode_frame_to_string(make_message(key, value, kind));
}

std::string raw_frame(std::string_view body) {
  return encode_raw_frame_to_string(body);
}

std::string header(std::uint32_t len) {
  return encode_header_to_string(len);
}

std::string with_bad_footer(std::string frame) {
  frame.back() = '!';
  return frame;
}

std::vector<Message> decode_all(std::string_view bytes) {
  FrameDecoder decoder(DecoderOptions{kMaxConfigurableFrameLen});
  decoder.feed(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  std::vector<Message> messages;
  Message message;
  for (;;) {
    const DecodeResult result = decoder.next(message);
    if (result.status == DecodeStatus::kFrame) {
      messages.push_back(message);
      continue;
    }
    EXPECT_EQ(result.status, DecodeStatus::kNeedMore) << "responses are not well-formed frames";
    break;
  }
  EXPECT_EQ(decoder.finish().status, DecodeStatus::kNeedMore) << "a partial response frame";
  return messages;
}

bool is_put_ack(const Message& m) {
  return same_message(m, make_put_ack());
}

bool is_error(const Message& m) {
  return same_message(m, make_error_response());
}

bool is_hit(const Message& m, std::string_view key, std::string_view value) {
  return same_message(m, make_get_hit(key, value));
}

bool is_miss(const Message& m, std::string_view key) {
  return same_message(m, make_get_miss(key));
}

std::string describe(const Message& message) {
  constexpr std::size_t kShownValueBytes = 40;
  std::string value = message.value().substr(0, kShownValueBytes);
  if (message.value().size() > kShownValueBytes) {
    value += "...(" + std::to_string(message.value().size()) + " bytes)";
  }
  return "{key: \"" + message.key() + "\", value: \"" + value +
         "\", kind: " + std::to_string(message.kind()) +
         ", status: " + std::to_string(static_cast<int>(message.status())) + "}";
}

}  // namespace kv::test
