#include "servers/event_loop.h"

#include <new>
#include <utility>

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

}  // namespace

EventLoop::EventLoop(const ServerContext& context, std::unique_ptr<Poller> poller,
                     ConnectionInbox* inbox)
    : context_(context), poller_(std::move(poller)), inbox_(inbox) {
  if (inbox_ == nullptr) acceptor_.emplace(context.listener.get(), context.registry.log());
}

std::error_code EventLoop::run() {
  const std::error_code error = serve();
  if (inbox_ != nullptr) inbox_->close();
  return error;
}

int EventLoop::source_fd() const {
  return inbox_ != nullptr ? inbox_->wake_fd() : context_.listener.get();
}

void EventLoop::take_from_inbox() {
  inbox_->take_all(handed_over_);
  for (net::UniqueFd& socket : handed_over_) add_connection(std::move(socket));
  handed_over_.clear();
}

std::error_code EventLoop::serve() {
  if (auto error = poller_->add(source_fd(), kInterestRead)) return error;
  if (auto error = poller_->add(context_.shutdown.wake_fd(), kInterestRead)) return error;
  // Sized once, so that a pass does not allocate.
  std::vector<PollEvent> fired;
  fired.reserve(context_.options.max_connections + 2);
  flush_queue_.reserve(2 * context_.options.max_connections);
  if (inbox_ != nullptr) handed_over_.reserve(context_.options.max_connections);
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

void EventLoop::dispatch(const PollEvent& event) {
  if (event.fd == source_fd()) {
    if (inbox_ != nullptr) {
      take_from_inbox();
    } else {
      accept_pending(*acceptor_,
                     [this](net::UniqueFd accepted) { add_connection(std::move(accepted)); });
    }
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
void EventLoop::flush_queued() {
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
EventLoop::ConnectionMap::iterator EventLoop::update_after(ConnectionMap::iterator it,
                                                           const PumpOutcome& outcome) {
  if (outcome.close) return close_connection(it);
  Watched& watched = it->second;
  const unsigned interest = interest_of(watched.connection->state);
  if (interest != watched.interest) {
    if (poller_->modify(it->first, interest)) return close_connection(it);
    watched.interest = interest;
  }
  return std::next(it);
}

void EventLoop::add_connection(net::UniqueFd accepted) {
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

EventLoop::ConnectionMap::iterator EventLoop::close_connection(ConnectionMap::iterator it) {
  // A failed remove leaves nothing to undo: closing the fd drops it anyway.
  [[maybe_unused]] const std::error_code error = poller_->remove(it->first);
  return connections_.erase(it);
}

// Gives every connection its tick: closes those whose deadline passed,
// flushes what a tick produced (an eviction's error response, decoding
// resumed after a budget pause) and registers the interest they have now.
void EventLoop::sweep_connections(Clock::time_point now) {
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
// pass, since the drain needs a read that finds nothing. A loop fed by an
// inbox serves the sockets already handed to it too: the acceptor stopped
// before they were refused.
std::error_code EventLoop::drain() {
  [[maybe_unused]] const std::error_code removed = poller_->remove(source_fd());
  if (inbox_ != nullptr) {
    take_from_inbox();
    inbox_->close();
  } else {
    context_.listener.reset();
  }
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

std::unique_ptr<Poller> make_configured_poller(const ServerContext& context,
                                               std::error_code& error) {
  const std::string name = context.options.poller.empty() ? std::string(available_pollers().front())
                                                          : context.options.poller;
  return make_poller(name, error);
}

}  // namespace kv
