// broken_client_adapter: the adapter contract of spec/client-adapter.md
// around FlawedClient, a client with one deliberate flaw chosen with
// --flaw. It exists to prove that every client case of kvconform can fail:
// `--flaw none` passes the client suite, every other flaw fails the cases
// listed for it in expected_failures.txt.
//
//   broken_client_adapter --flaw NAME --host HOST --port PORT
//                         [--timeout-ms N] [--max-frame-bytes N]
//   broken_client_adapter --list-flaws
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "client/adapter/adapter_protocol.h"
#include "codec/frame_format.h"
#include "tests/client/client_flaw.h"
#include "tests/client/flawed_client.h"

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"A KV client adapter with one deliberate flaw (tests/client/)."};
  std::string flaw_name = "none";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int timeout_ms = 2000;
  std::uint32_t max_frame_bytes = kv::kDefaultMaxFrameLen;
  bool list_flaws = false;
  app.add_option("--flaw", flaw_name, "The flaw (see --list-flaws)")->capture_default_str();
  app.add_option("--host", host, "The server's address")->capture_default_str();
  app.add_option("--port", port, "The server's port");
  app.add_option("--timeout-ms", timeout_ms, "Bound on each response, in ms")
      ->check(CLI::Range(1, 3600 * 1000));
  app.add_option("--max-frame-bytes", max_frame_bytes, "The largest response LEN accepted")
      ->check(CLI::Range(kv::kMinFrameLen, kv::kMaxConfigurableFrameLen));
  app.add_flag("--list-flaws", list_flaws, "Print every flaw's name and exit");
  CLI11_PARSE(app, argc, argv);
  if (list_flaws) {
    for (const kv::ClientFlaw flaw : kv::all_client_flaws()) {
      std::cout << kv::client_flaw_name(flaw) << '\n';
    }
    return 0;
  }
  const auto flaw = kv::client_flaw_from_name(flaw_name);
  if (!flaw || port == 0) {
    std::cerr << "broken_client_adapter: need --port and a --flaw of --list-flaws\n";
    return 2;
  }
  kv::FlawedClient client(*flaw, kv::Endpoint{host, port}, std::chrono::milliseconds(timeout_ms),
                          max_frame_bytes);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string error;
    const auto command = kv::parse_command(line, error);
    const kv::AdapterResult result =
        command ? client.run(*command) : kv::error_result("bad-command", error);
    std::cout << kv::to_json_line(result) << '\n' << std::flush;
  }
  return 0;
}
