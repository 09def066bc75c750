#include "servers/completion_session.h"

#include <new>
#include <thread>

#include "net/buffer_io.h"
#include "net/socket_io.h"
#include "net/socket_options.h"
#include "servers/nonblocking_session.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// While draining, every connection gets a round this often.
constexpr std::chrono::milliseconds kDrainPass{5};
// read_more reads at most this many times (each up to 64 KiB beyond the
// input's free space), so that one busy peer cannot starve the others.
constexpr int kMaxExtraReads = 4;

}  // namespace

CompletionSession::CompletionSession(const ServerContext& context, ConnectionRegistry::Entry entry,
                                     TimePoint now)
    : state_(context.handler, context.options.connection, now, std::move(entry)),
      output_soft_limit_(context.options.connection.output_soft_limit) {}

bool CompletionSession::should_read() const {
  if (read_in_flight_ || failed_ || eof_waiting_ || !state_.wants_read()) return false;
  return !write_in_flight_ || state_.buffered_input_bytes() < output_soft_limit_;
}

void CompletionSession::on_read(std::span<const std::uint8_t> bytes, TimePoint now) noexcept {
  read_in_flight_ = false;
  try {
    state_.input().append(bytes);
  } catch (const std::bad_alloc&) {
    out_of_memory_waiting_ = true;
  }
  input_waiting_ = true;
  if (!write_in_flight_) catch_up(now);
}

void CompletionSession::on_read_eof(TimePoint now) noexcept {
  read_in_flight_ = false;
  eof_waiting_ = true;
  if (!write_in_flight_) catch_up(now);
}

void CompletionSession::read_more(int fd, TimePoint now) noexcept {
  try {
    for (int i = 0; i < kMaxExtraReads && should_read(); ++i) {
      const net::IoResult result = net::read_into(fd, state_.input());
      if (result.status == net::IoStatus::kWouldBlock) break;
      if (result.status == net::IoStatus::kFailed) {
        failed_ = true;
        return;
      }
      if (result.status == net::IoStatus::kEof) {
        eof_waiting_ = true;
        break;
      }
      input_waiting_ = true;
      if (result.partial) break;
    }
  } catch (const std::bad_alloc&) {
    out_of_memory_waiting_ = true;
  }
  if (!write_in_flight_) catch_up(now);
}

void CompletionSession::on_written(std::size_t n, TimePoint now) noexcept {
  write_in_flight_ = false;
  if (n > 0) state_.on_output_written(n, now);
  catch_up(now);
}

void CompletionSession::on_read_failed() {
  read_in_flight_ = false;
  failed_ = true;
}

void CompletionSession::on_write_failed() {
  write_in_flight_ = false;
  failed_ = true;
}

void CompletionSession::on_tick(TimePoint now) noexcept {
  if (write_in_flight_) return;
  try {
    state_.on_tick(now);
  } catch (const std::bad_alloc&) {
    state_.on_out_of_memory(now);
  }
}

void CompletionSession::shut_down_writing_if_asked(int fd, TimePoint now) {
  if (write_in_flight_ || failed_ || !state_.wants_write_shutdown()) return;
  if (net::shutdown_send(fd)) {
    failed_ = true;
    return;
  }
  state_.on_write_shutdown(now);
}

void CompletionSession::catch_up(TimePoint now) noexcept {
  try {
    if (out_of_memory_waiting_) {
      out_of_memory_waiting_ = false;
      input_waiting_ = false;
      state_.on_out_of_memory(now);
      return;
    }
    if (input_waiting_) {
      input_waiting_ = false;
      state_.on_input(now);
    }
    if (eof_waiting_) {
      eof_waiting_ = false;
      state_.on_eof(now);
    }
  } catch (const std::bad_alloc&) {
    state_.on_out_of_memory(now);
  }
}

void drain_connections(std::vector<DrainingConnection>& connections, const Shutdown& shutdown) {
  std::erase_if(connections, [](const DrainingConnection& connection) {
    connection.state->begin_drain();
    return static_cast<bool>(
        net::set_blocking_mode(connection.fd, net::BlockingMode::kNonBlocking));
  });
  SweepTicker sweep(Clock::now());
  while (!connections.empty()) {
    if (shutdown.phase(Clock::now()) == ShutdownPhase::kStopping) return;
    std::erase_if(connections, [](const DrainingConnection& connection) {
      return pump_connection(connection.fd, *connection.state).close;
    });
    if (const Clock::time_point now = Clock::now(); sweep.due(now)) {
      std::erase_if(connections, [&](const DrainingConnection& connection) {
        return connection.state->should_close(now) ||
               pump_tick(connection.fd, *connection.state).close;
      });
    }
    std::this_thread::sleep_for(kDrainPass);
  }
}

}  // namespace kv
