#include "net/resolve.h"

#include <netdb.h>

#include <cstring>
#include <memory>
#include <string>

#include "net/net_error.h"

namespace kv::net {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

}  // namespace

std::error_code resolve(const Endpoint& endpoint, std::vector<SocketAddress>& addresses) {
  addresses.clear();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &raw);
  if (rc == EAI_SYSTEM) return errno_error();
  if (rc != 0) return make_resolve_error(rc);
  const std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  for (const addrinfo* entry = raw; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    address.family = entry->ai_family;
    address.size = entry->ai_addrlen;
    std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
    addresses.push_back(address);
  }
  if (addresses.empty()) return make_resolve_error(EAI_NONAME);
  return {};
}

}  // namespace kv::net
