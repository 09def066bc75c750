// busy-wait: one thread, non-blocking sockets and no readiness API at all.
// Each pass tries to accept, then gives every open connection one round of
// reads and writes; EAGAIN just means "move on". It burns a CPU core by
// design: the only concession is sched_yield() after a pass in which
// nothing happened, which lets other runnable threads in but does not make
// the loop sleep. Once per tick it frees the buffers of idle connections.
#include <sched.h>

#include <memory>
#include <vector>

#include "servers/acceptor.h"
#include "servers/nonblocking_session.h"
#include "servers/server.h"

namespace kv {

std::error_code run_busy_wait(const ServerContext& context) {
  using Clock = Connection::Clock;
  Acceptor acceptor(context.listener);
  std::vector<std::unique_ptr<OpenConnection>> connections;
  SweepTicker sweep(Clock::now());
  while (!context.stop.stop_requested()) {
    bool progressed = accept_pending(acceptor, [&](UniqueFd accepted) {
                        // Above the bound the socket is closed here, on return.
                        if (connections.size() >= context.options.max_connections) return;
                        if (auto opened = open_nonblocking(std::move(accepted), context)) {
                          connections.push_back(std::move(opened));
                        }
                      }) > 0;
    std::erase_if(connections, [&](const std::unique_ptr<OpenConnection>& connection) {
      const PumpOutcome outcome = pump_connection(connection->socket.get(), connection->state);
      progressed = progressed || outcome.progressed;
      return outcome.close;
    });
    if (const Clock::time_point now = Clock::now(); sweep.due(now)) {
      for (const auto& connection : connections) connection->state.release_idle_buffers(now);
    }
    if (!progressed) sched_yield();
  }
  return {};
}

}  // namespace kv
