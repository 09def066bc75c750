#include "tests/servers/integration/test_frames.h"

#include <span>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "tools/kvcli/requests.h"

namespace kv::test {

std::string frame_of(const Message& message) { return encode_frame_to_string(message); }

std::string put_frame(std::string_view key, std::string_view value) {
  return frame_of(make_put_request(key, value));
}

std::string get_frame(std::string_view key) { return frame_of(make_get_request(key)); }

std::string kind_frame(std::uint32_t kind, std::string_view key, std::string_view value) {
  Message request = make_put_request(key, value);
  request.set_kind(kind);
  return frame_of(request);
}

std::string raw_frame(std::string_view body) {
  Buffer out;
  encode_raw_frame(std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()),
                   out);
  const auto bytes = out.readable();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string header_only(std::uint32_t len) {
  std::string header(kHeaderBytes, '\0');
  write_frame_len(len, reinterpret_cast<std::uint8_t*>(header.data()));
  return header;
}

std::string with_bad_footer(std::string frame) {
  frame.back() = '!';
  return frame;
}

Message put_ack() {
  Message response;
  response.set_kind(kKindPutOrUpdate);
  response.set_status(Ok);
  return response;
}

Message get_hit(std::string_view key, std::string_view value) {
  Message response;
  response.set_key(std::string(key));
  response.set_value(std::string(value));
  response.set_kind(kKindGetResponse);
  response.set_status(Ok);
  return response;
}

Message get_miss(std::string_view key) {
  Message response;
  response.set_key(std::string(key));
  response.set_kind(kKindGetResponse);
  response.set_status(NotOk);
  return response;
}

Message not_ok(std::uint32_t kind) {
  Message response;
  response.set_kind(kind);
  response.set_status(NotOk);
  return response;
}

bool same_message(const Message& a, const Message& b) {
  return a.key() == b.key() && a.value() == b.value() && a.kind() == b.kind() &&
         a.status() == b.status();
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
