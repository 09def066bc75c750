// The small socket helpers that every server model shares. Each call
// retries EINTR itself and reports every other failure as a value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "codec/buffer.h"
#include "net/unique_fd.h"

namespace kv {

enum class BlockingMode { kBlocking, kNonBlocking };

std::error_code set_blocking_mode(int fd, BlockingMode mode);
// Disables Nagle's algorithm, so that small responses leave at once (SPEC 7.4).
std::error_code set_no_delay(int fd);
// Bounds every blocking recv, send and accept on `fd` to `timeout`, after
// which the call fails with EAGAIN (SO_RCVTIMEO and SO_SNDTIMEO).
std::error_code set_io_timeout(int fd, std::chrono::milliseconds timeout);

// Opens a listening TCP socket on `host` (an IPv4 or IPv6 address or a name)
// and `port` (0 picks a free port), with SO_REUSEADDR and close-on-exec.
std::error_code listen_tcp(const std::string& host, std::uint16_t port, net::UniqueFd& listener);
// The local port a socket is bound to.
std::error_code local_port(int fd, std::uint16_t& port);

enum class IoStatus {
  kTransferred,  // `bytes` > 0 bytes were read or written.
  kWouldBlock,   // Nothing to do now (EAGAIN, or a blocking call timed out).
  kEof,          // The peer ended its stream (reads only).
  kFailed,       // `error` says why; the connection is unusable.
};

struct IoResult {
  IoStatus status = IoStatus::kWouldBlock;
  std::size_t bytes = 0;
  std::error_code error;
  // For kTransferred: fewer bytes moved than the call offered, so the
  // kernel's buffer was drained (read) or filled (write) and an immediate
  // retry would most likely find nothing to do.
  bool partial = false;
};

// Reads what one readv can deliver into `buffer` (committing it): into the
// buffer's free space, and up to 64 KiB more through a stack buffer that is
// then appended, so that a buffer grows only with the bytes that came.
// `partial` is true when the read did not fill all of that space.
IoResult read_into(int fd, Buffer& buffer);
// Writes a prefix of `bytes` with one send, without raising SIGPIPE.
// `partial` is true when that prefix is shorter than `bytes`.
IoResult write_some(int fd, std::span<const std::uint8_t> bytes);
// True when the peer has acknowledged every byte written to `fd`, and the
// FIN if one was sent, so that closing cannot destroy data in flight.
// False where the platform cannot tell (Linux can: SIOCOUTQ).
bool peer_acknowledged_everything(int fd);

}  // namespace kv
