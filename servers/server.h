// The server models (SPEC section 11) behind one entry point. They
// share the codec, the RequestHandler, the Store, the Connection state
// machine and the ConnectionRegistry; each model's file holds only its I/O
// loop. server_models() is the one list of models: kvserver --list-models
// prints it, and the tests and scripts read it from there.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "net/unique_fd.h"
#include "servers/connection.h"
#include "servers/connection_registry.h"
#include "servers/request_handler.h"
#include "servers/shutdown.h"

namespace kv {

// SPEC 11.2 (one connection at a time) or 11.3.
enum class ServerProfile { kSequential, kConcurrent };

// "sequential" or "concurrent", the names kvconform's --profile takes.
std::string_view profile_name(ServerProfile profile);

struct ServerOptions {
  // A name from server_models().
  std::string model = "event-loop";
  std::string host = "127.0.0.1";
  std::uint16_t port = 7070;
  ConnectionOptions connection;
  // The most connections served at once by the concurrent models; when
  // they are all taken, a new connection evicts one (SPEC 12.3).
  std::size_t max_connections = 1024;
  // The budget for all connections' buffers and messages (SPEC 12.2).
  std::size_t max_buffered_bytes = std::size_t{512} * 1024 * 1024;
  // How long the drain after the first SIGTERM may last (SPEC 12.5).
  std::chrono::milliseconds drain_time{3000};
  // The event loop's readiness API; empty picks the platform default.
  std::string poller;
  // The multi-reactor's event loops; zero means one per CPU.
  std::size_t loops = 0;
};

// What a model's loop needs. Everything is owned by the caller and outlives
// the loop.
struct ServerContext {
  // A listening socket in non-blocking mode. The loop closes it when the
  // drain starts, so that new clients are refused instead of waiting.
  net::UniqueFd& listener;
  const ServerOptions& options;
  const RequestHandler& handler;
  const Shutdown& shutdown;
  ConnectionRegistry& registry;
};

// Each model serves `context.listener` until shutdown: it drains, then
// closes every connection it holds and returns. An error means the loop
// itself could not run (for example, the poller could not be created).
std::error_code run_single_blocking(const ServerContext& context);
std::error_code run_multi_blocking(const ServerContext& context);
std::error_code run_busy_wait(const ServerContext& context);
std::error_code run_event_loop(const ServerContext& context);
std::error_code run_multi_reactor(const ServerContext& context);
std::error_code run_asio(const ServerContext& context);
std::error_code run_io_uring(const ServerContext& context);

// One server model: its name, its profile and its loop.
struct ServerModelInfo {
  std::string_view name;
  ServerProfile profile;
  std::error_code (*run)(const ServerContext& context);
  // For a model that needs something the machine may lack (io-uring): an
  // empty string when it can run here, else why not. nullptr: always runs.
  std::string (*unavailable_reason)() = nullptr;
};

// Why `model` cannot run on this machine; empty when it can.
std::string unavailable_reason(const ServerModelInfo& model);

// Every model, in a stable order: single-blocking, multi-blocking,
// busy-wait, event-loop, multi-reactor, asio, io-uring.
std::span<const ServerModelInfo> server_models();
// The model with that name; nullptr if there is none.
const ServerModelInfo* find_server_model(std::string_view name);

// Runs the model named by context.options.model; invalid_argument if no
// model has that name.
std::error_code run_server(const ServerContext& context);

}  // namespace kv
