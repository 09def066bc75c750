// event-loop: one thread, non-blocking sockets and a level-triggered
// readiness API (epoll, kqueue or poll, chosen with --poller). The loop
// sleeps in Poller::wait until a socket is ready, a tick passes, or the stop
// pipe wakes it. Interest follows the connection: read while it wants
// input, write while output is pending, so a backed-up connection (or one
// paused for the memory budget) is not read. The interest registered for
// each connection is remembered, so the poller is told only when it
// changes (with one request per readiness event it never does). Every
// connection gets its tick once per tick (O(connections)): deadlines, idle
// storage, evictions, budget pauses.
//
// Each pass over the fired events first reads from every ready connection,
// and only then writes all their responses, just before the loop sleeps
// again (redis does the same). Writing as soon as each response is ready
// wakes that client mid-pass; on a machine with fewer cores than busy
// threads the woken client then preempts the loop while other clients'
// requests wait, which costs throughput and tail latency.
//
// On SIGTERM the loop stops watching and closes the listener, and then
// gives every connection a whole round on every pass (at least every
// kDrainPass) until all have drained.
#include <memory>
#include <new>
#include <unordered_map>
#include <vector>

#include "servers/acceptor.h"
#include "servers/nonblocking_session.h"
#include "servers/poller.h"
#include "servers/server.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// While draining, every connection gets a round at least this often.
constexpr std::chrono::milliseconds kDrainPass{10};

unsigned interest_of(const Connection& connection) {
  unsigned interest = kInterestNone;
  if (connection.wants_read()) interest |= kInterestRead;
  if (connection.wants_write()) interest |= kInterestWrite;
  return interest;
}

class EventLoop {
 public:
  EventLoop(const ServerContext& context, std::unique_ptr<Poller> poller)
      : context_(context),
        poller_(std::move(poller)),
        acceptor_(context.listener.get(), context.registry.log()) {}

  std::error_code run() {
    if (auto error = poller_->add(context_.listener.get(), kInterestRead)) return error;
    if (auto error = poller_->add(context_.shutdown.wake_fd(), kInterestRead)) return error;
    // Sized once, so that a pass does not allocate.
    std::vector<PollEvent> fired;
    fired.reserve(context_.options.max_connections + 2);
    flush_queue_.reserve(2 * context_.options.max_connections);
    SweepTicker sweep(Clock::now());
    for (;;) {
      const ShutdownPhase phase = context_.shutdown.phase(Clock::now());
      if (phase == ShutdownPhase::kStopping) return {};
      if (phase == ShutdownPhase::kDraining) return drain();
      if (auto error = poller_->wait(kSweepTick, fired)) return error;
      for (const PollEvent& event : fired) dispatch(event);
      flush_queued();
      // An eviction is acted on at once, not a tick later (SPEC 12.2, 12.3).
      const Clock::time_point now = Clock::now();
      if (sweep.due(now) || context_.registry.evictions_waiting()) sweep_connections(now);
    }
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
    if (event.fd == context_.listener.get()) {
      accept_pending(acceptor_,
                     [this](net::UniqueFd accepted) { add_connection(std::move(accepted)); });
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
    if (!watched.flush_queued && flush_queue_.size() < flush_queue_.capacity()) {
      watched.flush_queued = true;
      flush_queue_.push_back(event.fd);
    }
  }

  // The output half of every connection dispatched in this pass: writes its
  // responses, then registers the interest it has now. A connection that
  // did not fit in the queue (more connections than max_connections, while
  // evicted ones close) is written by its next event or tick.
  void flush_queued() {
    for (const int fd : flush_queue_) {
      const auto it = connections_.find(fd);
      if (it == connections_.end()) continue;  // Closed since it was queued.
      Watched& watched = it->second;
      watched.flush_queued = false;
      update_after(it, pump_output(fd, watched.connection->state));
    }
    flush_queue_.clear();
  }

  // Closes the connection if `outcome` says so or its new interest cannot
  // be registered; otherwise registers the interest it has now, if that
  // differs from the registered one.
  ConnectionMap::iterator update_after(ConnectionMap::iterator it, const PumpOutcome& outcome) {
    if (outcome.close) return close_connection(it);
    Watched& watched = it->second;
    const unsigned interest = interest_of(watched.connection->state);
    if (interest != watched.interest) {
      if (poller_->modify(it->first, interest)) return close_connection(it);
      watched.interest = interest;
    }
    return std::next(it);
  }

  void add_connection(net::UniqueFd accepted) {
    auto connection = open_nonblocking(std::move(accepted), context_);
    if (!connection) return;
    const int fd = connection->socket.get();
    const unsigned interest = interest_of(connection->state);
    try {
      // Inserted before it is watched: an insert that fails leaves nothing
      // to undo.
      const auto it = connections_.emplace(fd, Watched{std::move(connection), interest}).first;
      if (poller_->add(fd, interest)) connections_.erase(it);
    } catch (const std::bad_alloc&) {
      context_.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
    }
  }

  ConnectionMap::iterator close_connection(ConnectionMap::iterator it) {
    // A failed remove leaves nothing to undo: closing the fd drops it anyway.
    [[maybe_unused]] const std::error_code error = poller_->remove(it->first);
    return connections_.erase(it);
  }

  // Gives every connection its tick: closes those whose deadline passed,
  // flushes what a tick produced (an eviction's error response, decoding
  // resumed after a budget pause) and registers the interest they have now.
  void sweep_connections(Clock::time_point now) {
    for (auto it = connections_.begin(); it != connections_.end();) {
      Connection& state = it->second.connection->state;
      if (state.should_close(now)) {
        it = close_connection(it);
      } else {
        it = update_after(it, pump_tick(it->first, state));
      }
    }
    context_.registry.on_tick(now);
  }

  // The drain (SPEC 12.5): no more accepting; every connection reads what
  // has arrived, answers it, flushes and closes. Polling still wakes the
  // loop for writable sockets, but every connection gets a round on every
  // pass, since the drain needs a read that finds nothing.
  std::error_code drain() {
    [[maybe_unused]] const std::error_code removed = poller_->remove(context_.listener.get());
    context_.listener.reset();
    context_.shutdown.consume_wakeups();
    for (auto& [fd, watched] : connections_) watched.connection->state.begin_drain();
    std::vector<PollEvent> fired;
    SweepTicker sweep(Clock::now());
    while (!connections_.empty()) {
      if (context_.shutdown.phase(Clock::now()) == ShutdownPhase::kStopping) return {};
      if (auto error = poller_->wait(kDrainPass, fired)) return error;
      for (auto it = connections_.begin(); it != connections_.end();) {
        it = update_after(it, pump_connection(it->first, it->second.connection->state));
      }
      if (const Clock::time_point now = Clock::now(); sweep.due(now)) sweep_connections(now);
    }
    return {};
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
