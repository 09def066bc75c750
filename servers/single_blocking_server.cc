// single-blocking (SPEC 11.2): one thread accepts a connection and serves it
// until it ends before accepting the next; later clients wait in the
// listen backlog. Simple, and sequential by design: one slow client stalls
// everyone (the trade-off README.md describes). On SIGTERM it drains the
// connection it is serving; those still in the backlog are never accepted.
#include "servers/acceptor.h"
#include "servers/blocking_session.h"
#include "servers/server.h"

namespace kv {

std::error_code run_single_blocking(const ServerContext& context) {
  using Clock = Connection::Clock;
  Acceptor acceptor(context.listener.get(), context.registry.log());
  for (;;) {
    const WaitResult wait =
        wait_readable_or_stop(context.listener.get(), context.shutdown, kBlockingTick);
    context.registry.on_tick(Clock::now());
    if (wait == WaitResult::kStopped) break;
    if (wait == WaitResult::kTimedOut) continue;
    net::UniqueFd connection;
    std::error_code error;
    const AcceptStatus status = acceptor.accept(connection, error);
    if (status == AcceptStatus::kAccepted) {
      if (ConnectionRegistry::Entry entry = context.registry.admit(Clock::now())) {
        serve_blocking_connection(std::move(connection), std::move(entry), context);
      }
    } else if (status == AcceptStatus::kFailed) {
      back_off_after_accept_failure();
    }
  }
  context.listener.reset();
  return {};
}

}  // namespace kv
