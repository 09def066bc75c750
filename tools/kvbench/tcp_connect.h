// Opening kvbench's TCP connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

namespace kv {

// Connects to host:port (any address family getaddrinfo offers), waiting at
// most `timeout`. On success `fd` is a connected, non-blocking socket with
// TCP_NODELAY set; the caller owns it. On failure `fd` is -1.
std::error_code connect_tcp(const std::string& host, std::uint16_t port,
                            std::chrono::milliseconds timeout, int& fd);

}  // namespace kv
