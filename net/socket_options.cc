#include "net/socket_options.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "net/net_error.h"

namespace kv::net {

std::error_code set_blocking_mode(int fd, BlockingMode mode) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0) return errno_error();
  const int wanted =
      mode == BlockingMode::kNonBlocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) != 0) return errno_error();
  return {};
}

std::error_code set_no_delay(int fd) {
  const int on = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0) return errno_error();
  return {};
}

std::error_code set_io_timeout(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(timeout.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((timeout.count() % 1000) * 1000);
  for (int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
    if (::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv) != 0) return errno_error();
  }
  return {};
}

}  // namespace kv::net
