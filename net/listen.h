// Listening TCP sockets, for the servers.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "net/unique_fd.h"

namespace kv::net {

// Opens a listening TCP socket on `host` (an IPv4 or IPv6 address or a name)
// and `port` (0 picks a free port), with SO_REUSEADDR and close-on-exec.
std::error_code listen_tcp(const std::string& host, std::uint16_t port, UniqueFd& listener);
// The local port a socket is bound to.
std::error_code local_port(int fd, std::uint16_t& port);

}  // namespace kv::net
