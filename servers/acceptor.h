// Accepts connections from a listening socket, for every model.
//
// Running out of descriptors (EMFILE, ENFILE) must neither crash a server
// nor make it spin on a listener that stays readable. The acceptor keeps one
// spare descriptor open; when accept fails for lack of descriptors it closes
// the spare, accepts the waiting connection, closes it at once (the client
// sees the connection end) and reopens the spare. If that is impossible it
// reports kFailed and the caller backs off (back_off_after_accept_failure).
#pragma once

#include <functional>
#include <system_error>

#include "net/unique_fd.h"
#include "servers/server_log.h"

namespace kv {

enum class AcceptStatus {
  kAccepted,    // `connection` holds a new socket with TCP_NODELAY set.
  kWouldBlock,  // No connection is waiting (or a blocking accept timed out).
  kShed,        // A connection was accepted and closed for lack of descriptors.
  kFailed,      // `error` says why; call back_off_after_accept_failure().
};

class Acceptor {
 public:
  // `listener` must stay open while the acceptor is used; connections shed
  // for lack of descriptors are counted in `log`, which must outlive it.
  Acceptor(int listener, ServerLog& log);

  AcceptStatus accept(net::UniqueFd& connection, std::error_code& error);

 private:
  AcceptStatus shed_one(std::error_code& error);

  int listener_;
  ServerLog& log_;
  net::UniqueFd spare_;
};

// Sleeps briefly, so that a loop whose accept keeps failing does not spin.
void back_off_after_accept_failure();

// Accepts from a non-blocking listener until no connection is waiting,
// handing each new socket to `on_connection`; backs off and returns after
// a failure. Returns the number of connections handed over.
std::size_t accept_pending(Acceptor& acceptor,
                           const std::function<void(net::UniqueFd)>& on_connection);

}  // namespace kv
