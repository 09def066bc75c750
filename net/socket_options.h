// Options of one socket: blocking mode, Nagle's algorithm, timeouts of
// blocking calls. Each call reports a failure as a value.
#pragma once

#include <chrono>
#include <system_error>

namespace kv::net {

enum class BlockingMode { kBlocking, kNonBlocking };

std::error_code set_blocking_mode(int fd, BlockingMode mode);
// Disables Nagle's algorithm, so that small responses leave at once (SPEC 7.4).
std::error_code set_no_delay(int fd);
// Bounds every blocking recv, send and accept on `fd` to `timeout`, after
// which the call fails with EAGAIN (SO_RCVTIMEO and SO_SNDTIMEO).
std::error_code set_io_timeout(int fd, std::chrono::milliseconds timeout);

}  // namespace kv::net
