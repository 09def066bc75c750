// A TCP endpoint written "HOST:PORT", as kvcli's and kvbench's --target take it
// and as servers print it in their "listening on HOST:PORT" line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kv {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "HOST:PORT" (the last colon separates them; PORT is 1..65535 in
// decimal, HOST is not empty). std::nullopt if `text` is not of that form.
std::optional<Endpoint> parse_endpoint(std::string_view text);

// "HOST:PORT", the inverse of parse_endpoint().
std::string to_string(const Endpoint& endpoint);

}  // namespace kv
