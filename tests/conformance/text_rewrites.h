// The rewrites of keys and values that the exact-storage flaws of
// broken_kvserver apply before using them (SPEC 5.9 forbids every one):
// each turns texts a user holds apart into one.
#pragma once

#include <string>
#include <string_view>

namespace kv {

// ASCII letters lower-cased; every other byte kept (fold-key-case).
std::string fold_ascii_case(std::string_view text);

// ASCII whitespace (space, tab, LF, VT, FF, CR) removed from both ends
// (trim-key-whitespace).
std::string trim_ascii_whitespace(std::string_view text);

// A small NFC, as a store that normalises its keys would compute it
// (nfc-keys): combining marks put in canonical order, the compositions of a
// table (Latin letters with the marks of spec case 5.9/keys-differ-only-in-
// normalisation), the singletons U+212B and U+2126, and Hangul syllables
// from their jamo. `text` must be valid UTF-8; other code points are kept.
std::string small_nfc(std::string_view text);

// Every CR LF turned into LF (crlf-to-lf-values).
std::string crlf_to_lf(std::string_view text);

}  // namespace kv
