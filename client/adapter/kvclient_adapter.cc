// kvclient_adapter: the reference client library (client/kv_client.h)
// behind the client adapter contract of spec/client-adapter.md, so that
// `kvconform client` can check it:
//
//   kvclient_adapter --host HOST --port PORT [--timeout-ms N] [--max-frame-bytes N]
//
// It reads one JSON command per line on stdin, runs it with one KvClient,
// and writes one JSON result per line on stdout, flushed at once. It exits
// 0 at the end of stdin, 2 on a usage error.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "client/adapter/adapter_protocol.h"
#include "client/kv_client.h"
#include "common/version.h"

namespace {

kv::AdapterResult result_of(const kv::Reply& reply) {
  switch (reply.outcome) {
    case kv::Outcome::kStored:
      return kv::stored_result();
    case kv::Outcome::kFound:
      return kv::found_result(reply.value);
    case kv::Outcome::kNotFound:
      return kv::not_found_result();
    case kv::Outcome::kError:
      break;
  }
  return kv::error_result(reply.error.message(), reply.detail);
}

kv::Request request_of(const kv::AdapterRequest& request) {
  const auto op =
      request.op == kv::AdapterRequest::Op::kPut ? kv::Request::Op::kPut : kv::Request::Op::kGet;
  return {op, request.key, request.value};
}

kv::AdapterResult run(kv::KvClient& client, const kv::AdapterCommand& command) {
  if (command.op == kv::AdapterCommand::Op::kClose) {
    client.close();
    return kv::closed_result();
  }
  std::vector<kv::Request> requests;
  for (const kv::AdapterRequest& request : command.requests)
    requests.push_back(request_of(request));
  const std::vector<kv::Reply> replies = client.pipeline(requests);
  if (command.op != kv::AdapterCommand::Op::kBatch) return result_of(replies.at(0));
  std::vector<kv::AdapterResult> results;
  for (const kv::Reply& reply : replies) results.push_back(result_of(reply));
  return kv::batch_result(std::move(results));
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"The reference KV client behind the adapter contract of spec/client-adapter.md."};
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int timeout_ms = 5000;
  std::uint32_t max_frame_bytes = kv::kDefaultMaxFrameLen;
  app.add_option("--host", host, "The server's host name or address")->capture_default_str();
  app.add_option("--port", port, "The server's port")->required();
  app.add_option("--timeout-ms", timeout_ms, "Bound on connecting and on each response, in ms")
      ->check(CLI::Range(1, 3600 * 1000))
      ->capture_default_str();
  app.add_option("--max-frame-bytes", max_frame_bytes, "The largest response LEN accepted")
      ->check(CLI::Range(kv::kMinFrameLen, kv::kMaxConfigurableFrameLen))
      ->capture_default_str();
  app.set_version_flag("--version", kv::version_line("kvclient_adapter"));
  CLI11_PARSE(app, argc, argv);

  kv::KvClient client(kv::Endpoint{host, port},
                      {std::chrono::milliseconds(timeout_ms), max_frame_bytes});
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string error;
    const auto command = kv::parse_command(line, error);
    const kv::AdapterResult result =
        command ? run(client, *command) : kv::error_result("bad-command", error);
    std::cout << kv::to_json_line(result) << '\n' << std::flush;
  }
  return 0;
}
