// event-loop: one thread, non-blocking sockets and a level-triggered
// readiness API (epoll, kqueue or poll, chosen with --poller). The loop
// sleeps in Poller::wait until a socket is ready, a tick passes, or the stop
// pipe wakes it. Interest follows the connection: read while it wants
// input, write while output is pending, so a backed-up connection is not
// read (backpressure). Deadlines are swept once per tick (O(connections)).
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

constexpr std::chrono::milliseconds kSweepTick{100};

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
    Clock::time_point next_sweep = Clock::now() + kSweepTick;
    while (!context_.stop.stop_requested()) {
      if (auto error = poller_->wait(kSweepTick, fired)) return error;
      for (const PollEvent& event : fired) dispatch(event);
      if (Clock::now() >= next_sweep) {
        sweep_deadlines();
        next_sweep = Clock::now() + kSweepTick;
      }
    }
    return {};
  }

 private:
  void dispatch(const PollEvent& event) {
    if (event.fd == context_.listener) {
      accept_pending(acceptor_, [this](UniqueFd accepted) { add_connection(std::move(accepted)); });
      return;
    }
    const auto it = connections_.find(event.fd);
    if (it == connections_.end()) return;  // The stop pipe, or a closed fd.
    OpenConnection& connection = *it->second;
    const PumpOutcome outcome = pump_connection(event.fd, connection.state);
    if (outcome.close || poller_->modify(event.fd, interest_of(connection.state))) {
      close_connection(it);
    }
  }

  void add_connection(UniqueFd accepted) {
    // Above the bound the socket is closed here, on return.
    if (connections_.size() >= context_.options.max_connections) return;
    auto connection = open_nonblocking(std::move(accepted), context_);
    if (!connection) return;
    const int fd = connection->socket.get();
    if (poller_->add(fd, interest_of(connection->state))) return;
    connections_.emplace(fd, std::move(connection));
  }

  using ConnectionMap = std::unordered_map<int, std::unique_ptr<OpenConnection>>;

  ConnectionMap::iterator close_connection(ConnectionMap::iterator it) {
    // A failed remove leaves nothing to undo: closing the fd drops it anyway.
    [[maybe_unused]] const std::error_code error = poller_->remove(it->first);
    return connections_.erase(it);
  }

  void sweep_deadlines() {
    const Clock::time_point now = Clock::now();
    for (auto it = connections_.begin(); it != connections_.end();) {
      it = it->second->state.should_close(now) ? close_connection(it) : std::next(it);
    }
  }

  const ServerContext& context_;
  std::unique_ptr<Poller> poller_;
  Acceptor acceptor_;
  ConnectionMap connections_;
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
