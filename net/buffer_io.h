// A server connection's reads into a codec Buffer and its sends, on
// blocking or non-blocking sockets alike. Each call retries EINTR itself and
// reports every other failure as a value. (socket_io.h holds the deadline-
// bounded reads and writes of the clients.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "codec/buffer.h"

namespace kv::net {

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
// Writes a prefix of `bytes` with one send, without raising SIGPIPE; on a
// blocking socket it waits as a send does (SO_SNDTIMEO bounds that).
// `partial` is true when that prefix is shorter than `bytes`.
IoResult send_some(int fd, std::span<const std::uint8_t> bytes);
// True when the peer has acknowledged every byte written to `fd`, and the
// FIN if one was sent, so that closing cannot destroy data in flight.
// False where the platform cannot tell (Linux can: SIOCOUTQ).
bool peer_acknowledged_everything(int fd);

}  // namespace kv::net
