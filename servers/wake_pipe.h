// A self-pipe that wakes a thread sleeping in a readiness API (or poll):
// notify() makes read_fd() readable until drain(). Both ends are
// non-blocking and close-on-exec.
#pragma once

#include <system_error>

#include "net/unique_fd.h"

namespace kv {

class WakePipe {
 public:
  // Check error() after construction: the pipe may fail to open.
  WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  std::error_code error() const { return error_; }
  // Writes one byte. Async-signal-safe and callable from any thread; a full
  // pipe already wakes its reader, so a write that fails loses nothing.
  void notify() const;
  int read_fd() const { return read_end_.get(); }
  // Reads the bytes pending on read_fd(), so that a level-triggered poller
  // stops reporting it until the next notify().
  void drain() const;

 private:
  net::UniqueFd read_end_;
  net::UniqueFd write_end_;
  std::error_code error_;
};

}  // namespace kv
