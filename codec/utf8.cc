#include "codec/utf8.h"

#include <simdjson.h>

#include <cstdint>
#include <cstring>

namespace kv {
namespace {

// simdjson's check has a fixed cost per call (dispatch, and a padded copy
// of a tail shorter than its 64-byte block) that only strings of some
// length repay; the scalar loops below are cheap on ASCII, eight bytes per
// step, but slow on multi-byte sequences. So strings from kVectorMinBytes
// on go to simdjson whole; shorter ones are scanned for ASCII word by word,
// and what follows their ASCII prefix goes to simdjson if it still holds
// kVectorTailMinBytes, else to the sequence-by-sequence check. Both
// thresholds are where the two cost the same on the kit's machines (timed
// side by side on ASCII and on mixed text); correctness does not depend on
// them.
constexpr std::size_t kVectorMinBytes = 128;
constexpr std::size_t kVectorTailMinBytes = 24;

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

// The length of the ASCII prefix of `text`, rounded down to whole 8-byte
// words (so possibly shorter than the true prefix).
std::size_t ascii_word_prefix(std::string_view text) {
  std::size_t at = 0;
  for (; text.size() - at >= 16; at += 16) {
    std::uint64_t words[2];
    std::memcpy(words, text.data() + at, sizeof words);
    if (((words[0] | words[1]) & kHighBits) != 0) break;
  }
  for (; text.size() - at >= 8; at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, sizeof word);
    if ((word & kHighBits) != 0) break;
  }
  return at;
}

// The strict check one sequence at a time, for short strings.
bool is_valid_utf8_by_sequence(std::string_view text) {
  while (!text.empty()) {
    if (static_cast<std::uint8_t>(text[0]) < 0x80U) {
      text.remove_prefix(1);
      continue;
    }
    const std::size_t length = utf8_sequence_length(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

bool is_valid_utf8_vectorised(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  if (text.size() >= kVectorMinBytes) return is_valid_utf8_vectorised(text);
  // An ASCII prefix ends on a sequence boundary: the rest is checked alone.
  text.remove_prefix(ascii_word_prefix(text));
  if (text.size() >= kVectorTailMinBytes) return is_valid_utf8_vectorised(text);
  return is_valid_utf8_by_sequence(text);
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
