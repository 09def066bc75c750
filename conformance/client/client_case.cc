#include "conformance/client/client_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>

#include "codec/message_builders.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace asio = boost::asio;

namespace {

// "13.10" as 13010, so that rules sort in numeric order.
int rule_number(const std::string& rule) {
  const std::size_t dot = rule.find('.');
  if (dot == std::string::npos) return 0;
  return std::atoi(rule.c_str()) * 1000 + std::atoi(rule.c_str() + dot + 1);
}

}  // namespace

ClientCaseContext::ClientCaseContext(const ClientRunOptions& options, const std::string& case_id,
                                     WireLog& log, ScriptedServer& server, AdapterProcess& adapter)
    : options_(options),
      log_(log),
      server_(server),
      adapter_(adapter),
      rng_(options.seed ^ std::hash<std::string>{}(case_id)) {}

boost::asio::awaitable<Check> ClientCaseContext::command(const AdapterCommand& command) {
  last_request_ = last_reply_ = {};  // Only the requests and replies of this command count.
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
  if (event.kind == RequestEvent::Kind::kRequest) last_request_ = std::chrono::steady_clock::now();
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
  Check failed = co_await server_.send(conn, bytes, shape, options_.bulk_timeout());
  last_reply_ = std::chrono::steady_clock::now();
  co_return failed;
}

boost::asio::awaitable<Check> ClientCaseContext::expect_result(const AdapterResult& want,
                                                               std::chrono::milliseconds bound) {
  co_return co_await expect_result(ResultPattern::of(want), bound);
}

boost::asio::awaitable<Check> ClientCaseContext::expect_result(const ResultPattern& want,
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
  if (!result_matches(want, event.result)) {
    const auto ms = [](std::chrono::steady_clock::duration d) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    const auto half = options_.client_timeout / 2;
    const auto since_request = std::chrono::steady_clock::now() - last_request_;
    const auto reply_took = last_reply_ > last_request_ ? last_reply_ - last_request_
                                                        : std::chrono::steady_clock::duration{};
    const bool timeout = event.result.kind == AdapterResult::Kind::kError &&
                         event.result.error_class == "timeout";
    if (timeout && since_request < half) {
      co_return error_verdict(fmt::format(
          "the client reported timeout {} ms after kvconform read its request, less than half "
          "its timeout: kvconform read the request late (a loaded machine), so the case cannot "
          "be judged",
          ms(since_request)));
    }
    if (timeout && reply_took > half) {
      co_return error_verdict(fmt::format(
          "the client reported timeout, and kvconform sent its last reply {} ms after reading "
          "the request, more than half the client's timeout: a loaded machine made the answer "
          "late, so the case cannot be judged",
          ms(reply_took)));
    }
    co_return fail_verdict(expected, "the result " + describe(event.result));
  }
  co_return std::nullopt;
}

boost::asio::awaitable<Check> ClientCaseContext::expect_client_closes(int conn,
                                                                      const std::string& why) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + options_.step_timeout();
  while (!server_.client_closed(conn)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return fail_verdict(
          fmt::format("the client closes connection {} ({})", conn, why),
          fmt::format("connection {} still open {} ms later: the scripted server read no end "
                      "of stream on it",
                      conn, options_.step_timeout().count()));
    }
    tick.expires_after(std::chrono::milliseconds(10));
    co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return std::nullopt;
}

boost::asio::awaitable<void> ClientCaseContext::pause(int conn, std::chrono::milliseconds ms) {
  log_.info(conn, fmt::format("waiting {} ms", ms.count()));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(ms);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

const std::vector<ClientCaseDef>& all_client_cases() {
  static const std::vector<ClientCaseDef> cases = [] {
    std::vector<ClientCaseDef> built;
    add_client_stream_cases(built);
    add_client_data_cases(built);
    add_client_error_cases(built);
    add_client_edge_cases(built);
    add_client_connection_cases(built);
    // In rule order (13.2 before 13.10), then in the order added.
    std::stable_sort(built.begin(), built.end(),
                     [](const ClientCaseDef& a, const ClientCaseDef& b) {
                       return rule_number(a.rule()) < rule_number(b.rule());
                     });
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
