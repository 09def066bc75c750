// The one strict UTF-8 check of the kit: the rule proto3 applies to
// `string` fields (SPEC 4.3), used by the view parser, the fuzz targets and
// the reports.
//
// Well-formed UTF-8 is exactly the byte sequences of Table 3-7 of the
// Unicode Standard (chapter 3.9): no overlong 2-, 3- or 4-byte forms, no
// encoded surrogates U+D800..U+DFFF, nothing above U+10FFFF, no 0xC0, 0xC1
// or 0xF5..0xFF byte, no continuation byte without its lead, and no
// sequence cut short. U+0000 is a valid code point. This is the set
// protobuf accepts for proto3 strings; tests/codec/utf8_test.cc compares
// the two.
#pragma once

#include <cstddef>
#include <string_view>

namespace kv {

// True if all of `text` is well-formed UTF-8; the empty string is. Long
// strings are checked with SIMD instructions (simdjson), short ones by a
// scalar loop that skips ASCII eight bytes at a time.
bool is_valid_utf8(std::string_view text) noexcept;

// The length, 1 to 4, of the one well-formed UTF-8 sequence that starts
// `text`, or 0 if `text` is empty or does not start with one. A report that
// must print arbitrary bytes as text walks a string with it: it copies a
// sequence of that length, or replaces one byte where it returns 0.
std::size_t utf8_sequence_length(std::string_view text) noexcept;

}  // namespace kv
