// A strict UTF-8 check (RFC 3629), the rule proto3 applies to `string`
// fields (SPEC 4.3).
#pragma once

#include <string_view>

namespace kv::fuzz {

// True if `text` is well-formed UTF-8: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view text);

}  // namespace kv::fuzz
