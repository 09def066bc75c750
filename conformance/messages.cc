#include "conformance/messages.h"

#include <fmt/format.h>

#include "codec/buffer.h"
#include "codec/frame_encoder.h"
#include "codec/frame_format.h"

namespace kv {

Message make_put(std::string_view key, std::string_view value) {
  Message m;
  m.set_key(std::string(key));
  m.set_value(std::string(value));
  m.set_kind(kKindPutOrUpdate);
  return m;
}

Message make_get(std::string_view key) {
  Message m;
  m.set_key(std::string(key));
  m.set_kind(kKindGet);
  return m;
}

Message make_put_ack() {
  Message m;
  m.set_kind(kKindPutOrUpdate);
  m.set_status(Ok);
  return m;
}

Message make_get_hit(std::string_view key, std::string_view value) {
  Message m;
  m.set_key(std::string(key));
  m.set_value(std::string(value));
  m.set_kind(kKindGetResponse);
  m.set_status(Ok);
  return m;
}

Message make_get_miss(std::string_view key) {
  Message m;
  m.set_key(std::string(key));
  m.set_kind(kKindGetResponse);
  m.set_status(NotOk);
  return m;
}

Message make_error_response() { return make_unknown_kind_response(kKindError); }

Message make_unknown_kind_response(std::uint32_t kind) {
  Message m;
  m.set_kind(kind);
  m.set_status(NotOk);
  return m;
}

std::string frame_of(const Message& message) {
  Buffer out;
  const std::error_code ec = encode_frame(message, out, kMaxConfigurableFrameLen);
  if (ec) return {};
  return {reinterpret_cast<const char*>(out.peek()), out.readable_bytes()};
}

std::string raw_frame(std::string_view body) {
  Buffer out;
  const std::error_code ec = encode_raw_frame(
      {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}, out);
  if (ec) return {};
  return {reinterpret_cast<const char*>(out.peek()), out.readable_bytes()};
}

std::string header_only(std::uint32_t len) {
  std::string header(kHeaderBytes, '\0');
  write_frame_len(len, reinterpret_cast<std::uint8_t*>(header.data()));
  return header;
}

std::string pb_varint(std::uint64_t value) {
  std::string out;
  do {
    std::uint8_t byte = value & 0x7FU;
    value >>= 7U;
    if (value != 0) byte |= 0x80U;
    out += static_cast<char>(byte);
  } while (value != 0);
  return out;
}

std::size_t pb_varint_size(std::uint64_t value) { return pb_varint(value).size(); }

std::string pb_varint_field(std::uint32_t field, std::uint64_t value) {
  return pb_varint(static_cast<std::uint64_t>(field) << 3U) + pb_varint(value);
}

std::string pb_bytes_field(std::uint32_t field, std::string_view bytes) {
  return pb_varint((static_cast<std::uint64_t>(field) << 3U) | 2U) + pb_varint(bytes.size()) +
         std::string(bytes);
}

bool same_message(const Message& a, const Message& b) {
  return a.key() == b.key() && a.value() == b.value() && a.kind() == b.kind() &&
         a.status() == b.status();
}

std::string quote_bytes(std::string_view bytes) {
  static constexpr std::size_t kShown = 48;
  std::string out = "\"";
  for (const char c : bytes.substr(0, kShown)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  out += '"';
  if (bytes.size() > kShown) out += fmt::format("... ({} bytes)", bytes.size());
  return out;
}

static std::string status_text(int status) {
  if (status == Ok) return "Ok";
  if (status == NotOk) return "NotOk";
  return std::to_string(status);
}

std::string describe_message(const Message& message) {
  return fmt::format("{{key: {}, value: {}, kind: {}, status: {}}}", quote_bytes(message.key()),
                     quote_bytes(message.value()), message.kind(),
                     status_text(message.status()));
}

}  // namespace kv
