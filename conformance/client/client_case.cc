#include "conformance/client/client_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>

#include "codec/message_builders.h"
#include "conformance/wire/messages.h"

namespace kv {

ClientCaseContext::ClientCaseContext(const ClientRunOptions& options, const std::string& case_id,
                                     WireLog& log, ScriptedServer& server, AdapterProcess& adapter)
    : options_(options),
      log_(log),
      server_(server),
      adapter_(adapter),
      rng_(options.seed ^ std::hash<std::string>{}(case_id)) {}

boost::asio::awaitable<Check> ClientCaseContext::command(const AdapterCommand& command) {
  co_return co_await adapter_.send(command, options_.step_timeout());
}

boost::asio::awaitable<Check> ClientCaseContext::expect_request(const Message& want, int& conn) {
  const std::string expected = "the client sends the request " + describe_message(want);
  // Waits in slices, so that an adapter that exits (a crash, a command
  // that is not found) fails the case at once rather than at the bound.
  const auto deadline = std::chrono::steady_clock::now() + options_.step_timeout();
  RequestEvent event;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    event = co_await server_.next_request(
        std::clamp(left, std::chrono::milliseconds(1), std::chrono::milliseconds(100)));
    if (event.kind != RequestEvent::Kind::kTimeout) break;
    if (const std::optional<std::string> exited = adapter_.exit_description()) {
      co_return fail_verdict(expected, *exited + " before sending it");
    }
    if (left <= std::chrono::milliseconds(100)) {
      event.text = fmt::format("no request within {} ms", options_.step_timeout().count());
      break;
    }
  }
  conn = event.conn;
  switch (event.kind) {
    case RequestEvent::Kind::kTimeout:
      co_return fail_verdict(expected, event.text);
    case RequestEvent::Kind::kBadRequest:
      co_return fail_verdict(expected, fmt::format("on connection {}: {}", event.conn, event.text));
    case RequestEvent::Kind::kRequest:
      break;
  }
  if (!same_message(event.message, want)) {
    co_return fail_verdict(expected, fmt::format("on connection {}: the request {}", event.conn,
                                                 describe_message(event.message)));
  }
  co_return std::nullopt;
}

boost::asio::awaitable<Check> ClientCaseContext::reply(int conn, std::string_view bytes,
                                                       const StreamShape& shape) {
  co_return co_await server_.send(conn, bytes, shape, options_.bulk_timeout());
}

boost::asio::awaitable<Check> ClientCaseContext::expect_result(const AdapterResult& want,
                                                               std::chrono::milliseconds bound) {
  const std::string expected = "the result " + describe(want);
  const AdapterEvent event = co_await adapter_.next_event(bound);
  switch (event.kind) {
    case AdapterEvent::Kind::kTimeout:
      co_return fail_verdict(
          expected, fmt::format("no result within {} ms: the client hangs", bound.count()));
    case AdapterEvent::Kind::kExited:
      co_return fail_verdict(expected, event.text + ", without a result");
    case AdapterEvent::Kind::kGarbage:
      co_return fail_verdict(expected, event.text);
    case AdapterEvent::Kind::kResult:
      break;
  }
  if (!same_result(want, event.result)) {
    co_return fail_verdict(expected, "the result " + describe(event.result));
  }
  co_return std::nullopt;
}

const std::vector<ClientCaseDef>& all_client_cases() {
  static const std::vector<ClientCaseDef> cases = [] {
    std::vector<ClientCaseDef> built;
    add_client_stream_cases(built);
    add_client_error_cases(built);
    std::set<std::string> seen;
    for (const ClientCaseDef& def : built) {
      if (!seen.insert(def.id).second || def.id.find('/') == std::string::npos) {
        std::fprintf(stderr, "kvconform: bad or duplicate client case ID %s\n", def.id.c_str());
        std::abort();
      }
    }
    return built;
  }();
  return cases;
}

const ClientCaseDef* find_client_case(std::string_view id) {
  for (const ClientCaseDef& def : all_client_cases()) {
    if (def.id == id) return &def;
  }
  return nullptr;
}

}  // namespace kv
