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
#include "conformance/client/adapter_process.h"
#include "conformance/client/client_run_options.h"
#include "conformance/client/result_pattern.h"
#include "conformance/client/scripted_server.h"
#include "conformance/engine/case_result.h"
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
  AdapterProcess& adapter() { return adapter_; }
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
  // The same for a result that may take more than one form. A `timeout`
  // where the pattern expects none is a FAIL only if kvconform kept time:
  // it came at least half the client's timeout after kvconform read the
  // last request (else the client sent it long before kvconform read it),
  // and kvconform's last reply was sent within half the client's timeout
  // of reading it (else a loaded machine, not the client, made the answer
  // late). Otherwise it is an ERROR: the case cannot be judged.
  boost::asio::awaitable<Check> expect_result(const ResultPattern& want,
                                              std::chrono::milliseconds bound);
  // Waits up to step_timeout() for the client to close connection `conn`
  // (the scripted server reads its end of stream or a reset); `why` says
  // which rule asks for it.
  boost::asio::awaitable<Check> expect_client_closes(int conn, const std::string& why);
  // Does nothing for `ms`, logging it.
  boost::asio::awaitable<void> pause(int conn, std::chrono::milliseconds ms);

 private:
  const ClientRunOptions& options_;
  WireLog& log_;
  ScriptedServer& server_;
  AdapterProcess& adapter_;
  std::mt19937_64 rng_;
  // When the scripted server last read a request of the current command
  // (expect_request()); the epoch before the first.
  std::chrono::steady_clock::time_point last_request_{};
  // When the last reply() of the current command was sent; the epoch
  // before the first.
  std::chrono::steady_clock::time_point last_reply_{};
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
void add_client_edge_cases(std::vector<ClientCaseDef>& cases);    // SPEC 13.5-13.10 at their bounds
void add_client_data_cases(std::vector<ClientCaseDef>& cases);    // Data of every kind (13.1, 13.8)
void add_client_connection_cases(std::vector<ClientCaseDef>& cases);  // SPEC 13.6, 13.13

}  // namespace kv
