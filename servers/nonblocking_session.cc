#include "servers/nonblocking_session.h"

#include <new>

#include "net/buffer_io.h"
#include "net/socket_io.h"
#include "net/socket_options.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// At most this many reads per round; each reads up to 64 KiB beyond the
// buffer's free space.
constexpr int kMaxReadsPerRound = 4;

enum class Flow { kOk, kFailed };

// A round stops at the first read that does not fill the space it offered:
// the socket was drained then, and retrying at once would almost always
// cost one more system call that fails with EAGAIN. Bytes that arrive
// later are not lost: a level-triggered poller reports the socket again,
// and the busy-wait loop tries it again on its next pass anyway. While
// draining, a read that finds nothing ends the input.
Flow read_round(int fd, Connection& connection, bool& progressed) {
  for (int i = 0; i < kMaxReadsPerRound && connection.wants_read(); ++i) {
    const net::IoResult result = net::read_into(fd, connection.input());
    if (result.status == net::IoStatus::kWouldBlock) {
      if (connection.draining()) {
        connection.on_input_drained(Clock::now());
        progressed = true;
      }
      return Flow::kOk;
    }
    if (result.status == net::IoStatus::kFailed) return Flow::kFailed;
    progressed = true;
    if (result.status == net::IoStatus::kEof) {
      connection.on_eof(Clock::now());
      return Flow::kOk;
    }
    connection.on_input(Clock::now());
    if (result.partial && !connection.draining()) return Flow::kOk;
  }
  return Flow::kOk;
}

// Writes until the output is flushed or a send does not take everything
// offered (the socket's send buffer is then full, and the rest waits for
// the next round, for the same reason as in read_round).
Flow write_round(int fd, Connection& connection, bool& progressed) {
  while (connection.wants_write()) {
    const net::IoResult result = net::send_some(fd, connection.pending_output());
    if (result.status == net::IoStatus::kWouldBlock) return Flow::kOk;
    if (result.status == net::IoStatus::kFailed) return Flow::kFailed;
    progressed = true;
    connection.on_output_written(result.bytes, Clock::now());
    if (result.partial) return Flow::kOk;
  }
  return Flow::kOk;
}

PumpOutcome output_round(int fd, Connection& connection) {
  PumpOutcome outcome;
  if (write_round(fd, connection, outcome.progressed) == Flow::kFailed) {
    outcome.close = true;
    return outcome;
  }
  if (connection.wants_write_shutdown()) {
    if (net::shutdown_send(fd)) {
      outcome.close = true;
      return outcome;
    }
    connection.on_write_shutdown(Clock::now());
    outcome.progressed = true;
  }
  if (connection.wants_acknowledgement() && net::peer_acknowledged_everything(fd)) {
    connection.on_output_acknowledged();
    outcome.progressed = true;
  }
  outcome.close = connection.should_close(Clock::now());
  return outcome;
}

// Runs `round`; an allocation failure inside it closes this connection
// (with the error response, SPEC 12.1) instead of escaping.
template <typename Round>
PumpOutcome guarded(Connection& connection, Round round) noexcept {
  try {
    return round();
  } catch (const std::bad_alloc&) {
    connection.on_out_of_memory(Clock::now());
    return {true, false};
  }
}

}  // namespace

OpenConnection::OpenConnection(net::UniqueFd accepted, ConnectionRegistry::Entry entry,
                               const ServerContext& context)
    : socket(std::move(accepted)),
      state(context.handler, context.options.connection, Clock::now(), std::move(entry)) {}

std::unique_ptr<OpenConnection> open_nonblocking(net::UniqueFd accepted,
                                                 const ServerContext& context) {
  ConnectionRegistry::Entry entry = context.registry.admit(Clock::now());
  if (!entry) return nullptr;
  if (net::set_blocking_mode(accepted.get(), net::BlockingMode::kNonBlocking)) return nullptr;
  try {
    return std::make_unique<OpenConnection>(std::move(accepted), std::move(entry), context);
  } catch (const std::bad_alloc&) {
    context.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
    return nullptr;
  }
}

PumpOutcome pump_input(int fd, Connection& connection) {
  return guarded(connection, [&] {
    PumpOutcome outcome;
    outcome.close = read_round(fd, connection, outcome.progressed) == Flow::kFailed;
    return outcome;
  });
}

PumpOutcome pump_output(int fd, Connection& connection) {
  return guarded(connection, [&] { return output_round(fd, connection); });
}

PumpOutcome pump_connection(int fd, Connection& connection) {
  const PumpOutcome input = pump_input(fd, connection);
  if (input.close) return input;
  PumpOutcome output = pump_output(fd, connection);
  output.progressed = output.progressed || input.progressed;
  return output;
}

PumpOutcome pump_tick(int fd, Connection& connection) {
  guarded(connection, [&] {
    connection.on_tick(Clock::now());
    return PumpOutcome{};
  });
  return pump_output(fd, connection);
}

}  // namespace kv
