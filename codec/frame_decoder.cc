#include "frame_decoder.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "message_parse.h"

namespace kv {

FrameDecoder::FrameDecoder(DecoderOptions options) : options_(options) {
  if (options_.max_frame_len < kMinFrameLen || options_.max_frame_len > kMaxConfigurableFrameLen) {
    throw std::invalid_argument("max frame length must be between 5 and 2147483647");
  }
}

DecodeResult FrameDecoder::fail(FrameError error, std::uint32_t len) {
  failure_ = {DecodeStatus::kFramingError, error, offset_, len};
  return failure_;
}

template <typename ParseBody>
DecodeResult FrameDecoder::decode_frame_with(ParseBody parse_body) {
  if (failed()) [[unlikely]]
    return failure_;
  const std::size_t available = input_.readable_bytes();
  if (available < kHeaderBytes) return {};

  const std::uint8_t* frame = input_.peek();
  const std::uint32_t len = read_frame_len(frame);
  if (len < kMinFrameLen) [[unlikely]]
    return fail(FrameError::kLengthTooSmall, len);
  if (len > options_.max_frame_len) [[unlikely]]
    return fail(FrameError::kLengthTooLarge, len);
  // No overflow: len <= kMaxConfigurableFrameLen < SIZE_MAX - kHeaderBytes.
  const std::size_t frame_bytes = kHeaderBytes + static_cast<std::size_t>(len);
  if (available < frame_bytes) return {};

  const std::size_t body_bytes = len - kFooterBytes;
  const std::uint8_t* body = frame + kHeaderBytes;
  if (!std::equal(kFooter.begin(), kFooter.end(), body + body_bytes)) [[unlikely]] {
    return fail(FrameError::kBadFooter, len);
  }

  const bool parsed = parse_body(body, body_bytes);
  const DecodeResult result{parsed ? DecodeStatus::kFrame : DecodeStatus::kBadBody,
                            FrameError::kBadBody, offset_, len};
  input_.consume(frame_bytes);
  offset_ += frame_bytes;
  return result;
}

DecodeResult FrameDecoder::decode_frame(Message& message) {
  return decode_frame_with([&message](const std::uint8_t* body, std::size_t body_bytes) {
    return parse_message({body, body_bytes}, message);
  });
}

DecodeResult FrameDecoder::decode_frame_view(MessageView& view) {
  return decode_frame_with([&view](const std::uint8_t* body, std::size_t body_bytes) {
    const std::optional<MessageView> parsed = parse_message_view({body, body_bytes});
    if (parsed) view = *parsed;
    return parsed.has_value();
  });
}

DecodeResult FrameDecoder::finish() {
  if (failed()) return failure_;
  const std::size_t available = input_.readable_bytes();
  if (available == 0) return {};
  const std::uint32_t len = available >= kHeaderBytes ? read_frame_len(input_.peek()) : 0;
  return fail(FrameError::kTruncated, len);
}

}  // namespace kv
