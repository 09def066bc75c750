#include "socket_io.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include <algorithm>
#include <array>
#include <cerrno>

namespace kv {
namespace {

using Clock = std::chrono::steady_clock;

std::error_code last_error() {
  return {errno, std::system_category()};
}

// poll(2) for `events` on `fd`, retrying on EINTR. Returns >0 when ready,
// 0 on timeout, <0 on error.
int wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd entry{fd, events, 0};
  for (;;) {
    const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
    if (ready >= 0 || errno != EINTR) return ready;
  }
}

}  // namespace

ReadResult read_some(int fd, std::span<std::uint8_t> into, std::chrono::milliseconds timeout,
                     int wake_fd) {
  pollfd entries[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
  const nfds_t count = wake_fd >= 0 ? 2 : 1;
  int ready = 0;
  for (;;) {
    ready = ::poll(entries, count, static_cast<int>(timeout.count()));
    if (ready >= 0 || errno != EINTR) break;
  }
  if (ready == 0) return {ReadStatus::kTimeout, 0};
  if (ready < 0) return {ReadStatus::kError, 0};
  if (entries[0].revents == 0) return {ReadStatus::kWoken, 0};
  for (;;) {
    const ssize_t n = ::recv(fd, into.data(), into.size(), 0);
    if (n > 0) return {ReadStatus::kData, static_cast<std::size_t>(n)};
    if (n == 0) return {ReadStatus::kEof, 0};
    if (errno != EINTR) return {ReadStatus::kError, 0};
  }
}

std::error_code write_all(int fd, std::span<const std::uint8_t> bytes, int send_flags) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), send_flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code write_all_until(int fd, std::span<const std::uint8_t> bytes, int send_flags,
                                Clock::time_point deadline) {
  while (!bytes.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::make_error_code(std::errc::timed_out);
    const int ready = wait_for(fd, POLLOUT, left);
    if (ready < 0) return last_error();
    if (ready == 0) return std::make_error_code(std::errc::timed_out);
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), send_flags | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return last_error();
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

bool writable_now(int fd) {
  return wait_for(fd, POLLOUT, std::chrono::milliseconds(0)) > 0;
}

int listen_without_reuse(std::uint16_t port, std::error_code& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = last_error();
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    error = last_error();
    ::close(fd);
    return -1;
  }
  return fd;
}

bool peer_sent_fin(int fd, std::chrono::milliseconds wait) {
  if (wait_for(fd, POLLIN, wait) <= 0) return false;
  std::uint8_t byte = 0;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void close_gracefully(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto deadline = Clock::now() + std::chrono::milliseconds(500);
  std::array<std::uint8_t, 4096> sink{};
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    const ReadResult result = read_some(fd, sink, left);
    if (result.status != ReadStatus::kData) break;
  }
  ::close(fd);
}

void close_after_drain(int fd, Clock::time_point deadline) {
  ::shutdown(fd, SHUT_WR);
  std::array<std::uint8_t, 4096> sink{};
  for (;;) {
#ifdef SIOCOUTQ
    // The bytes sent and not yet acknowledged, the FIN included.
    int unacknowledged = 0;
    if (::ioctl(fd, SIOCOUTQ, &unacknowledged) == 0 && unacknowledged == 0) break;
#endif
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    const ReadResult result = read_some(fd, sink, std::min(left, std::chrono::milliseconds(10)));
    if (result.status == ReadStatus::kEof || result.status == ReadStatus::kError) break;
  }
  ::close(fd);
}

}  // namespace kv
