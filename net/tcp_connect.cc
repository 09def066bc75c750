#include "net/tcp_connect.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "net/net_error.h"
#include "net/resolve.h"
#include "net/socket_io.h"

namespace kv::net {
namespace {

std::error_code set_options(int fd, const ConnectOptions& options) {
  const int one = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return errno_error();
  if (options.receive_buffer_bytes > 0 &&
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer_bytes,
                   sizeof options.receive_buffer_bytes) != 0) {
    return errno_error();
  }
  return {};
}

// Waits for a non-blocking connect on `fd` to finish before `deadline`.
std::error_code finish_connect(int fd, Deadline deadline) {
  if (const std::error_code waited = wait_ready(fd, POLLOUT, deadline)) return waited;
  int pending = 0;
  socklen_t size = sizeof pending;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &size) != 0) return errno_error();
  if (pending != 0) return {pending, std::system_category()};
  return {};
}

std::error_code connect_one(const SocketAddress& address, const ConnectOptions& options,
                            Deadline deadline, UniqueFd& socket) {
  UniqueFd fd(::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return errno_error();
  if (const std::error_code error = set_options(fd.get(), options)) return error;
  if (::connect(fd.get(), address.get(), address.size) != 0) {
    if (errno != EINPROGRESS) return errno_error();
    if (const std::error_code error = finish_connect(fd.get(), deadline)) return error;
  }
  socket = std::move(fd);
  return {};
}

}  // namespace

std::error_code connect_tcp(const Endpoint& endpoint, const ConnectOptions& options,
                            UniqueFd& socket) {
  socket.reset();
  const Deadline deadline = deadline_after(options.timeout);
  std::vector<SocketAddress> addresses;
  if (const std::error_code error = resolve(endpoint, addresses)) return error;
  std::error_code error;
  for (const SocketAddress& address : addresses) {
    error = connect_one(address, options, deadline, socket);
    if (!error || error == std::errc::timed_out) return error;
  }
  return error;
}

}  // namespace kv::net
