// One round of I/O on a non-blocking connection, shared by the busy-wait
// and event-loop models: each calls it when the socket may be ready.
#pragma once

#include <chrono>
#include <memory>

#include "net/unique_fd.h"
#include "servers/connection.h"
#include "servers/server.h"

namespace kv {

// How often the non-blocking loops sweep their connections (deadlines,
// idle buffers); timers are precise to one tick.
constexpr std::chrono::milliseconds kSweepTick{100};

// Tells a loop when its next sweep is due: at most once per kSweepTick.
class SweepTicker {
 public:
  explicit SweepTicker(Connection::TimePoint now) : next_(now + kSweepTick) {}
  // True (and the next sweep is scheduled one tick later) once the current
  // one is due.
  bool due(Connection::TimePoint now) {
    if (now < next_) return false;
    next_ = now + kSweepTick;
    return true;
  }

 private:
  Connection::TimePoint next_;
};

// An accepted non-blocking socket and its protocol state.
struct OpenConnection {
  OpenConnection(net::UniqueFd accepted, ConnectionRegistry::Entry entry,
                 const ServerContext& context);

  net::UniqueFd socket;
  Connection state;
};

// Admits `accepted` into the registry (which may evict another connection
// for its slot, SPEC 12.3), puts it in non-blocking mode and wraps it.
// nullptr, the socket closed, if it was refused, if the socket cannot be
// configured, or if there is no memory for it (logged).
std::unique_ptr<OpenConnection> open_nonblocking(net::UniqueFd accepted,
                                                 const ServerContext& context);

struct PumpOutcome {
  // Some byte was read or written, or the connection changed phase.
  bool progressed = false;
  // The owner must close the socket now.
  bool close = false;
};

// The input half of a round: reads while the connection wants input, until
// a read leaves the socket drained (at most a bounded number of times, so
// that one busy peer cannot starve the others), and turns what it read into
// responses in the connection's output. While draining, a read that finds
// nothing ends the connection's input (SPEC 12.5). Writes nothing. Never
// blocks. Never throws: an allocation failure closes this connection only
// (SPEC 12.1).
PumpOutcome pump_input(int fd, Connection& connection);

// The output half of a round: writes until the socket's send buffer is full
// or the output is flushed, then sends the FIN the connection may ask for,
// and says whether the connection should close. Never blocks or throws.
PumpOutcome pump_output(int fd, Connection& connection);

// The periodic half: Connection::on_tick, then pump_output. Never throws.
PumpOutcome pump_tick(int fd, Connection& connection);

// One whole round: pump_input, then pump_output. The caller must call it
// again while the socket is readable (or, with output pending, writable):
// one round may leave work behind.
PumpOutcome pump_connection(int fd, Connection& connection);

}  // namespace kv
