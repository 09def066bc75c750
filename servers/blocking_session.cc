#include "servers/blocking_session.h"

#include <poll.h>

#include "servers/connection.h"
#include "servers/socket_io.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

enum class Step { kContinue, kFinished };

Step write_step(int fd, Connection& connection) {
  const IoResult result = write_some(fd, connection.pending_output());
  if (result.status == IoStatus::kFailed) return Step::kFinished;
  connection.on_output_written(result.bytes, Clock::now());
  return Step::kContinue;
}

Step read_step(int fd, Connection& connection) {
  const IoResult result = read_into(fd, connection.input());
  switch (result.status) {
    case IoStatus::kTransferred:
      connection.on_input(Clock::now());
      return Step::kContinue;
    case IoStatus::kEof:
      connection.on_eof(Clock::now());
      return Step::kContinue;
    case IoStatus::kWouldBlock:
      // A tick passed with no input; the caller checks deadlines.
      connection.release_idle_buffers(Clock::now());
      return Step::kContinue;
    case IoStatus::kFailed:
      return Step::kFinished;
  }
  return Step::kFinished;
}

// One blocking I/O call chosen by the connection's state.
Step next_step(int fd, Connection& connection) {
  if (connection.wants_write()) return write_step(fd, connection);
  if (connection.wants_write_shutdown()) {
    if (shutdown_write(fd)) return Step::kFinished;
    connection.on_write_shutdown();
    return Step::kContinue;
  }
  if (connection.wants_read()) return read_step(fd, connection);
  return Step::kFinished;
}

}  // namespace

WaitResult wait_readable_or_stop(int fd, const StopSignal& stop,
                                 std::chrono::milliseconds timeout) {
  if (stop.stop_requested()) return WaitResult::kStopped;
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop.wake_fd(), POLLIN, 0}};
  const int n = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (stop.stop_requested()) return WaitResult::kStopped;
  if (n > 0 && fds[0].revents != 0) return WaitResult::kReady;
  return WaitResult::kTimedOut;  // Also EINTR: the caller simply waits again.
}

void serve_blocking_connection(UniqueFd socket, const ServerContext& context) {
  const int fd = socket.get();
  if (set_blocking_mode(fd, BlockingMode::kBlocking) || set_io_timeout(fd, kBlockingTick)) return;
  Connection connection(context.handler, context.options.connection, Clock::now());
  while (!context.stop.stop_requested() && !connection.should_close(Clock::now())) {
    if (next_step(fd, connection) == Step::kFinished) return;
  }
}

}  // namespace kv
