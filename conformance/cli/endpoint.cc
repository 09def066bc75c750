#include "conformance/cli/endpoint.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>

namespace kv::cli {

std::optional<boost::asio::ip::tcp::endpoint> resolve_endpoint(const std::string& host_port,
                                                               std::string& error) {
  using boost::asio::ip::tcp;
  const std::size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    error = fmt::format("'{}' is not HOST:PORT", host_port);
    return std::nullopt;
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, host_port.substr(colon + 1), ec);
  if (ec || results.empty()) {
    error = fmt::format("cannot resolve '{}': {}", host_port, ec ? ec.message() : "no address");
    return std::nullopt;
  }
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

}  // namespace kv::cli
