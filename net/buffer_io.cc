#include "net/buffer_io.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

#include "net/net_error.h"

#if defined(__linux__)
#include <linux/sockios.h>
#endif

namespace kv::net {
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

IoResult failure() {
  return {IoStatus::kFailed, 0, errno_error()};
}

IoResult transferred(std::size_t bytes, std::size_t offered) {
  return {IoStatus::kTransferred, bytes, {}, bytes < offered};
}

}  // namespace

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

IoResult send_some(int fd, std::span<const std::uint8_t> bytes) {
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

}  // namespace kv::net
