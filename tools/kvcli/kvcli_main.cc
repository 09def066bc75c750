// kvcli: store and fetch one key on a KV server from the command line.
//
//   kvcli [--target HOST:PORT] [--timeout-ms N] put KEY VALUE
//   kvcli [--target HOST:PORT] [--timeout-ms N] get KEY
//
// Exit status: 0 on success (put acknowledged, or get hit: the value is
// printed raw followed by a newline); 1 when get finds no value ("not
// found" on stderr); 2 on a usage, connection, timeout or protocol error,
// with a one-line message on stderr.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "codec/frame_format.h"
#include "codec/message.h"
#include "codec/message_builders.h"
#include "common/endpoint.h"
#include "tools/kvcli/blocking_client.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNotFound = 1;
constexpr int kExitFailure = 2;

struct CallOptions {
  kv::Endpoint target;
  std::chrono::milliseconds timeout{5000};
};

void report(const std::string& what) {
  std::cerr << "kvcli: " << what << '\n';
}

std::string describe(const kv::Message& message) {
  return "{" + message.ShortDebugString() + "}";
}

// Sends `request` to the target and receives one response into `response`.
// Reports any failure on stderr and returns false.
bool call(const CallOptions& options, const kv::Message& request, kv::Message& response) {
  const std::string target = kv::to_string(options.target);
  std::error_code error;
  kv::BlockingClient client =
      kv::BlockingClient::connect(options.target, kv::ConnectOptions{options.timeout}, error);
  if (error) {
    report("cannot connect to " + target + ": " + error.message());
    return false;
  }
  if (const std::error_code sent = client.send_message(request, options.timeout)) {
    report("cannot send the request to " + target + ": " + sent.message());
    return false;
  }
  const kv::ReceiveResult received = client.receive(response, options.timeout);
  if (received.status != kv::ReceiveStatus::kMessage) {
    report("no valid response from " + target + ": " + kv::describe(received));
    return false;
  }
  return true;
}

void report_unexpected(const CallOptions& options, const kv::Message& response) {
  report("unexpected response from " + kv::to_string(options.target) + ": " + describe(response));
}

int run_put(const CallOptions& options, const std::string& key, const std::string& value) {
  kv::Message response;
  if (!call(options, kv::make_put(key, value), response)) return kExitFailure;
  if (response.kind() != kv::kKindPutOrUpdate || response.status() != kv::Ok) {
    report_unexpected(options, response);
    return kExitFailure;
  }
  return kExitOk;
}

int run_get(const CallOptions& options, const std::string& key) {
  kv::Message response;
  if (!call(options, kv::make_get(key), response)) return kExitFailure;
  if (response.kind() != kv::kKindGetResponse || response.key() != key) {
    report_unexpected(options, response);
    return kExitFailure;
  }
  if (response.status() == kv::NotOk) {
    std::cerr << "not found\n";
    return kExitNotFound;
  }
  if (response.status() != kv::Ok) {
    report_unexpected(options, response);
    return kExitFailure;
  }
  std::cout.write(response.value().data(), static_cast<std::streamsize>(response.value().size()));
  std::cout << '\n' << std::flush;
  if (!std::cout) {
    report("cannot write the value to stdout");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"Store and fetch keys on a KV protocol server."};
  app.require_subcommand(1);
  app.fallthrough();

  std::string target_text = "127.0.0.1:7070";
  int timeout_ms = 5000;
  app.add_option("--target", target_text, "The server, as HOST:PORT")->capture_default_str();
  app.add_option("--timeout-ms", timeout_ms, "Timeout of each network step, in ms")
      ->check(CLI::Range(1, 3600 * 1000))
      ->capture_default_str();

  std::string key;
  std::string value;
  CLI::App* put = app.add_subcommand("put", "Store VALUE under KEY");
  put->add_option("key", key, "The key")->required();
  put->add_option("value", value, "The value")->required();
  CLI::App* get = app.add_subcommand("get", "Print the value stored under KEY");
  get->add_option("key", key, "The key")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& parse_error) {
    return app.exit(parse_error) == 0 ? kExitOk : kExitFailure;
  }

  const std::optional<kv::Endpoint> target = kv::parse_endpoint(target_text);
  if (!target) {
    report("--target must be HOST:PORT, got '" + target_text + "'");
    return kExitFailure;
  }
  const CallOptions options{*target, std::chrono::milliseconds(timeout_ms)};
  if (put->parsed()) return run_put(options, key, value);
  return run_get(options, key);
}
