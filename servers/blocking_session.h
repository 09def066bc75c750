// The I/O loop of one connection on a blocking socket, shared by the
// single-blocking and multi-blocking models.
//
// Every recv and send blocks for at most kBlockingTick (SO_RCVTIMEO and
// SO_SNDTIMEO); after each call the loop checks the shutdown phase and the
// connection's deadlines. So a blocked thread notices SIGTERM or an idle
// timeout within one tick, with no other thread touching its socket.
#pragma once

#include <chrono>

#include "net/unique_fd.h"
#include "servers/connection_registry.h"
#include "servers/server.h"

namespace kv {

inline constexpr std::chrono::milliseconds kBlockingTick{100};

enum class WaitResult { kReady, kTimedOut, kStopped };

// Waits until `fd` is readable, `timeout` passes or a stop is requested
// (whichever comes first). Used before accept, so that a blocked accept
// can be woken by the stop request on every platform.
WaitResult wait_readable_or_stop(int fd, const Shutdown& shutdown,
                                 std::chrono::milliseconds timeout);

// Serves `socket`, registered as `entry`, until the connection ends, times
// out, fails, or the shutdown phase says stop; then closes it. Responses
// are written in full before the next read, which is this model's
// backpressure. Never throws: an allocation failure closes this connection
// only (SPEC 12.1).
void serve_blocking_connection(net::UniqueFd socket, ConnectionRegistry::Entry entry,
                               const ServerContext& context) noexcept;

}  // namespace kv
