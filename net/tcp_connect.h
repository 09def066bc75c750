// Opening a TCP connection: resolve, then try each address in turn until
// one connects, all within one timeout.
#pragma once

#include <chrono>
#include <system_error>

#include "net/endpoint.h"
#include "net/unique_fd.h"

namespace kv::net {

struct ConnectOptions {
  // The bound on resolving and connecting together.
  std::chrono::milliseconds timeout{5000};
  // When positive, SO_RCVBUF is set to this many bytes before connecting,
  // so that a slow reader makes the peer's writes back up quickly.
  int receive_buffer_bytes = 0;
};

// Connects to `endpoint`. On success `socket` owns a connected,
// non-blocking socket with TCP_NODELAY set. On failure `socket` is empty
// and the error says why: a failed lookup (is_resolve_error()),
// std::errc::timed_out, or the errno of the last address tried
// (ECONNREFUSED, ...).
std::error_code connect_tcp(const Endpoint& endpoint, const ConnectOptions& options,
                            UniqueFd& socket);

}  // namespace kv::net
