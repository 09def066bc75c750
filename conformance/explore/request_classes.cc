#include "conformance/explore/request_classes.h"

#include <algorithm>

#include "codec/frame_format.h"
#include "codec/utf8.h"

namespace kv {

namespace {

constexpr std::size_t kLongKeyBytes = 256;
constexpr std::size_t kLargeValueBytes = 64 * 1024;

bool has_c0_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u > 0 && u < 0x20 && c != '\r' && c != '\n' && c != '\t') || u == 0x7f;
  });
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The families every text (key or value) can belong to.
std::vector<std::string> text_families(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) {
    out.emplace_back("empty");
    return out;
  }
  const bool utf8 = is_valid_utf8(s);
  if (s.find('\0') != std::string_view::npos) out.emplace_back("U+0000");
  if (has_c0_control(s)) out.emplace_back("control characters");
  if (s.find_first_of("\r\n") != std::string_view::npos) out.emplace_back("CR or LF");
  if (s.find('\t') != std::string_view::npos) out.emplace_back("TAB");
  if (is_space(s.front()) || is_space(s.back())) out.emplace_back("whitespace at an end");
  if (!utf8) {
    out.emplace_back("invalid UTF-8");
  } else if (std::any_of(s.begin(), s.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    out.emplace_back("non-ASCII");
    if (std::any_of(s.begin(), s.end(),
                    [](char c) { return static_cast<unsigned char>(c) >= 0xf0; })) {
      out.emplace_back("beyond U+FFFF");
    }
  }
  if (s.find(std::string_view(reinterpret_cast<const char*>(kFooter.data()), kFooter.size())) !=
      std::string_view::npos) {
    out.emplace_back("footer inside");
  }
  return out;
}

}  // namespace

std::vector<std::string> key_families(std::string_view key) {
  std::vector<std::string> out = text_families(key);
  if (key.size() > kLongKeyBytes) out.emplace_back("over 256 bytes");
  const bool upper = std::any_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  const bool lower = std::any_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (upper && lower) out.emplace_back("mixed case");
  if (out.empty()) out.emplace_back("plain");
  return out;
}

std::vector<std::string> value_families(const Request& request) {
  if (request.fill_len != 0) return {"at the maximum LEN"};
  std::vector<std::string> out = text_families(request.value);
  if (request.value.size() > kLargeValueBytes) out.emplace_back("over 64 KiB");
  if (out.empty()) out.emplace_back("plain");
  return out;
}

}  // namespace kv
