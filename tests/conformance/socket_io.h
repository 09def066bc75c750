// Blocking connection I/O for broken_kvserver (listening, ports and socket
// options come from net/listen.h and net/socket_options.h). Every failure is returned as a
// value; nothing here throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace kv {

// kWoken: the wake descriptor became readable before any input arrived.
enum class ReadStatus { kData, kEof, kTimeout, kError, kWoken };

struct ReadResult {
  ReadStatus status = ReadStatus::kError;
  std::size_t bytes = 0;  // For kData: how many bytes were read.
};

// Waits at most `timeout` for input on `fd`, then reads what is there into
// `into`. When `wake_fd` is not -1 and becomes readable while no input is
// there, returns kWoken without reading (the drain, SPEC 12.5, wakes
// blocked connections that way).
ReadResult read_some(int fd, std::span<std::uint8_t> into, std::chrono::milliseconds timeout,
                     int wake_fd = -1);

// Writes all of `bytes`, blocking as long as the peer does not read.
// `send_flags` go to send(2); without MSG_NOSIGNAL a write to a reset peer
// raises SIGPIPE.
std::error_code write_all(int fd, std::span<const std::uint8_t> bytes, int send_flags);

// Writes all of `bytes` like write_all(), but gives up with
// std::errc::timed_out once `deadline` passes with bytes still unsent.
std::error_code write_all_until(int fd, std::span<const std::uint8_t> bytes, int send_flags,
                                std::chrono::steady_clock::time_point deadline);

// Whether a write to `fd` would make progress now, without blocking.
bool writable_now(int fd);

// Listens on 127.0.0.1:`port` without SO_REUSEADDR, so that a restart
// fails while connections of an earlier run linger in TIME_WAIT. Returns
// the listening socket, or -1 with `error` set.
int listen_without_reuse(std::uint16_t port, std::error_code& error);

// Waits at most `wait` and reports whether the peer has shut down its
// sending side with no unread input before the FIN.
bool peer_sent_fin(int fd, std::chrono::milliseconds wait);

// Shuts down the sending side, discards input for at most 500 ms until
// the peer closes too (so that unread input does not turn the close into a
// reset that destroys the responses already sent), then closes `fd`.
void close_gracefully(int fd);

// The close at the end of a drain (SPEC 12.5): shuts down the sending
// side, then discards input until the peer has acknowledged every byte
// sent and the FIN, or has closed its side, or `deadline` passes; then
// closes `fd`. Where the kernel cannot tell what the peer acknowledged,
// only the peer's close or the deadline ends the wait.
void close_after_drain(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace kv
