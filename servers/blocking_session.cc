#include "servers/blocking_session.h"

#include <poll.h>

#include <new>
#include <thread>

#include "net/buffer_io.h"
#include "net/socket_io.h"
#include "net/socket_options.h"
#include "servers/connection.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// How long a connection paused for the memory budget sleeps before it
// looks again.
constexpr std::chrono::milliseconds kPauseWait{20};

enum class Step { kContinue, kFinished };

bool readable_now(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) > 0;
}

Step write_step(int fd, Connection& connection) {
  const net::IoResult result = net::send_some(fd, connection.pending_output());
  if (result.status == net::IoStatus::kFailed) return Step::kFinished;
  if (result.status == net::IoStatus::kWouldBlock) {
    // A tick passed with the peer not reading.
    connection.on_tick(Clock::now());
  } else {
    connection.on_output_written(result.bytes, Clock::now());
  }
  return Step::kContinue;
}

Step read_step(int fd, Connection& connection) {
  // Draining ends the input at the first read that would wait (SPEC 12.5).
  if (connection.draining() && !connection.wants_acknowledgement() && !readable_now(fd)) {
    connection.on_input_drained(Clock::now());
    return Step::kContinue;
  }
  const net::IoResult result = net::read_into(fd, connection.input());
  switch (result.status) {
    case net::IoStatus::kTransferred:
      connection.on_input(Clock::now());
      return Step::kContinue;
    case net::IoStatus::kEof:
      connection.on_eof(Clock::now());
      return Step::kContinue;
    case net::IoStatus::kWouldBlock:
      // A tick passed with no input; the caller checks deadlines.
      connection.on_tick(Clock::now());
      return Step::kContinue;
    case net::IoStatus::kFailed:
      return Step::kFinished;
  }
  return Step::kFinished;
}

// One blocking I/O call chosen by the connection's state.
Step next_step(int fd, Connection& connection) {
  if (connection.wants_write()) return write_step(fd, connection);
  if (connection.wants_write_shutdown()) {
    if (net::shutdown_send(fd)) return Step::kFinished;
    connection.on_write_shutdown(Clock::now());
    return Step::kContinue;
  }
  if (connection.wants_acknowledgement() && net::peer_acknowledged_everything(fd)) {
    connection.on_output_acknowledged();
    return Step::kContinue;
  }
  if (connection.wants_read()) return read_step(fd, connection);
  if (connection.paused()) {
    std::this_thread::sleep_for(kPauseWait);
    connection.on_tick(Clock::now());
    return Step::kContinue;
  }
  return Step::kFinished;
}

void serve(int fd, ConnectionRegistry::Entry entry, const ServerContext& context) {
  Connection connection(context.handler, context.options.connection, Clock::now(),
                        std::move(entry));
  for (;;) {
    const Clock::time_point now = Clock::now();
    const ShutdownPhase phase = context.shutdown.phase(now);
    if (phase == ShutdownPhase::kStopping) return;
    if (phase == ShutdownPhase::kDraining && !connection.draining()) connection.begin_drain();
    if (connection.should_close(now)) return;
    Step step = Step::kContinue;
    try {
      step = next_step(fd, connection);
    } catch (const std::bad_alloc&) {
      connection.on_out_of_memory(Clock::now());
    }
    if (step == Step::kFinished) return;
  }
}

}  // namespace

WaitResult wait_readable_or_stop(int fd, const Shutdown& shutdown,
                                 std::chrono::milliseconds timeout) {
  const auto stopped = [&] { return shutdown.phase(Clock::now()) != ShutdownPhase::kServing; };
  if (stopped()) return WaitResult::kStopped;
  pollfd fds[2] = {{fd, POLLIN, 0}, {shutdown.wake_fd(), POLLIN, 0}};
  const int n = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (stopped()) return WaitResult::kStopped;
  if (n > 0 && fds[0].revents != 0) return WaitResult::kReady;
  return WaitResult::kTimedOut;  // Also EINTR: the caller simply waits again.
}

void serve_blocking_connection(net::UniqueFd socket, ConnectionRegistry::Entry entry,
                               const ServerContext& context) noexcept {
  const int fd = socket.get();
  if (net::set_blocking_mode(fd, net::BlockingMode::kBlocking) ||
      net::set_io_timeout(fd, kBlockingTick))
    return;
  try {
    serve(fd, std::move(entry), context);
  } catch (const std::bad_alloc&) {
    // Not even the connection's state could be made: this connection is
    // closed (by `socket`), and only it.
    context.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
  }
}

}  // namespace kv
