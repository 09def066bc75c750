#include "net/socket_io.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/net_error.h"

namespace kv::net {
namespace {

int remaining_ms(Deadline deadline) {
  if (deadline == kNoDeadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 0x7fffffff ? 0x7fffffff : static_cast<int>(left.count());
}

bool would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

}  // namespace

std::error_code wait_ready(int fd, short events, Deadline deadline, short* ready_events) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) {
      if (ready_events != nullptr) *ready_events = entry.revents;
      return {};
    }
    if (ready == 0) return std::make_error_code(std::errc::timed_out);
    if (errno != EINTR) return errno_error();
  }
}

ReadResult read_some(int fd, std::span<std::uint8_t> into, Deadline deadline) {
  for (;;) {
    const ssize_t got = ::recv(fd, into.data(), into.size(), MSG_DONTWAIT);
    if (got > 0) return {static_cast<std::size_t>(got), false, {}};
    if (got == 0) return {0, true, {}};
    if (!would_block(errno)) return {0, false, errno_error()};
    if (const std::error_code waited = wait_ready(fd, POLLIN, deadline)) return {0, false, waited};
  }
}

WriteResult write_some(int fd, std::span<const std::uint8_t> bytes) {
  for (;;) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) return {static_cast<std::size_t>(sent), {}};
    if (errno == EINTR) continue;
    if (would_block(errno)) return {};
    return {0, errno_error()};
  }
}

std::error_code write_all(int fd, std::span<const std::uint8_t> bytes, Deadline deadline) {
  while (!bytes.empty()) {
    const WriteResult written = write_some(fd, bytes);
    if (written.error) return written.error;
    bytes = bytes.subspan(written.bytes);
    if (bytes.empty()) break;
    if (const std::error_code waited = wait_ready(fd, POLLOUT, deadline)) return waited;
  }
  return {};
}

std::error_code shutdown_send(int fd) {
  if (::shutdown(fd, SHUT_WR) != 0) return errno_error();
  return {};
}

}  // namespace kv::net
