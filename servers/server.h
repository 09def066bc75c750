// The four server models (SPEC section 11) behind one entry point. They
// share the codec, the RequestHandler, the Store and the Connection state
// machine; each model's file holds only its I/O loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "servers/connection.h"
#include "servers/request_handler.h"
#include "servers/stop_signal.h"

namespace kv {

enum class ServerModel { kSingleBlocking, kMultiBlocking, kBusyWait, kEventLoop };

// The model names, in ServerModel order: "single-blocking",
// "multi-blocking", "busy-wait" and "event-loop".
std::vector<std::string_view> server_model_names();
// The model with that name; nullopt if no model has it.
std::optional<ServerModel> server_model_from_name(std::string_view name);

struct ServerOptions {
  ServerModel model = ServerModel::kEventLoop;
  std::string host = "127.0.0.1";
  std::uint16_t port = 7070;
  ConnectionOptions connection;
  // The most connections served at once by the concurrent models; a
  // connection accepted above it is closed at once (see README.md).
  std::size_t max_connections = 1024;
  // The event loop's readiness API; empty picks the platform default.
  std::string poller;
};

// What a model's loop needs. Everything is owned by the caller and outlives
// the loop.
struct ServerContext {
  // A listening socket in non-blocking mode.
  int listener = -1;
  const ServerOptions& options;
  const RequestHandler& handler;
  const StopSignal& stop;
};

// Each model serves `context.listener` until stop is requested, then
// closes every connection it holds and returns. An error means the loop
// itself could not run (for example, the poller could not be created).
std::error_code run_single_blocking(const ServerContext& context);
std::error_code run_multi_blocking(const ServerContext& context);
std::error_code run_busy_wait(const ServerContext& context);
std::error_code run_event_loop(const ServerContext& context);

// Runs the model named by context.options.model.
std::error_code run_server(const ServerContext& context);

}  // namespace kv
