// HOST:PORT of a server under test, resolved.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace kv::cli {

// Resolves "HOST:PORT" ("[::1]:7070" for IPv6), preferring an IPv4
// address; std::nullopt with `error` set when it is not HOST:PORT or does
// not resolve.
std::optional<boost::asio::ip::tcp::endpoint> resolve_endpoint(const std::string& host_port,
                                                               std::string& error);

}  // namespace kv::cli
