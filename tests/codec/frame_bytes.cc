#include "tests/codec/frame_bytes.h"

namespace kv::test {

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string le32(std::uint32_t value) {
  std::string out(4, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>((value >> (8U * i)) & 0xFFU);
  }
  return out;
}

std::string frame_with_footer(std::string_view body, std::string_view footer) {
  std::string out = le32(static_cast<std::uint32_t>(body.size() + footer.size()));
  out.append(body);
  out.append(footer);
  return out;
}

std::string raw_frame(std::string_view body) {
  return frame_with_footer(body, "@EOF@");
}

std::string readable_string(const Buffer& buffer) {
  const auto bytes = buffer.readable();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace kv::test
