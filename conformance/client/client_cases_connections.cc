// Client cases for connections (SPEC 13.6, 13.13): a connection the client
// closes is closed and the next request opens a new one; no byte of an
// abandoned connection (after a framing error, a close, a timeout) is read
// as part of a response on another; after the server ended a connection in
// any way the client connects again.
#include <fmt/format.h>

#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_case_steps.h"

namespace kv {
namespace {

namespace asio = boost::asio;

// Expects the request `want` and checks that it came on another connection
// than `old`: `why` names the rule.
asio::awaitable<Check> expect_request_elsewhere(ClientCaseContext& ctx, const Message& want,
                                                int old, std::string why, int& conn) {
  KV_CHECK(co_await ctx.expect_request(want, conn));
  if (conn == old) {
    co_return fail_verdict(fmt::format("the request on a new connection ({})", why),
                           fmt::format("it came on connection {}, the old one", conn));
  }
  co_return std::nullopt;
}

asio::awaitable<Verdict> close_then_new_connection(ClientCaseContext& ctx) {
  int first = 0;
  KV_CHECK(co_await exchange(ctx, put_command("k", "v"), make_put("k", "v"),
                             answer_with(frame_of(make_put_ack())), stored_result(),
                             ctx.options().step_timeout(), first));
  KV_CHECK(co_await ctx.command(close_command()));
  KV_CHECK(co_await ctx.expect_result(closed_result(), ctx.options().step_timeout()));
  KV_CHECK(co_await ctx.expect_client_closes(first, "the command close closes the connection"));
  KV_CHECK(co_await ctx.command(get_command("k")));
  int conn = 0;
  KV_CHECK(co_await expect_request_elsewhere(ctx, make_get("k"), first, "the connection was closed",
                                             conn));
  KV_CHECK(co_await ctx.reply(conn, hit_frame("k", "v")));
  KV_CHECK(co_await ctx.expect_result(found_result("v"), ctx.options().step_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> close_discards_unread_bytes(ClientCaseContext& ctx) {
  // The answer to GET a is followed by a frame nobody asked for: a hit for
  // the key of the next GET, with the value "stale". After the close it
  // must be gone with its connection.
  int first = 0;
  KV_CHECK(co_await exchange(ctx, get_command("a"), make_get("a"),
                             answer_with(hit_frame("a", "1") + hit_frame("b", "stale")),
                             found_result("1"), ctx.options().step_timeout(), first));
  KV_CHECK(co_await ctx.command(close_command()));
  KV_CHECK(co_await ctx.expect_result(closed_result(), ctx.options().step_timeout()));
  KV_CHECK(co_await ctx.command(get_command("b")));
  int conn = 0;
  KV_CHECK(co_await expect_request_elsewhere(ctx, make_get("b"), first, "the connection was closed",
                                             conn));
  KV_CHECK(co_await ctx.reply(conn, hit_frame("b", "fresh")));
  KV_CHECK(co_await ctx.expect_result(found_result("fresh"), ctx.options().step_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> leftover_after_framing_error(ClientCaseContext& ctx) {
  // The bad frame is followed, in the same write, by a well-formed hit for
  // the key of the next GET: a client that reads on after the framing
  // error, or keeps its buffer for the next connection, reports "stale".
  std::string bad = hit_frame("a", "1");
  bad.back() = '#';
  int first = 0;
  KV_CHECK(co_await exchange(ctx, get_command("a"), make_get("a"),
                             answer_with(bad + hit_frame("b", "stale")), error_result("bad-footer"),
                             ctx.options().silence_bound(), first));
  KV_CHECK(co_await ctx.command(get_command("b")));
  int conn = 0;
  KV_CHECK(co_await expect_request_elsewhere(ctx, make_get("b"), first,
                                             "13.6: the old stream broke", conn));
  KV_CHECK(co_await ctx.reply(conn, hit_frame("b", "fresh")));
  KV_CHECK(co_await ctx.expect_result(found_result("fresh"), ctx.options().step_timeout()));
  KV_CHECK(co_await ctx.expect_client_closes(first, "13.6: the client closes it"));
  co_return passed();
}

asio::awaitable<Verdict> late_response_after_timeout(ClientCaseContext& ctx) {
  // GET a times out; then its answer arrives on that connection after all.
  // The answer to GET b, wherever b is sent, must be b's own.
  int first = 0;
  KV_CHECK(co_await exchange(ctx, get_command("a"), make_get("a"), answer_with(""),
                             error_result("timeout"), ctx.options().silence_bound(), first));
  if (!ctx.server().client_closed(first)) {
    ctx.log().info(first, "the late answer to GET a, after the client's timeout");
    KV_CHECK(co_await ctx.reply(first, hit_frame("a", "late")));
  }
  int conn = 0;
  KV_CHECK(co_await ctx.command(get_command("b")));
  KV_CHECK(co_await ctx.expect_request(make_get("b"), conn));
  KV_CHECK(co_await ctx.reply(conn, hit_frame("b", "fresh")));
  KV_CHECK(co_await ctx.expect_result(found_result("fresh"), ctx.options().step_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> reconnect_after_every_end(ClientCaseContext& ctx) {
  // The server ends three connections in the three ways of 13.9; after
  // each the next request must reach it on a new connection and succeed.
  struct End {
    const char* key;
    AnswerEnd end;
    bool partial;
    const char* error;
  };
  static constexpr End kEnds[] = {{"a", AnswerEnd::kClose, false, "closed"},
                                  {"b", AnswerEnd::kReset, false, "reset"},
                                  {"c", AnswerEnd::kClose, true, "truncated"}};
  for (const End& e : kEnds) {
    int ended = 0;
    const std::string partial = e.partial ? hit_frame(e.key, "v").substr(0, 7) : std::string();
    KV_CHECK(co_await exchange(ctx, get_command(e.key), make_get(e.key),
                               answer_with(partial, StreamShape::whole(), e.end),
                               error_result(e.error), ctx.options().silence_bound(), ended));
    const std::string next = std::string(e.key) + "2";
    KV_CHECK(co_await ctx.command(get_command(next)));
    int conn = 0;
    KV_CHECK(co_await expect_request_elsewhere(
        ctx, make_get(next), ended, fmt::format("the server ended connection {}", ended), conn));
    KV_CHECK(co_await ctx.reply(conn, hit_frame(next, "v2")));
    KV_CHECK(co_await ctx.expect_result(found_result("v2"), ctx.options().step_timeout()));
  }
  co_return passed();
}

}  // namespace

void add_client_connection_cases(std::vector<ClientCaseDef>& cases) {
  cases.push_back({
      .id = "13.6/leftover-bytes-after-framing-error",
      .quote = "after a framing error the client reads nothing more from that connection and "
               "closes it; later requests go on a new one",
      .server_does = "answers GET a with a hit whose footer ends in '#', followed in the same "
                     "write by the well-formed hit b = \"stale\"; then expects GET b on another "
                     "connection and answers it b = \"fresh\"",
      .expects = "the error bad-footer; GET b on a new connection and found \"fresh\"; the "
                 "first connection closed by the client",
      .run = leftover_after_framing_error,
  });
  cases.push_back({
      .id = "13.13/close-then-new-connection",
      .quote = "a connection the client closes is closed, and its next request opens a new one",
      .server_does = "reads PUT k = v and acknowledges it; after the command close, watches that "
                     "connection; then expects GET k on another connection and answers it",
      .expects = "stored, closed, the server reads the end of the first connection, GET k on a "
                 "new connection, found \"v\"",
      .run = close_then_new_connection,
  });
  cases.push_back({
      .id = "13.13/close-discards-unread-bytes",
      .quote = "no byte a closed connection delivered is read as part of a response on another",
      .server_does = "answers GET a with the hit a = \"1\" followed in the same write by the "
                     "unrequested hit b = \"stale\"; after the command close, expects GET b on a "
                     "new connection and answers b = \"fresh\"",
      .expects = "found \"1\", closed, GET b on a new connection, found \"fresh\"",
      .run = close_discards_unread_bytes,
  });
  cases.push_back({
      .id = "13.13/late-response-after-timeout",
      .quote = "a response that arrives after the client timed out on it is never paired with a "
               "later request (13.3)",
      .server_does = "reads GET a and stays silent until the client reports timeout; then sends "
                     "the hit a = \"late\" on that connection (if the client left it open); "
                     "answers the next GET b, on whichever connection, with b = \"fresh\"",
      .expects = "the error timeout, then found \"fresh\"",
      .run = late_response_after_timeout,
  });
  cases.push_back({
      .id = "13.13/reconnect-after-every-end",
      .quote = "after the server ended a connection the client's next request opens a new one",
      .server_does = "ends a connection three ways in turn: FIN before the response, RST before "
                     "it, FIN after 7 bytes of it; after each, expects the next GET on a new "
                     "connection and answers it",
      .expects = "closed, found \"v2\"; reset, found \"v2\"; truncated, found \"v2\"",
      .run = reconnect_after_every_end,
  });
}

}  // namespace kv
