#include "conformance/wire/messages.h"

#include <fmt/format.h>

namespace kv {

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

std::size_t pb_varint_size(std::uint64_t value) {
  return pb_varint(value).size();
}

std::string pb_varint_field(std::uint32_t field, std::uint64_t value) {
  return pb_varint(static_cast<std::uint64_t>(field) << 3U) + pb_varint(value);
}

std::string pb_bytes_field(std::uint32_t field, std::string_view bytes) {
  return pb_varint((static_cast<std::uint64_t>(field) << 3U) | 2U) + pb_varint(bytes.size()) +
         std::string(bytes);
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
                     quote_bytes(message.value()), message.kind(), status_text(message.status()));
}

}  // namespace kv
