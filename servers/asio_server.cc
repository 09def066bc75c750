// asio: Boost.Asio's proactor on one thread and one io_context. Each
// connection has one async_read_some and one async_write_some in flight at
// most; their completion handlers drive the shared CompletionSession (and
// through it the Connection). A steady_timer gives the tick: deadlines,
// idle storage, evictions, budget pauses, and the shutdown check.
//
// A read in flight needs memory of its own until it completes, so every
// connection carries a kReadChunk array, 16 KiB per connection that the
// readiness models do not pay (they read through a stack buffer the moment
// the socket is ready). When a read fills the array, the handler reads what
// else is waiting straight into the connection's input
// (CompletionSession::read_more), so bulk data is not taken 16 KiB per
// completion. Accepting is not on the data path: the loop waits
// for the listener with async_wait and accepts with the shared Acceptor,
// which keeps the descriptor-exhaustion handling of every other model.
//
// On Linux Asio implements the proactor over epoll: the kernel reports
// readiness and Asio performs the read or write when the socket is ready,
// on this thread, then calls the handler. The model shows the programming
// style and its costs (a handler and a buffer per operation), not a
// different kernel interface; io-uring is that.
//
// On SIGTERM the loop stops accepting, cancels every operation, lets the
// cancelled handlers run, and drains the connections with the readiness
// models' non-blocking rounds (drain_connections).
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <list>
#include <new>
#include <vector>

#include "net/unique_fd.h"
#include "servers/acceptor.h"
#include "servers/completion_session.h"
#include "servers/nonblocking_session.h"
#include "servers/server.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using Clock = Connection::Clock;
using Tcp = asio::ip::tcp;

// The memory each connection reads into.
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

struct AsioConnection {
  AsioConnection(asio::io_context& io, net::UniqueFd fd, const ServerContext& context,
                 ConnectionRegistry::Entry entry, Tcp protocol)
      : socket(io), session(context, std::move(entry), Clock::now()) {
    socket.assign(protocol, fd.release());
    // read_more reads the descriptor directly and must never block.
    socket.native_non_blocking(true);
  }

  Tcp::socket socket;
  CompletionSession session;
  std::array<std::uint8_t, kReadChunk> read_buffer;
  bool closing = false;
};
using ConnectionList = std::list<AsioConnection>;

class AsioServer {
 public:
  explicit AsioServer(const ServerContext& context)
      : context_(context),
        acceptor_(context.listener.get(), context.registry.log()),
        listener_(io_),
        timer_(io_) {}

  std::error_code run() {
    // A second descriptor of the listener for Asio: the context keeps
    // owning (and closes) the first.
    net::UniqueFd copy(::dup(context_.listener.get()));
    if (!copy.valid()) return std::error_code(errno, std::generic_category());
    boost::system::error_code error;
    protocol_ = local_protocol(copy.get());
    listener_.assign(protocol_, copy.release(), error);
    if (error) return error;
    wait_for_clients();
    schedule_tick();
    run_io();
    // Every handler has run: nothing is in flight any more.
    std::vector<DrainingConnection> draining;
    draining.reserve(connections_.size());
    for (AsioConnection& connection : connections_) {
      if (connection.closing) continue;
      draining.push_back({connection.socket.native_handle(), &connection.session.state()});
    }
    drain_connections(draining, context_.shutdown);
    return {};
  }

