#include "tests/servers/integration/test_frames.h"

#include <span>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"

namespace kv::test {

std::string put_frame(std::string_view key, std::string_view value) {
  return encode_frame_to_string(make_put(key, value));
}

std::string get_frame(std::string_view key) { return encode_frame_to_string(make_get(key)); }

std::string kind_frame(std::uint32_t kind, std::string_view key, std::string_view value) {
  Message request = make_put(key, value);
  request.set_kind(kind);
  return encode_frame_to_string(request);
}

std::string with_bad_footer(std::string frame) {
  frame.back() = '!';
  return frame;
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
