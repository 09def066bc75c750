#include "tests/codec/reference_decoder.h"

namespace kv::test {
namespace {

std::uint32_t little_endian_at(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 4; i-- > 0;) {
    value = (value << 8U) | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

}  // namespace

ReferenceDecode reference_decode(std::string_view bytes, std::uint32_t max_frame_len) {
  ReferenceDecode out;
  std::size_t at = 0;
  while (bytes.size() - at >= 4) {
    const std::uint32_t len = little_endian_at(bytes, at);
    if (len < 5 || len > max_frame_len) {
      const FrameError error = len < 5 ? FrameError::kLengthTooSmall : FrameError::kLengthTooLarge;
      out.failure = framing_error_event(error, at, len);
      break;
    }
    if (bytes.size() - at - 4 < len) break;
    const std::string_view body = bytes.substr(at + 4, len - 5);
    if (bytes.substr(at + 4 + body.size(), 5) != "@EOF@") {
      out.failure = framing_error_event(FrameError::kBadFooter, at, len);
      break;
    }
    Message message;
    if (message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      out.results.push_back(frame_event(at, len, fields_of(message)));
    } else {
      out.results.push_back(bad_body_event(at, len));
    }
    at += 4 + len;
  }
  out.decoded_bytes = at;
  return out;
}

std::optional<StreamEvent> reference_finish(const ReferenceDecode& decoded,
                                            std::string_view bytes) {
  if (decoded.failure) return decoded.failure;
  const std::size_t at = decoded.decoded_bytes;
  if (at == bytes.size()) return std::nullopt;
  const std::uint32_t len = bytes.size() - at >= 4 ? little_endian_at(bytes, at) : 0;
  return framing_error_event(FrameError::kTruncated, at, len);
}

StreamEvents reference_events(std::string_view bytes, std::uint32_t max_frame_len) {
  const ReferenceDecode decoded = reference_decode(bytes, max_frame_len);
  StreamEvents events = decoded.results;
  if (const std::optional<StreamEvent> last = reference_finish(decoded, bytes))
    events.push_back(*last);
  return events;
}

}  // namespace kv::test