 private:
  static Tcp local_protocol(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
        address.ss_family == AF_INET6) {
      return Tcp::v6();
    }
    return Tcp::v4();
  }

  // Runs handlers until none is left. An allocation failure inside Asio
  // escapes run(); it is counted, and the loop goes on (Asio allows run()
  // to be called again after a handler threw).
  void run_io() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::bad_alloc&) {
        context_.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
      }
    }
  }

  void wait_for_clients() {
    listener_.async_wait(Tcp::acceptor::wait_read, [this](boost::system::error_code error) {
      if (draining_) return;
      if (!error) {
        accept_pending(acceptor_, [this](net::UniqueFd socket) { open(std::move(socket)); });
      }
      wait_for_clients();
    });
  }

  void open(net::UniqueFd socket) {
    ConnectionRegistry::Entry entry = context_.registry.admit(Clock::now());
    if (!entry) return;
    try {
      connections_.emplace_front(io_, std::move(socket), context_, std::move(entry), protocol_);
    } catch (const std::bad_alloc&) {
      context_.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
      return;
    }
    advance(connections_.begin());
  }

  // Acts on the connection's state after a completion or a tick: closes it,
  // or submits the read and the write it wants.
  void advance(ConnectionList::iterator it) {
    AsioConnection& connection = *it;
    if (connection.closing || draining_) {
      if (!connection.session.in_flight() && !draining_) connections_.erase(it);
      return;
    }
    const Clock::time_point now = Clock::now();
    connection.session.shut_down_writing_if_asked(connection.socket.native_handle(), now);
    if (connection.session.should_close(now)) {
      close(it);
      return;
    }
    try {
      if (connection.session.should_write()) start_write(it);
      if (connection.session.should_read()) start_read(it);
    } catch (const std::bad_alloc&) {
      // An operation could not be started: this connection only is closed.
      context_.registry.log().count(ConnectionEvent::kOutOfMemory, now);
      connection.session.on_submit_failed();
      close(it);
      return;
    }
    // An eviction is acted on at once, not a tick later (SPEC 12.2, 12.3).
    if (context_.registry.evictions_waiting() && !sweep_posted_) {
      sweep_posted_ = true;
      asio::post(io_, [this] {
        sweep_posted_ = false;
        if (!draining_) sweep(Clock::now());
      });
    }
  }

  void start_read(ConnectionList::iterator it) {
    AsioConnection& connection = *it;
    connection.socket.async_read_some(
        asio::buffer(connection.read_buffer),
        [this, it](boost::system::error_code error, std::size_t n) {
          CompletionSession& session = it->session;
          if (!error) {
            session.on_read(std::span<const std::uint8_t>(it->read_buffer.data(), n), Clock::now());
            // A full chunk: more is likely waiting; read it now.
            if (n == it->read_buffer.size()) {
              session.read_more(it->socket.native_handle(), Clock::now());
            }
          } else if (error == asio::error::eof) {
            session.on_read_eof(Clock::now());
          } else if (error == asio::error::operation_aborted) {
            session.on_read_ended();
          } else {
            session.on_read_failed();
          }
          advance(it);
        });
    connection.session.read_submitted();
  }

  void start_write(ConnectionList::iterator it) {
    AsioConnection& connection = *it;
    connection.socket.async_write_some(asio::buffer(connection.session.next_write().data(),
                                                    connection.session.next_write().size()),
                                       [this, it](boost::system::error_code error, std::size_t n) {
                                         CompletionSession& session = it->session;
                                         if (!error || error == asio::error::operation_aborted) {
                                           session.on_written(n, Clock::now());
                                         } else {
                                           session.on_write_failed();
                                         }
                                         advance(it);
                                       });
    connection.session.write_submitted();
  }

  void close(ConnectionList::iterator it) {
    it->closing = true;
    if (!it->session.in_flight()) {
      connections_.erase(it);
      return;
    }
    boost::system::error_code ignored;
    it->socket.cancel(ignored);  // The handlers then erase it.
  }

  void schedule_tick() {
    timer_.expires_after(kSweepTick);
    timer_.async_wait([this](boost::system::error_code) { tick(); });
  }

  // Once per tick: the shutdown check, and every connection's tick.
  void tick() {
    const Clock::time_point now = Clock::now();
    if (context_.shutdown.phase(now) != ShutdownPhase::kServing) {
      start_drain();
      return;
    }
    sweep(now);
    schedule_tick();
  }

  void sweep(Clock::time_point now) {
    for (auto it = connections_.begin(); it != connections_.end();) {
      const auto next = std::next(it);
      if (!it->closing) {
        it->session.on_tick(now);
        advance(it);
      }
      it = next;
    }
    context_.registry.on_tick(now);
  }

  // Stops accepting and cancels every operation; io_.run() returns once
  // their handlers have run, and run() drains.
  void start_drain() {
    draining_ = true;
    boost::system::error_code ignored;
    listener_.close(ignored);
    context_.listener.reset();
    context_.shutdown.consume_wakeups();
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->closing && !it->session.in_flight()) {
        it = connections_.erase(it);
        continue;
      }
      it->socket.cancel(ignored);
      ++it;
    }
  }

  const ServerContext& context_;
  asio::io_context io_{1};
  Acceptor acceptor_;
  Tcp::acceptor listener_;
  Tcp protocol_ = Tcp::v4();
  asio::steady_timer timer_;
  ConnectionList connections_;
  bool draining_ = false;
  // A sweep for waiting evictions is posted and has not run yet.
  bool sweep_posted_ = false;
};

}  // namespace

std::error_code run_asio(const ServerContext& context) {
  try {
    return AsioServer(context).run();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
}

}  // namespace kv
