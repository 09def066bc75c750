#include "text_rewrites.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace kv {
namespace {

constexpr std::string_view kAsciiWhitespace = " \t\n\v\f\r";

// Hangul syllables and jamo (Unicode 15, section 3.12).
constexpr char32_t kHangulFirst = 0xAC00;
constexpr char32_t kLeadFirst = 0x1100;
constexpr char32_t kVowelFirst = 0x1161;
constexpr char32_t kTrailFirst = 0x11A7;
constexpr char32_t kLeadCount = 19;
constexpr char32_t kVowelCount = 21;
constexpr char32_t kTrailCount = 28;

struct Composition {
  char32_t base;
  char32_t mark;
  char32_t composed;
};

// The pairs small_nfc() composes.
constexpr Composition kCompositions[] = {
    {U'e', 0x0301, 0x00E9}, {U'E', 0x0301, 0x00C9},   {U'a', 0x030A, 0x00E5},
    {U'A', 0x030A, 0x00C5}, {U'n', 0x0303, 0x00F1},   {U'N', 0x0303, 0x00D1},
    {U's', 0x0323, 0x1E63}, {0x1E63, 0x0307, 0x1E69},
};

// The canonical combining classes of the marks the table knows; 0 for
// every other code point (a starter).
int combining_class(char32_t c) {
  switch (c) {
    case 0x0323:
      return 220;
    case 0x0301:
    case 0x0303:
    case 0x0307:
    case 0x030A:
      return 230;
    default:
      return 0;
  }
}

std::vector<char32_t> decode(std::string_view text) {
  std::vector<char32_t> points;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t point = length == 1   ? lead
                     : length == 2 ? lead & 0x1FU
                     : length == 3 ? lead & 0x0FU
                                   : lead & 0x07U;
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      point = (point << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    }
    points.push_back(point);
    i += length;
  }
  return points;
}

std::string encode(const std::vector<char32_t>& points) {
  std::string text;
  for (const char32_t c : points) {
    if (c < 0x80) {
      text += static_cast<char>(c);
    } else if (c < 0x800) {
      text += static_cast<char>(0xC0 | (c >> 6U));
      text += static_cast<char>(0x80 | (c & 0x3FU));
    } else if (c < 0x10000) {
      text += static_cast<char>(0xE0 | (c >> 12U));
      text += static_cast<char>(0x80 | ((c >> 6U) & 0x3FU));
      text += static_cast<char>(0x80 | (c & 0x3FU));
    } else {
      text += static_cast<char>(0xF0 | (c >> 18U));
      text += static_cast<char>(0x80 | ((c >> 12U) & 0x3FU));
      text += static_cast<char>(0x80 | ((c >> 6U) & 0x3FU));
      text += static_cast<char>(0x80 | (c & 0x3FU));
    }
  }
  return text;
}

// The composition of `base` and `mark`, or 0 if there is none.
char32_t compose(char32_t base, char32_t mark) {
  if (base >= kLeadFirst && base < kLeadFirst + kLeadCount && mark >= kVowelFirst &&
      mark < kVowelFirst + kVowelCount) {
    return kHangulFirst + ((base - kLeadFirst) * kVowelCount + (mark - kVowelFirst)) * kTrailCount;
  }
  if (base >= kHangulFirst && base < kHangulFirst + kLeadCount * kVowelCount * kTrailCount &&
      (base - kHangulFirst) % kTrailCount == 0 && mark > kTrailFirst &&
      mark < kTrailFirst + kTrailCount) {
    return base + (mark - kTrailFirst);
  }
  for (const Composition& entry : kCompositions) {
    if (entry.base == base && entry.mark == mark) return entry.composed;
  }
  return 0;
}

}  // namespace

std::string fold_ascii_case(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

std::string trim_ascii_whitespace(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kAsciiWhitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kAsciiWhitespace);
  return std::string(text.substr(first, last - first + 1));
}

std::string small_nfc(std::string_view text) {
  std::vector<char32_t> points = decode(text);
  for (char32_t& c : points) {
    if (c == 0x212B) c = 0x00C5;  // ANGSTROM SIGN
    if (c == 0x2126) c = 0x03A9;  // OHM SIGN
  }
  // Canonical order: each run of marks sorted, stably, by combining class.
  for (std::size_t i = 0; i < points.size();) {
    std::size_t end = i;
    while (end < points.size() && combining_class(points[end]) != 0) ++end;
    std::stable_sort(points.begin() + static_cast<std::ptrdiff_t>(i),
                     points.begin() + static_cast<std::ptrdiff_t>(end), [](char32_t a, char32_t b) {
                       return combining_class(a) < combining_class(b);
                     });
    i = end == i ? i + 1 : end;
  }
  // Composition: each code point joins the starter before it if they
  // compose (marks of this table never block each other).
  std::vector<char32_t> composed;
  for (const char32_t c : points) {
    if (!composed.empty()) {
      if (const char32_t joined = compose(composed.back(), c); joined != 0) {
        composed.back() = joined;
        continue;
      }
    }
    composed.push_back(c);
  }
  return encode(composed);
}

std::string crlf_to_lf(std::string_view text) {
  std::string converted;
  converted.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    converted += text[i];
  }
  return converted;
}

}  // namespace kv
