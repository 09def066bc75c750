// Escaping for the XML and HTML reporters.
#pragma once

#include <string>
#include <string_view>

namespace kv {

// Escapes & < > " ' and replaces control characters (other than tab and
// newline) and invalid UTF-8 bytes, which XML 1.0 cannot carry, with '?'.
std::string xml_escape(std::string_view text);

}  // namespace kv
