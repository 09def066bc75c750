// event-loop: one EventLoop (event_loop.h) on one thread, accepting from
// the listener itself; --poller chooses its readiness API.
#include "servers/event_loop.h"
#include "servers/server.h"

namespace kv {

std::error_code run_event_loop(const ServerContext& context) {
  std::error_code error;
  std::unique_ptr<Poller> poller = make_configured_poller(context, error);
  if (!poller) return error;
  return EventLoop(context, std::move(poller)).run();
}

}  // namespace kv
