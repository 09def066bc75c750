// The request to stop a server, raised from a signal handler or a thread.
//
// request_stop() is async-signal-safe: it counts the request in an atomic
// and writes one byte to a non-blocking self-pipe. The first request asks
// for a graceful drain, a second one for an immediate stop (SPEC 12.5,
// 12.6; see Shutdown). Loops that sleep in a readiness API watch wake_fd();
// loops that block in recv/accept with a short timeout check
// stop_requested() after every call.
#pragma once

#include <atomic>
#include <system_error>

#include "servers/wake_pipe.h"

namespace kv {

class StopSignal {
 public:
  // Check error() after construction: the pipe may fail to open.
  StopSignal() = default;
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  std::error_code error() const { return wake_.error(); }
  void request_stop();
  // True after the first request.
  bool stop_requested() const { return requests_.load(std::memory_order_acquire) >= 1; }
  // True after the second request.
  bool stop_now_requested() const { return requests_.load(std::memory_order_acquire) >= 2; }
  // Becomes readable on every request, until consume_wakeups().
  int wake_fd() const { return wake_.read_fd(); }
  // Reads the bytes pending on wake_fd(), so that a level-triggered poller
  // stops reporting it until the next request.
  void consume_wakeups() const { wake_.drain(); }

  // Makes SIGINT and SIGTERM call request_stop() on `signal`, and ignores
  // SIGPIPE. `signal` must outlive the process's use of those signals.
  static std::error_code install_handlers(StopSignal& signal);

 private:
  std::atomic<int> requests_{0};
  WakePipe wake_;
};

}  // namespace kv
