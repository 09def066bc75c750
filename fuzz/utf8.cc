#include "fuzz/utf8.h"

#include <cstddef>
#include <cstdint>

namespace kv::fuzz {
namespace {

bool is_continuation(std::uint8_t byte) { return (byte & 0xC0U) == 0x80U; }

// The length of the sequence led by `lead` and the allowed range of its
// second byte (which excludes overlong forms, surrogates and code points
// above U+10FFFF); zero length for a byte that cannot lead.
struct Lead {
  std::size_t length;
  std::uint8_t second_min;
  std::uint8_t second_max;
};

Lead classify(std::uint8_t lead) {
  if (lead < 0x80U) return {1, 0, 0};
  if (lead >= 0xC2U && lead <= 0xDFU) return {2, 0x80, 0xBF};
  if (lead == 0xE0U) return {3, 0xA0, 0xBF};
  if (lead == 0xEDU) return {3, 0x80, 0x9F};
  if (lead >= 0xE1U && lead <= 0xEFU) return {3, 0x80, 0xBF};
  if (lead == 0xF0U) return {4, 0x90, 0xBF};
  if (lead >= 0xF1U && lead <= 0xF3U) return {4, 0x80, 0xBF};
  if (lead == 0xF4U) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const Lead lead = classify(static_cast<std::uint8_t>(text[i]));
    if (lead.length == 0 || text.size() - i < lead.length) return false;
    if (lead.length > 1) {
      const auto second = static_cast<std::uint8_t>(text[i + 1]);
      if (second < lead.second_min || second > lead.second_max) return false;
      for (std::size_t k = 2; k < lead.length; ++k) {
        if (!is_continuation(static_cast<std::uint8_t>(text[i + k]))) return false;
      }
    }
    i += lead.length;
  }
  return true;
}

}  // namespace kv::fuzz
