// kvcli: store and fetch one key on a KV server from the command line.
//
//   kvcli [--target HOST:PORT] [--timeout-ms N] put KEY VALUE
//   kvcli [--target HOST:PORT] [--timeout-ms N] get KEY
//
// HOST is a name, an IPv4 address or a bracketed IPv6 address
// ("[::1]:7070"). Exit status: 0 on success (put acknowledged, or get hit:
// the value is printed raw followed by a newline); 1 when get finds no
// value ("not found" on stderr); 2 on a usage, lookup, connection, timeout
// or protocol error, with a one-line message on stderr.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "client/kv_client.h"
#include "codec/message.h"
#include "common/version.h"
#include "net/endpoint.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNotFound = 1;
constexpr int kExitFailure = 2;

void report(const std::string& what) {
  std::cerr << "kvcli: " << what << '\n';
}

// Reports a failed request on stderr, in words that say whose fault it is.
void report_failure(const kv::Endpoint& target, const kv::Reply& reply) {
  const auto error = static_cast<kv::ClientError>(reply.error.value());
  const std::string from = " from " + kv::to_string(target) + ": ";
  switch (error) {
    case kv::ClientError::kConnectFailed:
      report(reply.detail);
      return;
    case kv::ClientError::kErrorResponse:
    case kv::ClientError::kUnexpectedResponse:
      report("unexpected response" + from + reply.detail);
      return;
    default:
      report("no valid response" + from + reply.detail);
  }
}

int finish(const kv::Endpoint& target, const kv::Reply& reply) {
  switch (reply.outcome) {
    case kv::Outcome::kStored:
      return kExitOk;
    case kv::Outcome::kNotFound:
      std::cerr << "not found\n";
      return kExitNotFound;
    case kv::Outcome::kFound:
      std::cout.write(reply.value.data(), static_cast<std::streamsize>(reply.value.size()));
      std::cout << '\n' << std::flush;
      if (!std::cout) {
        report("cannot write the value to stdout");
        return kExitFailure;
      }
      return kExitOk;
    case kv::Outcome::kError:
      break;
  }
  report_failure(target, reply);
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"Store and fetch keys on a KV protocol server."};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", kv::version_line("kvcli"));

  std::string target_text = "127.0.0.1:7070";
  int timeout_ms = 5000;
  app.add_option("--target", target_text, "The server, as HOST:PORT or [IPV6]:PORT")
      ->capture_default_str();
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
    report("--target must be HOST:PORT or [IPV6]:PORT, got '" + target_text + "'");
    return kExitFailure;
  }
  kv::KvClient client(*target, {std::chrono::milliseconds(timeout_ms), kv::kDefaultMaxFrameLen});
  return finish(*target, put->parsed() ? client.put(key, value) : client.get(key));
}
