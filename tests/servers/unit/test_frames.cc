#include "tests/servers/unit/test_frames.h"

#include <gtest/gtest.h>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/frame_format.h"

namespace kv::test {

Message make_message(std::string_view key, std::string_view value, std::uint32_t kind) {
  Message message;
  message.set_key(std::string(key));
  message.set_value(std::string(value));
  message.set_kind(kind);
  return message;
}

std::string put_frame(std::string_view key, std::string_view value) {
  return encode_frame_to_string(make_message(key, value, kKindPutOrUpdate));
}

std::string get_frame(std::string_view key) {
  return encode_frame_to_string(make_message(key, "", kKindGet));
}

std::string kind_frame(std::uint32_t kind) {
  return encode_frame_to_string(make_message("k", "v", kind));
}

std::string raw_frame(std::string_view body) {
  Buffer out;
  encode_raw_frame(std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), out);
  const auto bytes = out.readable();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string header(std::uint32_t len) {
  std::string bytes(kHeaderBytes, '\0');
  write_frame_len(len, reinterpret_cast<std::uint8_t*>(bytes.data()));
  return bytes;
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
  return m.kind() == kKindPutOrUpdate && m.status() == Ok && m.key().empty() && m.value().empty();
}

bool is_error(const Message& m) {
  return m.kind() == kKindError && m.status() == NotOk && m.key().empty() && m.value().empty();
}

bool is_hit(const Message& m, std::string_view key, std::string_view value) {
  return m.kind() == kKindGetResponse && m.status() == Ok && m.key() == key && m.value() == value;
}

bool is_miss(const Message& m, std::string_view key) {
  return m.kind() == kKindGetResponse && m.status() == NotOk && m.key() == key && m.value().empty();
}

}  // namespace kv::test
