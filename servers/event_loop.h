// One event loop: one thread, non-blocking sockets and a level-triggered
// readiness API (epoll, kqueue or poll). The event-loop model runs one,
// which accepts from the listener itself; the multi-reactor model runs one
// per core, each fed accepted sockets through its own ConnectionInbox.
//
// The loop sleeps in Poller::wait until a socket is ready, a tick passes,
// or the stop pipe (or the inbox) wakes it. Interest follows the
// connection: read while it wants input, write while output is pending, so
// a backed-up connection (or one paused for the memory budget) is not read.
// The interest registered for each connection is remembered, so the poller
// is told only when it changes (with one request per readiness event it
// never does). Every connection gets its tick once per tick
// (O(connections)): deadlines, idle storage, evictions, budget pauses.
//
// Each pass over the fired events first reads from every ready connection,
// and only then writes all their responses, just before the loop sleeps
// again (redis does the same). Writing as soon as each response is ready
// wakes that client mid-pass; on a machine with fewer cores than busy
// threads the woken client then preempts the loop while other clients'
// requests wait, which costs throughput and tail latency.
//
// On SIGTERM the loop stops watching (and closes the listener, if it owns
// it), and then gives every connection a whole round on every pass (at
// least every kDrainPass) until all have drained.
#pragma once

#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "net/unique_fd.h"
#include "servers/acceptor.h"
#include "servers/connection_inbox.h"
#include "servers/nonblocking_session.h"
#include "servers/poller.h"
#include "servers/server.h"

namespace kv {

class EventLoop {
 public:
  // With no `inbox` the loop accepts from context.listener and closes it
  // when the drain starts. With one it never touches the listener: it
  // serves the sockets pushed into `inbox`, and closes the inbox when it
  // returns. `context` and `inbox` must outlive the loop.
  EventLoop(const ServerContext& context, std::unique_ptr<Poller> poller,
            ConnectionInbox* inbox = nullptr);

  // Serves until shutdown, as a model's loop does (see run_event_loop).
  std::error_code run();

 private:
  // A connection and the interest its fd is registered with in the poller.
  struct Watched {
    std::unique_ptr<OpenConnection> connection;
    unsigned interest = kInterestNone;
    // The fd is in flush_queue_.
    bool flush_queued = false;
  };
  using ConnectionMap = std::unordered_map<int, Watched>;

  std::error_code serve();
  // The fd new connections come from: the listener, or the inbox's wake fd.
  int source_fd() const;
  void take_from_inbox();
  void dispatch(const PollEvent& event);
  void flush_queued();
  ConnectionMap::iterator update_after(ConnectionMap::iterator it, const PumpOutcome& outcome);
  void add_connection(net::UniqueFd accepted);
  ConnectionMap::iterator close_connection(ConnectionMap::iterator it);
  void sweep_connections(Connection::TimePoint now);
  std::error_code drain();

  const ServerContext& context_;
  std::unique_ptr<Poller> poller_;
  ConnectionInbox* inbox_;
  // Only a loop that accepts from the listener has one.
  std::optional<Acceptor> acceptor_;
  ConnectionMap connections_;
  // The connections dispatched in the current pass, in order, each once.
  std::vector<int> flush_queue_;
  // Sockets taken from the inbox, sized once.
  std::vector<net::UniqueFd> handed_over_;
};

// The poller named by context.options.poller (the platform's default when
// empty), or nullptr and `error`.
std::unique_ptr<Poller> make_configured_poller(const ServerContext& context,
                                               std::error_code& error);

}  // namespace kv
