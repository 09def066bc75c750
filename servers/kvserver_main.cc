// kvserver: runs one of the four server models (see README.md).
//
// Prints exactly one line, "listening on HOST:PORT", once it accepts
// connections. Exits 0 after SIGINT or SIGTERM, 2 on a bad command line or
// a listen failure, 1 if the model's loop fails.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "codec/frame_format.h"
#include "codec/message.h"
#include "servers/poller.h"
#include "servers/server.h"
#include "servers/socket_io.h"
#include "servers/stop_signal.h"
#include "servers/store.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;

int fail(int code, const std::string& message) {
  std::cerr << "kvserver: " << message << '\n';
  return code;
}

struct CommandLine {
  std::string model;
  kv::ServerOptions options;
  // The connection options' defaults, as flags.
  std::uint32_t max_frame_bytes = options.connection.max_frame_len;
  std::int64_t idle_timeout_ms = options.connection.idle_timeout.count();
};

void define_flags(CLI::App& app, CommandLine& line) {
  std::vector<std::string> models;
  for (std::string_view name : kv::server_model_names()) models.emplace_back(name);
  std::vector<std::string> pollers;
  for (std::string_view name : kv::available_pollers()) pollers.emplace_back(name);
  app.add_option("--model", line.model, "server model")->required()->check(CLI::IsMember(models));
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
                 "connections served at once; more are closed on accept")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20U))
      ->capture_default_str();
  app.add_option("--poller", line.options.poller, "event-loop readiness API")
      ->check(CLI::IsMember(pollers));
}

int run(const CommandLine& line) {
  kv::ServerOptions options = line.options;
  const std::optional<kv::ServerModel> model = kv::server_model_from_name(line.model);
  if (!model) return fail(kExitUsage, "unknown model: " + line.model);
  options.model = *model;
  options.connection.max_frame_len = line.max_frame_bytes;
  options.connection.idle_timeout = std::chrono::milliseconds(line.idle_timeout_ms);

  kv::StopSignal stop;
  if (stop.error())
    return fail(kExitRuntime, "cannot create the stop pipe: " + stop.error().message());
  if (auto error = kv::StopSignal::install_handlers(stop)) {
    return fail(kExitRuntime, "cannot install signal handlers: " + error.message());
  }

  kv::UniqueFd listener;
  if (auto error = kv::listen_tcp(options.host, options.port, listener)) {
    return fail(kExitUsage, "cannot listen on " + options.host + ":" +
                                std::to_string(options.port) + ": " + error.message());
  }
  std::uint16_t port = 0;
  if (auto error = kv::local_port(listener.get(), port)) {
    return fail(kExitRuntime, "cannot read the listening port: " + error.message());
  }
  if (auto error = kv::set_blocking_mode(listener.get(), kv::BlockingMode::kNonBlocking)) {
    return fail(kExitRuntime, "cannot configure the listener: " + error.message());
  }

  kv::Store store;
  const kv::RequestHandler handler(store);
  const kv::ServerContext context{listener.get(), options, handler, stop};
  std::cout << "listening on " << options.host << ':' << port << std::endl;
  if (auto error = kv::run_server(context)) {
    return fail(kExitRuntime, "server loop failed: " + error.message());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"kvserver: a KV protocol server in one of four I/O models"};
  CommandLine line;
  define_flags(app, line);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    return fail(kExitUsage, error.what());
  }
  return run(line);
}
