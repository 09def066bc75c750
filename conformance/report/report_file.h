// Writing a report file: the one place the reporters touch the file system.
#pragma once

#include <string>
#include <string_view>

namespace kv {

// Writes `text` to `path`, replacing the file. Returns "" on success, or
// "cannot write PATH" / "error writing PATH".
std::string write_text_file(const std::string& path, std::string_view text);

}  // namespace kv
