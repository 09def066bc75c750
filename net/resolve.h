// Name resolution: HOST (a name or a numeric address) and PORT to the TCP
// addresses to try, in getaddrinfo's order.
#pragma once

#include <sys/socket.h>

#include <system_error>
#include <vector>

#include "net/endpoint.h"

namespace kv::net {

// One address of a resolved endpoint, ready for socket(2) and connect(2).
struct SocketAddress {
  int family = AF_UNSPEC;
  sockaddr_storage storage{};
  socklen_t size = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Resolves `endpoint` to its TCP addresses (IPv4 and IPv6). On failure
// `addresses` is empty and the error is of resolve_category() (see
// net_error.h), or errno for EAI_SYSTEM.
std::error_code resolve(const Endpoint& endpoint, std::vector<SocketAddress>& addresses);

}  // namespace kv::net
