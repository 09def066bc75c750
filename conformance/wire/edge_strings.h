// Keys and values at the edges of what SPEC 4.3 and 5.5 allow, in named
// families: every UTF-8 width and its boundary code points, U+0000 at the
// start, middle and end, whitespace of every kind at either end, every
// control character, characters that need escaping in text formats, the
// footer bytes (2.4), the empty string, and lengths around the varint and
// buffer-size boundaries. Every string is valid UTF-8, so that it can also
// travel through the JSON lines of spec/client-adapter.md. The fixed client
// cases and client exploration draw from these families; so may any other
// generator that wants data a careless implementation mangles.
//
// Also here: invalid UTF-8 of every class (for bodies that must be
// rejected, 4.3) and keys that a sloppy comparison takes for a given key.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

enum class EdgeFamily {
  kEmpty,       // "".
  kUtf8Widths,  // 2-, 3- and 4-byte sequences, the boundary code points, mixtures.
  kNul,         // U+0000 alone, at the start, in the middle, at the end.
  kWhitespace,  // ASCII and Unicode whitespace at either end.
  kControl,     // Every C0 control character, DEL, and C1 controls.
  kEscapes,     // Quotes, backslashes, and text that looks like escapes.
  kFooter,      // "@EOF@" and whole frames inside (2.4).
  kLengths,     // Lengths around 127/128, 255/256, 16383/16384, 65535/65536.
};

// Every family, in the order above.
const std::vector<EdgeFamily>& all_edge_families();
// "utf8-widths", "nul", ...
std::string_view edge_family_name(EdgeFamily family);

// The strings of `family`, in a fixed order, none longer than `max_bytes`.
std::vector<std::string> edge_strings(EdgeFamily family, std::size_t max_bytes = 70000);

// A string of `size` bytes of printable ASCII that does not repeat with a
// short period, so that a cut, a dropped or a doubled run shows.
std::string patterned_string(std::size_t size);

// One class of ill-formed UTF-8 (SPEC 4.3), as a short byte sequence.
struct InvalidUtf8 {
  std::string_view name;   // "overlong-2", "surrogate", ...
  std::string_view bytes;  // The ill-formed sequence itself.
};

// One sequence of every class: a stray continuation byte, 0xC0/0xC1 and
// 0xF5..0xFF lead bytes, overlong 2-, 3- and 4-byte forms, encoded
// surrogates, a code point above U+10FFFF, and sequences cut short at the
// end and in the middle.
const std::vector<InvalidUtf8>& invalid_utf8_classes();

// A key that a careless comparison takes for another.
struct LookalikeKey {
  std::string_view how;  // "case", "after-nul", "prefix", ...
  std::string key;
};

// Keys that differ from `key` only where a sloppy comparison does not
// look: in case, after a U+0000 (C strings), by a suffix (prefix match),
// by its last character, by trailing whitespace, by Unicode normalisation
// (NFC against NFD), and the empty key. None equals `key`.
std::vector<LookalikeKey> lookalike_keys(std::string_view key);

}  // namespace kv
