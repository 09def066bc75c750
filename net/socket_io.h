// Reads and writes on a non-blocking socket, each bounded by a deadline:
// no call here can block past the deadline it is given.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace kv::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// The deadline `timeout` from now.
inline Deadline deadline_after(std::chrono::milliseconds timeout) {
  return Clock::now() + timeout;
}

// A deadline that never passes, for callers that wait without bound.
inline constexpr Deadline kNoDeadline = Deadline::max();

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or `deadline`
// passes. Returns an empty error_code when ready (or when the peer hung up
// or failed: the next I/O call reports that), std::errc::timed_out, or
// poll's errno. When `ready` is given it receives poll's revents.
std::error_code wait_ready(int fd, short events, Deadline deadline, short* ready = nullptr);

struct ReadResult {
  // Bytes read into the caller's buffer; 0 with `eof` or `error`.
  std::size_t bytes = 0;
  // The peer closed its sending side (FIN).
  bool eof = false;
  // std::errc::timed_out when nothing arrived before the deadline, or the
  // errno (ECONNRESET for a reset).
  std::error_code error;
};

// Reads what `fd` holds into `into` (at least one byte), waiting until
// `deadline` for something to arrive.
ReadResult read_some(int fd, std::span<std::uint8_t> into, Deadline deadline);

struct WriteResult {
  // Bytes the socket took; 0 when it is full.
  std::size_t bytes = 0;
  // The errno of a failed write (EPIPE, ECONNRESET, ...); never EAGAIN.
  std::error_code error;
};

// Writes what the socket takes of `bytes` now, without waiting. Never
// raises SIGPIPE.
WriteResult write_some(int fd, std::span<const std::uint8_t> bytes);

// Writes all of `bytes`, waiting until `deadline` for the socket to take
// them. Never raises SIGPIPE. Returns std::errc::timed_out if they were not
// all taken in time, or the errno.
std::error_code write_all(int fd, std::span<const std::uint8_t> bytes, Deadline deadline);

// Shuts down the sending side (the peer reads end-of-stream).
std::error_code shutdown_send(int fd);

}  // namespace kv::net
