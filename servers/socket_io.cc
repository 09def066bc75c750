#include "servers/socket_io.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "net/net_error.h"

#if defined(__linux__)
#include <linux/sockios.h>
#endif

namespace kv {
namespace {

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SO_NOSIGPIPE is set on accepted sockets instead.
#endif

// The most one read_into() call reads beyond the buffer's free space.
constexpr std::size_t kStackReadBytes = std::size_t{64} * 1024;

bool is_would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK;
}

std::error_code set_int_option(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) return net::errno_error();
  return {};
}

std::error_code bind_and_listen(const addrinfo& address, net::UniqueFd& listener) {
  net::UniqueFd fd(::socket(address.ai_family, address.ai_socktype, address.ai_protocol));
  if (!fd.valid()) return net::errno_error();
  if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0) return net::errno_error();
  if (auto error = set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1)) return error;
  if (::bind(fd.get(), address.ai_addr, address.ai_addrlen) != 0) return net::errno_error();
  if (::listen(fd.get(), SOMAXCONN) != 0) return net::errno_error();
  listener = std::move(fd);
  return {};
}

IoResult failure() {
  return {IoStatus::kFailed, 0, net::errno_error()};
}

IoResult transferred(std::size_t bytes, std::size_t offered) {
  return {IoStatus::kTransferred, bytes, {}, bytes < offered};
}

}  // namespace

std::error_code set_blocking_mode(int fd, BlockingMode mode) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0) return net::errno_error();
  const int wanted =
      mode == BlockingMode::kNonBlocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) != 0) return net::errno_error();
  return {};
}

std::error_code set_no_delay(int fd) {
  return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}

std::error_code set_io_timeout(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(timeout.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((timeout.count() % 1000) * 1000);
  for (int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
    if (::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv) != 0) return net::errno_error();
  }
  return {};
}

std::error_code listen_tcp(const std::string& host, std::uint16_t port, net::UniqueFd& listener) {
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
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return net::errno_error();
  if (address.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  } else {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  return {};
}

IoResult read_into(int fd, Buffer& buffer) {
  std::uint8_t stack_bytes[kStackReadBytes];
  // No space is reserved up front: a read that finds nothing allocates
  // nothing, so idle connections keep empty buffers.
  const std::size_t direct = buffer.writable_bytes();
  iovec vectors[2] = {{buffer.write_ptr(), direct}, {stack_bytes, sizeof stack_bytes}};
  for (;;) {
    const ssize_t n = ::readv(fd, vectors, 2);
    if (n > 0) {
      const auto bytes = static_cast<std::size_t>(n);
      if (bytes <= direct) {
        buffer.commit(bytes);
      } else {
        buffer.commit(direct);
        buffer.append(std::span<const std::uint8_t>(stack_bytes, bytes - direct));
      }
      return transferred(bytes, direct + sizeof stack_bytes);
    }
    if (n == 0) return {IoStatus::kEof, 0, {}};
    if (errno == EINTR) continue;
    if (is_would_block(errno)) return {};
    return failure();
  }
}

IoResult write_some(int fd, std::span<const std::uint8_t> bytes) {
  for (;;) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), kSendFlags);
    if (n >= 0) {
      if (n == 0) return {};
      return transferred(static_cast<std::size_t>(n), bytes.size());
    }
    if (errno == EINTR) continue;
    if (is_would_block(errno)) return {};
    return failure();
  }
}

bool peer_acknowledged_everything(int fd) {
#if defined(SIOCOUTQ)
  // The bytes of the send queue not yet acknowledged; a sent FIN counts one.
  int unacknowledged = 0;
  return ::ioctl(fd, SIOCOUTQ, &unacknowledged) == 0 && unacknowledged == 0;
#else
  (void)fd;
  return false;
#endif
}

}  // namespace kv
