// event-loop: one thread, non-blocking sockets and a level-triggered
// readiness API (epoll, kqueue or poll, chosen with --poller). The loop
// sleeps in Poller::wait until a socket is ready, a tick passes, or the stop
// pipe wakes it. Interest follows the connection: read while it wants
// input, write while output is pending, so a backed-up connection is not
// read (backpressure). The interest registered for each connection is
// remembered, so the poller is told only when it changes (with one request
// per readiness event it never does). Deadlines and idle buffers are swept
// once per tick (O(connections)).
//
// Each pass over the fired events first reads from every ready connection,
// and only then writes all their responses, just before the loop sleeps
// again (redis does the same). Writing as soon as each response is ready
// wakes that client mid-pass; on a machine with fewer cores than busy
// threads the woken client then preempts the loop while other clients'
// requests wait, which costs throughput and tail latency.
#include <memory>
#include <unordered_map>
#include <vector>

#include "servers/acceptor.h"
#include "servers/nonblocking_session.h"
#include "servers/poller.h"
#include "servers/server.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

unsigned interest_of(const Connection& connection) {
  unsigned interest = kInterestNone;
  if (connection.wants_read()) interest |= kInterestRead;
  if (connection.wants_write()) interest |= kInterestWrite;
  return interest;
}

class EventLoop {
 public:
  EventLoop(const ServerContext& context, std::unique_ptr<Poller> poller)
      : context_(context), poller_(std::move(poller)), acceptor_(context.listener) {}

  std::error_code run() {
    if (auto error = poller_->add(context_.listener, kInterestRead)) return error;
    if (auto error = poller_->add(context_.stop.wake_fd(), kInterestRead)) return error;
    std::vector<PollEvent> fired;
    SweepTicker sweep(Clock::now());
    while (!context_.stop.stop_requested()) {
      if (auto error = poller_->wait(kSweepTick, fired)) return error;
      for (const PollEvent& event : fired) dispatch(event);
      flush_queued();
      if (const Clock::time_point now = Clock::now(); sweep.due(now)) sweep_connections(now);
    }
    return {};
  }

 private:
  // A connection and the interest its fd is registered with in the poller.
  struct Watched {
    std::unique_ptr<OpenConnection> connection;
    unsigned interest = kInterestNone;
    // The fd is in flush_queue_.
    bool flush_queued = false;
  };
  using ConnectionMap = std::unordered_map<int, Watched>;

  void dispatch(const PollEvent& event) {
    if (event.fd == context_.listener) {
      accept_pending(acceptor_, [this](UniqueFd accepted) { add_connection(std::move(accepted)); });
      return;
    }
    const auto it = connections_.find(event.fd);
    if (it == connections_.end()) return;  // The stop pipe, or a closed fd.
    Watched& watched = it->second;
    // Errors and hang-ups come as read readiness too (see PollEvent), so
    // the read that reports them still happens.
    if ((event.ready & kInterestRead) != 0U &&
        pump_input(event.fd, watched.connection->state).close) {
      close_connection(it);
      return;
    }
    if (!watched.flush_queued) {
      watched.flush_queued = true;
      flush_queue_.push_back(event.fd);
    }
  }

  // The output half of every connection dispatched in this pass: writes its
  // responses, then registers the interest it has now.
  void flush_queued() {
    for (const int fd : flush_queue_) {
      const auto it = connections_.find(fd);
      if (it == connections_.end()) continue;  // Closed since it was queued.
      Watched& watched = it->second;
      watched.flush_queued = false;
      const PumpOutcome outcome = pump_output(fd, watched.connection->state);
      if (outcome.close || update_interest(fd, watched)) close_connection(it);
    }
    flush_queue_.clear();
  }

  // Registers the interest the connection has now, if it differs from the
  // registered one.
  std::error_code update_interest(int fd, Watched& watched) {
    const unsigned interest = interest_of(watched.connection->state);
    if (interest == watched.interest) return {};
    if (auto error = poller_->modify(fd, interest)) return error;
    watched.interest = interest;
    return {};
  }

  void add_connection(UniqueFd accepted) {
    // Above the bound the socket is closed here, on return.
    if (connections_.size() >= context_.options.max_connections) return;
    auto connection = open_nonblocking(std::move(accepted), context_);
    if (!connection) return;
    const int fd = connection->socket.get();
    const unsigned interest = interest_of(connection->state);
    if (poller_->add(fd, interest)) return;
    connections_.emplace(fd, Watched{std::move(connection), interest});
  }

  ConnectionMap::iterator close_connection(ConnectionMap::iterator it) {
    // A failed remove leaves nothing to undo: closing the fd drops it anyway.
    [[maybe_unused]] const std::error_code error = poller_->remove(it->first);
    return connections_.erase(it);
  }

  // Closes the connections whose deadline passed and frees the buffers of
  // the idle ones.
  void sweep_connections(Clock::time_point now) {
    for (auto it = connections_.begin(); it != connections_.end();) {
      Connection& state = it->second.connection->state;
      if (state.should_close(now)) {
        it = close_connection(it);
      } else {
        state.release_idle_buffers(now);
        ++it;
      }
    }
  }

  const ServerContext& context_;
  std::unique_ptr<Poller> poller_;
  Acceptor acceptor_;
  ConnectionMap connections_;
  // The connections dispatched in the current pass, in order, each once.
  std::vector<int> flush_queue_;
};

}  // namespace

std::error_code run_event_loop(const ServerContext& context) {
  const std::string name = context.options.poller.empty() ? std::string(available_pollers().front())
                                                          : context.options.poller;
  std::error_code error;
  std::unique_ptr<Poller> poller = make_poller(name, error);
  if (!poller) return error;
  return EventLoop(context, std::move(poller)).run();
}

}  // namespace kv
