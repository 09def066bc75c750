#include "servers/nonblocking_session.h"

#include "servers/socket_io.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// At most this many reads per round; each reads up to 64 KiB beyond the
// buffer's free space.
constexpr int kMaxReadsPerRound = 4;

enum class Flow { kOk, kFailed };

Flow read_round(int fd, Connection& connection, bool& progressed) {
  for (int i = 0; i < kMaxReadsPerRound && connection.wants_read(); ++i) {
    const IoResult result = read_into(fd, connection.input());
    if (result.status == IoStatus::kWouldBlock) return Flow::kOk;
    if (result.status == IoStatus::kFailed) return Flow::kFailed;
    progressed = true;
    if (result.status == IoStatus::kEof) {
      connection.on_eof(Clock::now());
      return Flow::kOk;
    }
    connection.on_input(Clock::now());
  }
  return Flow::kOk;
}

Flow write_round(int fd, Connection& connection, bool& progressed) {
  while (connection.wants_write()) {
    const IoResult result = write_some(fd, connection.pending_output());
    if (result.status == IoStatus::kWouldBlock) return Flow::kOk;
    if (result.status == IoStatus::kFailed) return Flow::kFailed;
    progressed = true;
    connection.on_output_written(result.bytes, Clock::now());
  }
  return Flow::kOk;
}

}  // namespace

OpenConnection::OpenConnection(UniqueFd accepted, const ServerContext& context)
    : socket(std::move(accepted)),
      state(context.handler, context.options.connection, Clock::now()) {}

std::unique_ptr<OpenConnection> open_nonblocking(UniqueFd accepted, const ServerContext& context) {
  if (set_blocking_mode(accepted.get(), BlockingMode::kNonBlocking)) return nullptr;
  return std::make_unique<OpenConnection>(std::move(accepted), context);
}

PumpOutcome pump_connection(int fd, Connection& connection) {
  PumpOutcome outcome;
  if (read_round(fd, connection, outcome.progressed) == Flow::kFailed ||
      write_round(fd, connection, outcome.progressed) == Flow::kFailed) {
    outcome.close = true;
    return outcome;
  }
  if (connection.wants_write_shutdown()) {
    if (shutdown_write(fd)) {
      outcome.close = true;
      return outcome;
    }
    connection.on_write_shutdown(Clock::now());
    outcome.progressed = true;
  }
  outcome.close = connection.should_close(Clock::now());
  return outcome;
}

}  // namespace kv
