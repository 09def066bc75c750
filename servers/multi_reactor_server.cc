// multi-reactor: several EventLoops (event_loop.h), one per thread, each
// with its own poller and its own connections; the store and the registry
// are shared (both thread-safe). The calling thread is the acceptor: it
// waits for the listener, accepts, and hands each connection to the next
// loop in turn through that loop's ConnectionInbox, so connections spread
// evenly whatever their addresses (memcached's dispatcher does the same;
// SO_REUSEPORT would leave the spread to a hash of the peer's port). A
// connection stays on its loop for its whole life, so nothing of it is
// shared between threads. On SIGTERM the acceptor closes the listener and
// every loop drains its own connections.
#include <cstddef>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "servers/acceptor.h"
#include "servers/blocking_session.h"
#include "servers/connection_inbox.h"
#include "servers/event_loop.h"
#include "servers/server.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

std::size_t loop_count(const ServerOptions& options) {
  if (options.loops != 0) return options.loops;
  const unsigned cpus = std::thread::hardware_concurrency();
  return cpus == 0 ? 1 : cpus;
}

// One loop, its inbox and its thread; what the loop returned once joined.
struct Reactor {
  ConnectionInbox inbox;
  std::unique_ptr<EventLoop> loop;
  std::thread thread;
  std::error_code result;
};

// Hands `socket` to the next reactor whose inbox is open, starting at
// `next` (advanced past it). False, the socket closed, if none is open.
bool hand_over(std::vector<std::unique_ptr<Reactor>>& reactors, std::size_t& next,
               net::UniqueFd socket) {
  for (std::size_t tries = 0; tries < reactors.size(); ++tries) {
    Reactor& reactor = *reactors[next];
    next = (next + 1) % reactors.size();
    if (reactor.inbox.closed()) continue;
    // A failed push (closed meanwhile, or no memory) has closed the socket.
    return reactor.inbox.push(std::move(socket));
  }
  return false;
}

}  // namespace

std::error_code run_multi_reactor(const ServerContext& context) {
  std::vector<std::unique_ptr<Reactor>> reactors;
  // Every loop is made before any thread starts, so that a poller that
  // cannot be made stops the server before it serves anyone.
  for (std::size_t i = loop_count(context.options); i > 0; --i) {
    auto reactor = std::make_unique<Reactor>();
    if (auto error = reactor->inbox.error()) return error;
    std::error_code error;
    std::unique_ptr<Poller> poller = make_configured_poller(context, error);
    if (!poller) return error;
    reactor->loop = std::make_unique<EventLoop>(context, std::move(poller), &reactor->inbox);
    reactors.push_back(std::move(reactor));
  }
  std::error_code start_error;
  for (auto& reactor : reactors) {
    try {
      reactor->thread = std::thread([&r = *reactor] { r.result = r.loop->run(); });
    } catch (const std::system_error& error) {
      // Connections go to the loops that did start.
      reactor->inbox.close();
      start_error = error.code();
    }
  }

  Acceptor acceptor(context.listener.get(), context.registry.log());
  std::size_t next = 0;
  bool serving = true;
  while (serving) {
    const WaitResult wait =
        wait_readable_or_stop(context.listener.get(), context.shutdown, kBlockingTick);
    if (wait == WaitResult::kStopped) break;
    if (wait == WaitResult::kTimedOut) continue;
    accept_pending(acceptor, [&](net::UniqueFd socket) {
      if (!hand_over(reactors, next, std::move(socket))) serving = false;
    });
  }
  // New clients are refused during the drain; each loop drains its own.
  context.listener.reset();
  std::error_code result;
  for (auto& reactor : reactors) {
    if (!reactor->thread.joinable()) continue;
    reactor->thread.join();
    if (reactor->result && !result) result = reactor->result;
  }
  // No loop left to serve is a failure of the model, not a shutdown.
  if (!serving && !result)
    result = start_error ? start_error : std::make_error_code(std::errc::io_error);
  return result;
}

}  // namespace kv
