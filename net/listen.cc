#include "net/listen.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>

#include "net/net_error.h"

namespace kv::net {
namespace {

std::error_code bind_and_listen(const addrinfo& address, UniqueFd& listener) {
  UniqueFd fd(::socket(address.ai_family, address.ai_socktype, address.ai_protocol));
  if (!fd.valid()) return errno_error();
  if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0) return errno_error();
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return errno_error();
  if (::bind(fd.get(), address.ai_addr, address.ai_addrlen) != 0) return errno_error();
  if (::listen(fd.get(), SOMAXCONN) != 0) return errno_error();
  listener = std::move(fd);
  return {};
}

}  // namespace

std::error_code listen_tcp(const std::string& host, std::uint16_t port, UniqueFd& listener) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (status != 0) return std::make_error_code(std::errc::invalid_argument);
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::error_code error = std::make_error_code(std::errc::address_not_available);
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    error = bind_and_listen(*address, listener);
    if (!error) return {};
  }
  return error;
}

std::error_code local_port(int fd, std::uint16_t& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return errno_error();
  if (address.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  } else {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  return {};
}

}  // namespace kv::net
