// The families an explore request's key and value belong to, read from
// their bytes (not from how the generator chose them), for the run's
// statistics (explore_statistics.h): what was actually sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conformance/explore/program.h"

namespace kv {

// Every family `key` (a logical key, without the run's tag) belongs to:
// "empty", "U+0000", "control characters" (C0 other than U+0000, DEL),
// "CR or LF", "TAB", "space at an end", "non-ASCII", "beyond U+FFFF",
// "footer inside", "invalid UTF-8", "over 256 bytes", "mixed case"; and
// "plain" when none of these.
std::vector<std::string> key_families(std::string_view key);

// The same for a value, plus "over 64 KiB"; a PUT filled to a LEN
// (fill_len) is "at the maximum LEN" instead.
std::vector<std::string> value_families(const Request& request);

}  // namespace kv
