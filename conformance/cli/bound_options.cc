#include "conformance/cli/bound_options.h"

#include <fmt/format.h>

namespace kv::cli {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string option_text(const std::string& value) {
  return value.empty() ? std::string() : shell_quote(value);
}

std::string option_text(double value) { return fmt::format("{}", value); }

std::string option_text(std::chrono::milliseconds value) { return std::to_string(value.count()); }

}  // namespace kv::cli
