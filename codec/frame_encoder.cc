#include "frame_encoder.h"

#include <cstring>
#include <stdexcept>

#include "frame_error.h"

namespace kv {
namespace {

// Appends the header for a body of `body_bytes` bytes and returns where the
// body must be written; the caller fills the body and then the footer.
std::uint8_t* begin_frame(std::size_t body_bytes, Buffer& out) {
  const std::size_t frame_len = body_bytes + kFooterBytes;
  out.ensure_writable(kHeaderBytes + frame_len);
  std::uint8_t* header = out.write_ptr();
  write_frame_len(static_cast<std::uint32_t>(frame_len), header);
  return header + kHeaderBytes;
}

void end_frame(std::size_t body_bytes, Buffer& out) {
  std::memcpy(out.write_ptr() + kHeaderBytes + body_bytes, kFooter.data(), kFooterBytes);
  out.commit(kHeaderBytes + body_bytes + kFooterBytes);
}

}  // namespace

std::error_code encode_frame(const Message& message, Buffer& out, std::uint32_t max_frame_len) {
  const std::size_t body_bytes = message.ByteSizeLong();
  if (body_bytes > max_frame_len - kFooterBytes || max_frame_len < kMinFrameLen ||
      body_bytes > kMaxConfigurableFrameLen - kFooterBytes) {
    return FrameError::kLengthTooLarge;
  }
  std::uint8_t* body = begin_frame(body_bytes, out);
  message.SerializeWithCachedSizesToArray(body);
  end_frame(body_bytes, out);
  return {};
}

std::error_code encode_raw_frame(std::span<const std::uint8_t> body, Buffer& out) {
  if (body.size() > UINT32_MAX - kFooterBytes) return FrameError::kLengthTooLarge;
  std::uint8_t* dest = begin_frame(body.size(), out);
  if (!body.empty()) std::memcpy(dest, body.data(), body.size());
  end_frame(body.size(), out);
  return {};
}

namespace {

std::string checked_string(const Buffer& out, std::error_code error, const char* what) {
  if (error) throw std::length_error(std::string(what) + ": " + error.message());
  const auto bytes = out.readable();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string encode_frame_to_string(const Message& message) {
  Buffer out;
  const std::error_code error = encode_frame(message, out, kMaxConfigurableFrameLen);
  return checked_string(out, error, "encode_frame_to_string");
}

std::string encode_raw_frame_to_string(std::string_view body) {
  Buffer out;
  const std::error_code error = encode_raw_frame(
      std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), out);
  return checked_string(out, error, "encode_raw_frame_to_string");
}

std::string encode_header_to_string(std::uint32_t len) {
  std::string header(kHeaderBytes, '\0');
  write_frame_len(len, reinterpret_cast<std::uint8_t*>(header.data()));
  return header;
}

}  // namespace kv
