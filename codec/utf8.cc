#include "codec/utf8.h"

#include <simdjson.h>

#include <cstdint>
#include <cstring>

namespace kv {
namespace {

// From this length on, simdjson's vectorised check is faster than the
// scalar loop, whose ASCII path handles eight bytes per step (measured with
// bench/codec_bench's BM_Utf8 benchmarks).
constexpr std::size_t kVectorMinBytes = 64;

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// What a lead byte allows: the length of its sequence and the range of the
// second byte. The ranges exclude overlong forms (E0, F0), surrogates (ED)
// and code points above U+10FFFF (F4); later bytes are any continuation.
struct LeadRule {
  std::uint8_t length;
  std::uint8_t second_min;
  std::uint8_t second_max;
};

constexpr LeadRule lead_rule(std::uint8_t lead) {
  if (lead < 0x80U) return {1, 0, 0};
  if (lead < 0xC2U) return {0, 0, 0};  // A continuation byte, or C0/C1 (overlong).
  if (lead < 0xE0U) return {2, 0x80, 0xBF};
  if (lead == 0xE0U) return {3, 0xA0, 0xBF};
  if (lead == 0xEDU) return {3, 0x80, 0x9F};
  if (lead < 0xF0U) return {3, 0x80, 0xBF};
  if (lead == 0xF0U) return {4, 0x90, 0xBF};
  if (lead < 0xF4U) return {4, 0x80, 0xBF};
  if (lead == 0xF4U) return {4, 0x80, 0x8F};
  return {0, 0, 0};  // F5..FF never occur in UTF-8.
}

bool is_continuation(std::uint8_t byte) {
  return (byte & 0xC0U) == 0x80U;
}

bool is_valid_utf8_scalar(std::string_view text) {
  const char* at = text.data();
  const char* const end = at + text.size();
  while (at != end) {
    if (end - at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, at, sizeof word);
      if ((word & kHighBits) == 0) {
        at += 8;
        continue;
      }
    }
    if (static_cast<std::uint8_t>(*at) < 0x80U) {
      ++at;
      continue;
    }
    const std::size_t length =
        utf8_sequence_length(std::string_view(at, static_cast<std::size_t>(end - at)));
    if (length == 0) return false;
    at += length;
  }
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  if (text.size() >= kVectorMinBytes) return simdjson::validate_utf8(text.data(), text.size());
  return is_valid_utf8_scalar(text);
}

std::size_t utf8_sequence_length(std::string_view text) noexcept {
  if (text.empty()) return 0;
  const LeadRule rule = lead_rule(static_cast<std::uint8_t>(text[0]));
  if (rule.length == 1) return 1;
  if (rule.length == 0 || text.size() < rule.length) return 0;
  const auto second = static_cast<std::uint8_t>(text[1]);
  if (second < rule.second_min || second > rule.second_max) return 0;
  for (std::size_t i = 2; i < rule.length; ++i) {
    if (!is_continuation(static_cast<std::uint8_t>(text[i]))) return 0;
  }
  return rule.length;
}

}  // namespace kv
