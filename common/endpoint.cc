#include "common/endpoint.h"

#include <charconv>

namespace kv {

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const char* last = port_text.data() + port_text.size();
  const auto [end, ec] = std::from_chars(port_text.data(), last, port);
  if (ec != std::errc() || end != last || port == 0 || port > 65535) return std::nullopt;
  return Endpoint{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

std::string to_string(const Endpoint& endpoint) {
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

}  // namespace kv
