// busy-wait: one thread, non-blocking sockets and no readiness API at all.
// Each pass tries to accept, then gives every open connection one round of
// reads and writes; EAGAIN just means "move on". It burns a CPU core by
// design: the only concession is sched_yield() after a pass in which
// nothing happened, which lets other runnable threads in but does not make
// the loop sleep. Once per tick it gives every connection its tick (idle
// storage, evictions, budget pauses). On SIGTERM it stops accepting and
// keeps passing until every connection has drained.
#include <sched.h>

#include <memory>
#include <new>
#include <vector>

#include "servers/acceptor.h"
#include "servers/nonblocking_session.h"
#include "servers/server.h"

namespace kv {

std::error_code run_busy_wait(const ServerContext& context) {
  using Clock = Connection::Clock;
  std::vector<std::unique_ptr<OpenConnection>> connections;
  connections.reserve(context.options.max_connections);
  Acceptor acceptor(context.listener.get(), context.registry.log());
  SweepTicker sweep(Clock::now());
  for (;;) {
    const ShutdownPhase phase = context.shutdown.phase(Clock::now());
    if (phase == ShutdownPhase::kStopping) break;
    bool progressed = false;
    if (phase == ShutdownPhase::kServing) {
      progressed = accept_pending(acceptor, [&](net::UniqueFd accepted) {
                     if (auto opened = open_nonblocking(std::move(accepted), context)) {
                       // Only when more connections than the reserve are open
                       // (evicted ones still closing) can this allocate.
                       try {
                         connections.push_back(std::move(opened));
                       } catch (const std::bad_alloc&) {
                         context.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
                       }
                     }
                   }) > 0;
    } else if (context.listener.valid()) {
      // The drain starts: refuse new clients, end every connection's input.
      context.listener.reset();
      for (const auto& connection : connections) connection->state.begin_drain();
    } else if (connections.empty()) {
      break;
    }
    std::erase_if(connections, [&](const std::unique_ptr<OpenConnection>& connection) {
      const PumpOutcome outcome = pump_connection(connection->socket.get(), connection->state);
      progressed = progressed || outcome.progressed;
      return outcome.close;
    });
    // An eviction is acted on at once, not a tick later (SPEC 12.2, 12.3).
    const Clock::time_point now = Clock::now();
    if (sweep.due(now) || context.registry.evictions_waiting()) {
      std::erase_if(connections, [&](const std::unique_ptr<OpenConnection>& connection) {
        return pump_tick(connection->socket.get(), connection->state).close;
      });
      context.registry.on_tick(now);
    }
    if (!progressed) sched_yield();
  }
  return {};
}

}  // namespace kv
