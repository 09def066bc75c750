// kvserver: runs one of the server models (see README.md).
//
// Prints exactly one line, "listening on HOST:PORT", once it accepts
// connections. Exits 0 after SIGINT or SIGTERM (once the drain is over, or
// at once on a second signal), 2 on a bad command line or a listen failure,
// 1 if the model's loop fails, 3 if the model cannot run on this machine
// (io-uring where io_uring is missing or denied), with the reason on stderr. `--list-models` prints
// one line per model, "NAME PROFILE", and exits 0.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "codec/frame_format.h"
#include "codec/message.h"
#include "common/version.h"
#include "net/listen.h"
#include "net/socket_options.h"
#include "servers/connection_registry.h"
#include "servers/memory_release.h"
#include "servers/poller.h"
#include "servers/server.h"
#include "servers/server_log.h"
#include "servers/shutdown.h"
#include "servers/stop_signal.h"
#include "servers/store.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;
// The model cannot run on this machine (io-uring without io_uring).
constexpr int kExitUnavailable = 3;

int fail(int code, const std::string& message) {
  std::cerr << "kvserver: " << message << '\n';
  return code;
}

struct CommandLine {
  bool list_models = false;
  kv::ServerOptions options;
  // The options' defaults, as flags.
  std::uint32_t max_frame_bytes = options.connection.max_frame_len;
  std::int64_t idle_timeout_ms = options.connection.idle_timeout.count();
  std::int64_t drain_ms = options.drain_time.count();
};

void define_flags(CLI::App& app, CommandLine& line) {
  std::vector<std::string> models;
  for (const kv::ServerModelInfo& model : kv::server_models()) models.emplace_back(model.name);
  std::vector<std::string> pollers;
  for (std::string_view name : kv::available_pollers()) pollers.emplace_back(name);
  line.options.model.clear();
  app.add_flag("--list-models", line.list_models, "print each model and its profile, then exit");
  app.add_option("--model", line.options.model, "server model (required)")
      ->check(CLI::IsMember(models));
  app.add_option("--host", line.options.host, "address to listen on")->capture_default_str();
  app.add_option("--port", line.options.port, "port to listen on (0 picks a free one)")
      ->capture_default_str();
  app.add_option("--max-frame-bytes", line.max_frame_bytes, "largest accepted LEN")
      ->check(CLI::Range(kv::kMinFrameLen, kv::kMaxConfigurableFrameLen))
      ->capture_default_str();
  app.add_option("--idle-timeout-ms", line.idle_timeout_ms,
                 "close a connection silent this long (0: never)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{24} * 3600 * 1000))
      ->capture_default_str();
  app.add_option("--max-connections", line.options.max_connections,
                 "connections served at once; when full, a new one evicts the one waiting longest")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20U))
      ->capture_default_str();
  app.add_option("--max-buffered-bytes", line.options.max_buffered_bytes,
                 "memory budget for all connections' buffers and messages")
      ->check(CLI::Range(kv::kBudgetFloorBytes, std::size_t{1} << 50U))
      ->capture_default_str();
  app.add_option("--drain-ms", line.drain_ms,
                 "after SIGTERM, how long to finish in-flight requests before closing")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600} * 1000))
      ->capture_default_str();
  app.add_option("--poller", line.options.poller, "readiness API of event-loop and multi-reactor")
      ->check(CLI::IsMember(pollers));
  app.add_option("--loops", line.options.loops, "multi-reactor: event loops (0: one per CPU)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1024}))
      ->capture_default_str();
}

int list_models() {
  for (const kv::ServerModelInfo& model : kv::server_models()) {
    std::cout << model.name << ' ' << kv::profile_name(model.profile) << '\n';
  }
  return 0;
}

int run(const CommandLine& line) {
  if (line.list_models) return list_models();
  if (line.options.model.empty()) return fail(kExitUsage, "--model is required");
  kv::ServerOptions options = line.options;
  options.connection.max_frame_len = line.max_frame_bytes;
  options.connection.idle_timeout = std::chrono::milliseconds(line.idle_timeout_ms);
  options.drain_time = std::chrono::milliseconds(line.drain_ms);
  if (const std::string reason = kv::unavailable_reason(*kv::find_server_model(options.model));
      !reason.empty()) {
    return fail(kExitUnavailable,
                "the " + options.model + " model cannot run on this machine: " + reason);
  }
  kv::configure_allocator();

  kv::StopSignal stop;
  if (stop.error())
    return fail(kExitRuntime, "cannot create the stop pipe: " + stop.error().message());
  if (auto error = kv::StopSignal::install_handlers(stop)) {
    return fail(kExitRuntime, "cannot install signal handlers: " + error.message());
  }

  kv::net::UniqueFd listener;
  if (auto error = kv::net::listen_tcp(options.host, options.port, listener)) {
    return fail(kExitUsage, "cannot listen on " + options.host + ":" +
                                std::to_string(options.port) + ": " + error.message());
  }
  std::uint16_t port = 0;
  if (auto error = kv::net::local_port(listener.get(), port)) {
    return fail(kExitRuntime, "cannot read the listening port: " + error.message());
  }
  if (auto error =
          kv::net::set_blocking_mode(listener.get(), kv::net::BlockingMode::kNonBlocking)) {
    return fail(kExitRuntime, "cannot configure the listener: " + error.message());
  }

  kv::Store store;
  const kv::RequestHandler handler(store);
  const kv::Shutdown shutdown(stop, options.drain_time);
  kv::ServerLog log(std::cerr);
  kv::ConnectionRegistry registry({options.max_buffered_bytes, options.max_connections}, log);
  const kv::ServerContext context{listener, options, handler, shutdown, registry};
  std::cout << "listening on " << options.host << ':' << port << std::endl;
  const std::error_code error = kv::run_server(context);
  log.flush(std::chrono::steady_clock::now());
  if (error) return fail(kExitRuntime, "server loop failed: " + error.message());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"kvserver: a KV protocol server in one of several I/O models"};
  CommandLine line;
  define_flags(app, line);
  app.set_version_flag("--version", kv::version_line("kvserver"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help_or_version) {
    return app.exit(help_or_version);
  } catch (const CLI::ParseError& error) {
    return fail(kExitUsage, error.what());
  }
  return run(line);
}
