#include "conformance/cli/bound_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace kv::cli {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string option_text(const std::string& value) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
  });
  return plain ? value : shell_quote(value);
}

std::string option_text(double value) {
  return fmt::format("{}", value);
}

std::string option_text(std::chrono::milliseconds value) {
  return std::to_string(value.count());
}

}  // namespace kv::cli
