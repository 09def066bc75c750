// single-blocking (SPEC 11.2): one thread accepts a connection and serves it
// until it ends before accepting the next; later clients wait in the
// listen backlog. Simple, and sequential by design: one slow client stalls
// everyone (the trade-off README.md describes).
#include "servers/acceptor.h"
#include "servers/blocking_session.h"
#include "servers/server.h"

namespace kv {

std::error_code run_single_blocking(const ServerContext& context) {
  Acceptor acceptor(context.listener);
  for (;;) {
    const WaitResult wait = wait_readable_or_stop(context.listener, context.stop, kBlockingTick);
    if (wait == WaitResult::kStopped) return {};
    if (wait == WaitResult::kTimedOut) continue;
    UniqueFd connection;
    std::error_code error;
    const AcceptStatus status = acceptor.accept(connection, error);
    if (status == AcceptStatus::kAccepted) {
      serve_blocking_connection(std::move(connection), context);
    } else if (status == AcceptStatus::kFailed) {
      back_off_after_accept_failure();
    }
  }
}

}  // namespace kv
