// Blocking TCP helpers for broken_kvserver. Every failure is returned as a
// value; nothing here throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace kv {

enum class ReadStatus { kData, kEof, kTimeout, kError };

struct ReadResult {
  ReadStatus status = ReadStatus::kError;
  std::size_t bytes = 0;  // For kData: how many bytes were read.
};

// Waits at most `timeout` for input on `fd`, then reads what is there into
// `into`.
ReadResult read_some(int fd, std::span<std::uint8_t> into, std::chrono::milliseconds timeout);

// Writes all of `bytes`, blocking as long as the peer does not read.
std::error_code write_all(int fd, std::span<const std::uint8_t> bytes);

// Waits at most `wait` and reports whether the peer has shut down its
// sending side with no unread input before the FIN.
bool peer_sent_fin(int fd, std::chrono::milliseconds wait);

// Shuts down the sending side, discards input for at most 500 ms until
// the peer closes too (so that unread input does not turn the close into a
// reset that destroys the responses already sent), then closes `fd`.
void close_gracefully(int fd);

// Sets TCP_NODELAY on a connected socket.
std::error_code set_no_delay(int fd);

// A listening socket bound to host:port (port 0: any free port).
int listen_on(const std::string& host, std::uint16_t port, std::error_code& error);

// The local port a socket is bound to.
std::uint16_t local_port(int fd, std::error_code& error);

}  // namespace kv
