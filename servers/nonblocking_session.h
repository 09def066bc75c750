// One round of I/O on a non-blocking connection, shared by the busy-wait
// and event-loop models: each calls it when the socket may be ready.
#pragma once

#include <memory>

#include "servers/connection.h"
#include "servers/server.h"
#include "servers/unique_fd.h"

namespace kv {

// An accepted non-blocking socket and its protocol state.
struct OpenConnection {
  OpenConnection(UniqueFd accepted, const ServerContext& context);

  UniqueFd socket;
  Connection state;
};

// Puts `accepted` in non-blocking mode and wraps it; nullptr (the socket
// closed) if that fails.
std::unique_ptr<OpenConnection> open_nonblocking(UniqueFd accepted, const ServerContext& context);

struct PumpOutcome {
  // Some byte was read or written, or the connection changed phase.
  bool progressed = false;
  // The owner must close the socket now.
  bool close = false;
};

// Reads (a bounded number of times, so that one busy peer cannot starve the
// others) while the connection wants input, then writes until the socket
// would block or the output is flushed, then sends the FIN the connection
// may ask for. Never blocks.
PumpOutcome pump_connection(int fd, Connection& connection);

}  // namespace kv
