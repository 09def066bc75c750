// A TCP endpoint written "HOST:PORT", as kvcli's and kvbench's --target take
// it and as servers print it in their "listening on HOST:PORT" line. An IPv6
// address is written in brackets: "[::1]:7070".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kv {

struct Endpoint {
  // A name or a numeric address, without brackets.
  std::string host;
  std::uint16_t port = 0;
};

// Parses "HOST:PORT" or "[HOST]:PORT". PORT is 1..65535 in decimal and HOST
// is not empty. Without brackets the last colon separates the two, so
// "::1:7070" still reads as host "::1". std::nullopt if `text` is not of
// either form.
std::optional<Endpoint> parse_endpoint(std::string_view text);

// "HOST:PORT", or "[HOST]:PORT" when HOST contains a colon: the inverse of
// parse_endpoint().
std::string to_string(const Endpoint& endpoint);

}  // namespace kv
