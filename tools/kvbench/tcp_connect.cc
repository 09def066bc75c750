#include "tools/kvbench/tcp_connect.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace kv {
namespace {

std::error_code last_error() {
  return {errno, std::system_category()};
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

// Waits for a non-blocking connect on `fd` to finish.
std::error_code finish_connect(int fd, std::chrono::milliseconds timeout) {
  pollfd waiting{fd, POLLOUT, 0};
  const int ready = ::poll(&waiting, 1, static_cast<int>(timeout.count()));
  if (ready < 0) return last_error();
  if (ready == 0) return std::make_error_code(std::errc::timed_out);
  int error = 0;
  socklen_t size = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return last_error();
  if (error != 0) return {error, std::system_category()};
  return {};
}

std::error_code connect_one(const addrinfo& address, std::chrono::milliseconds timeout, int& fd) {
  fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                address.ai_protocol);
  if (fd < 0) return last_error();
  std::error_code error;
  if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    error = errno == EINPROGRESS ? finish_connect(fd, timeout) : last_error();
  }
  const int one = 1;
  if (!error && ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    error = last_error();
  }
  if (error) {
    ::close(fd);
    fd = -1;
  }
  return error;
}

}  // namespace

std::error_code connect_tcp(const std::string& host, std::uint16_t port,
                            std::chrono::milliseconds timeout, int& fd) {
  fd = -1;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  if (status != 0) return std::make_error_code(std::errc::host_unreachable);
  const std::unique_ptr<addrinfo, AddrInfoDeleter> addresses(raw);
  std::error_code error = std::make_error_code(std::errc::address_not_available);
  for (const addrinfo* address = raw; address != nullptr; address = address->ai_next) {
    error = connect_one(*address, timeout, fd);
    if (!error) return {};
  }
  return error;
}

}  // namespace kv
