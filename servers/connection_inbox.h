// Accepted sockets handed from one thread (an acceptor) to the event loop
// that will serve them, for the multi-reactor model. The acceptor push()es;
// the loop watches wake_fd() in its poller and take_all()s. Thread-safe.
#pragma once

#include <mutex>
#include <system_error>
#include <vector>

#include "net/unique_fd.h"
#include "servers/wake_pipe.h"

namespace kv {

class ConnectionInbox {
 public:
  // Check error() after construction: the wake pipe may fail to open.
  ConnectionInbox() = default;

  std::error_code error() const { return wake_.error(); }
  // Readable while sockets wait to be taken (and possibly a little after).
  int wake_fd() const { return wake_.read_fd(); }

  // Queues `socket` for the loop and wakes it. Returns false, and closes
  // the socket, if the inbox is closed or there is no memory to queue it.
  bool push(net::UniqueFd socket);
  // Moves every queued socket to the end of `into` (which the caller sized
  // beforehand, so that this does not allocate in the common case) and
  // clears the wake pipe. Sockets that do not fit for lack of memory are
  // closed.
  void take_all(std::vector<net::UniqueFd>& into);
  // Called by the loop when it stops serving: later pushes fail, and the
  // sockets still queued are closed.
  void close();
  bool closed() const;

 private:
  WakePipe wake_;
  mutable std::mutex mutex_;
  std::vector<net::UniqueFd> queue_;
  bool closed_ = false;
};

}  // namespace kv
