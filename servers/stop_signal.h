// The request to stop a server, raised from a signal handler or a thread.
//
// request_stop() is async-signal-safe: it sets an atomic flag and writes one
// byte to a non-blocking self-pipe. Loops that sleep in a readiness API
// watch wake_fd(); loops that block in recv/accept with a short timeout
// check stop_requested() after every call.
#pragma once

#include <atomic>
#include <system_error>

#include "servers/unique_fd.h"

namespace kv {

class StopSignal {
 public:
  // Check error() after construction: the pipe may fail to open.
  StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  std::error_code error() const { return error_; }
  void request_stop();
  bool stop_requested() const { return stopped_.load(std::memory_order_acquire); }
  // Becomes readable once stop was requested.
  int wake_fd() const { return read_end_.get(); }

  // Makes SIGINT and SIGTERM call request_stop() on `signal`, and ignores
  // SIGPIPE. `signal` must outlive the process's use of those signals.
  static std::error_code install_handlers(StopSignal& signal);

 private:
  std::atomic<bool> stopped_{false};
  UniqueFd read_end_;
  UniqueFd write_end_;
  std::error_code error_;
};

}  // namespace kv
