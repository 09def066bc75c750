// The cases of the client suite (SPEC 13) and what a running case can
// use: the scripted server the client connects to, the adapter process
// that drives the client, the run's options and the case's wire log.
//
// A case is a coroutine that plays both sides in turn: it sends the adapter
// a command, takes the request the client sends, answers it as scripted,
// and checks the result the adapter reports.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "client/adapter/adapter_protocol.h"
#include "codec/message.h"
#include "conformance/engine/case_result.h"
#include "conformance/client/adapter_process.h"
#include "conformance/client/client_run_options.h"
#include "conformance/client/scripted_server.h"
#include "conformance/wire/stream_shapes.h"
#include "conformance/wire/wire_log.h"

namespace kv {

class ClientCaseContext {
 public:
  ClientCaseContext(const ClientRunOptions& options, const std::string& case_id, WireLog& log,
                    ScriptedServer& server, AdapterProcess& adapter);

  const ClientRunOptions& options() const { return options_; }
  WireLog& log() { return log_; }
  ScriptedServer& server() { return server_; }
  // Random numbers derived from the run's seed and the case ID.
  std::mt19937_64& rng() { return rng_; }

  // Writes `command` to the adapter.
  boost::asio::awaitable<Check> command(const AdapterCommand& command);
  // Takes the client's next request, within step_timeout(), and checks
  // that it is `want` (compared as messages: SPEC 13.1). `conn` receives
  // the connection it came on.
  boost::asio::awaitable<Check> expect_request(const Message& want, int& conn);
  // Sends `bytes` on `conn` as `shape` plans.
  boost::asio::awaitable<Check> reply(int conn, std::string_view bytes,
                                      const StreamShape& shape = StreamShape::whole());
  // Takes the adapter's next result within `bound` and checks that it is
  // `want` (same_result: error messages are not compared).
  boost::asio::awaitable<Check> expect_result(const AdapterResult& want,
                                              std::chrono::milliseconds bound);

 private:
  const ClientRunOptions& options_;
  WireLog& log_;
  ScriptedServer& server_;
  AdapterProcess& adapter_;
  std::mt19937_64 rng_;
};

using ClientCaseFn = std::function<boost::asio::awaitable<Verdict>(ClientCaseContext&)>;

// One case, written with designated initializers.
struct ClientCaseDef {
  // "13.<n>/<slug>", stable; the rule is the part before the '/'.
  std::string id;
  Level level = Level::kMust;
  std::string quote;        // The requirement, in one line.
  std::string server_does;  // What the scripted server sends, and how.
  std::string expects;      // What a conforming client reports.
  // True when the adapter is pointed at a port nothing listens on.
  bool unreachable_server = false;
  ClientCaseFn run;

  std::string rule() const { return id.substr(0, id.find('/')); }
};

// Every client case, in rule order, built once. Aborts on a duplicate ID.
const std::vector<ClientCaseDef>& all_client_cases();
const ClientCaseDef* find_client_case(std::string_view id);

// One function per file of client cases.
void add_client_stream_cases(std::vector<ClientCaseDef>& cases);  // SPEC 13.1-13.4
void add_client_error_cases(std::vector<ClientCaseDef>& cases);   // SPEC 13.5-13.11

}  // namespace kv
