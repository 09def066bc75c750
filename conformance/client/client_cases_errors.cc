// Client cases for what a client must reject or survive (SPEC 13.5-13.11):
// LEN above its maximum, framing errors, bad bodies, error and unexpected
// responses, the end of the stream, silence, and a server that is not
// there; plus the largest legal values.
#include <fmt/format.h>

#include <algorithm>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_case_steps.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr std::size_t kLargeValueBytes = 3U * 1024U * 1024U;

// ---- The answers --------------------------------------------------------

std::string len_ffffffff(const ClientRunOptions&) {
  return encode_header_to_string(0xFFFFFFFFU) + std::string("\x0a\x01", 2);
}
std::string len_max_plus_one(const ClientRunOptions& options) {
  return encode_header_to_string(options.client_max_frame_bytes + 1);
}
std::string len_4(const ClientRunOptions&) {
  return encode_header_to_string(4) + "@EOF@";
}
std::string len_0(const ClientRunOptions&) {
  return std::string(8, '\0');
}
std::string bad_footer(const ClientRunOptions&) {
  std::string frame = hit_frame("k", "v");
  frame.back() = '#';
  return frame;
}
std::string garbage_body(const ClientRunOptions&) {
  return encode_raw_frame_to_string(std::string("\xff\xff", 2));
}
std::string invalid_utf8_value(const ClientRunOptions&) {
  return encode_raw_frame_to_string(pb_bytes_field(1, "k") + pb_bytes_field(2, "\xff") +
                                    pb_varint_field(3, kKindGetResponse));
}
std::string error_response(const ClientRunOptions&) {
  return frame_of(make_error_response());
}
std::string kind_3_for_the_key(const ClientRunOptions&) {
  Message wrong = make_get_hit("k", "v");
  wrong.set_kind(kKindPutOrUpdate);
  return frame_of(wrong);
}
std::string get_hit(const ClientRunOptions&) {
  return hit_frame("k", "v");
}
std::string hit_for_other_key(const ClientRunOptions&) {
  return hit_frame("other", "v");
}
std::string unknown_status(const ClientRunOptions&) {
  return encode_raw_frame_to_string(pb_bytes_field(1, "k") + pb_bytes_field(2, "v") +
                                    pb_varint_field(3, kKindGetResponse) + pb_varint_field(4, 7));
}
std::string nothing(const ClientRunOptions&) {
  return {};
}
std::string header_half(const ClientRunOptions&) {
  return hit_frame("k", "v").substr(0, 2);
}
std::string frame_half(const ClientRunOptions&) {
  const std::string frame = hit_frame("k", "v");
  return frame.substr(0, frame.size() / 2);
}

// ---- Cases with several steps -----------------------------------------------

asio::awaitable<Verdict> new_connection_after_framing_error(ClientCaseContext& ctx) {
  int broken = 0;
  KV_CHECK(co_await exchange(ctx, get_command("k"), make_get("k"),
                             answer_with(bad_footer(ctx.options())), error_result("bad-footer"),
                             ctx.options().silence_bound(), broken));
  int conn = 0;
  KV_CHECK(co_await ctx.command(get_command("k2")));
  KV_CHECK(co_await ctx.expect_request(make_get("k2"), conn));
  if (conn == broken) {
    co_return fail_verdict(
        "the next request on a new connection (13.6)",
        fmt::format("the client sent it on connection {}, whose response stream broke", conn));
  }
  KV_CHECK(co_await ctx.reply(conn, hit_frame("k2", "v2")));
  KV_CHECK(co_await ctx.expect_result(found_result("v2"), ctx.options().step_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> connect_refused(ClientCaseContext& ctx) {
  KV_CHECK(co_await ctx.command(get_command("k")));
  KV_CHECK(
      co_await ctx.expect_result(error_result("connect-failed"), ctx.options().silence_bound()));
  co_return passed();
}

std::string large_value(const ClientRunOptions& options) {
  // 3 MiB, or less when the client's maximum is smaller, in printable
  // ASCII (a proto3 string).
  const std::size_t fits =
      options.client_max_frame_bytes > 64 ? options.client_max_frame_bytes - 64 : 0;
  std::string value(std::min(kLargeValueBytes, fits), 'x');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  return value;
}

asio::awaitable<Verdict> large_value_round_trip(ClientCaseContext& ctx) {
  const std::string value = large_value(ctx.options());
  int conn = 0;
  KV_CHECK(co_await exchange(ctx, put_command("big", value), make_put("big", value),
                             answer_with(frame_of(make_put_ack())), stored_result(),
                             ctx.options().bulk_timeout(), conn));
  StreamShape shape = StreamShape::random_chunks(ctx.rng()(), 64 * 1024);
  KV_CHECK(co_await exchange(ctx, get_command("big"), make_get("big"),
                             answer_with(hit_frame("big", value), shape), found_result(value),
                             ctx.options().bulk_timeout(), conn));
  co_return passed();
}

}  // namespace

void add_client_error_cases(std::vector<ClientCaseDef>& cases) {
  cases.push_back({
      .id = "13.5/len-ffffffff",
      .quote = "a LEN above the client's maximum is length-too-large from the header alone, "
               "without waiting for or allocating the body (3.2, 3.3)",
      .server_does = "answers a GET with ff ff ff ff 0a 01 and keeps the connection open",
      .expects = "the error length-too-large (a client that waits for 4 GiB reports timeout, "
                 "or hangs)",
      .run = get_answered(len_ffffffff, AnswerEnd::kKeepOpen, "length-too-large"),
  });
  cases.push_back({
      .id = "13.5/len-max-plus-one",
      .quote = "a LEN above the client's maximum is length-too-large from the header alone (3.2)",
      .server_does = "answers a GET with only the header LEN = maximum + 1 (--max-frame-bytes) "
                     "and keeps the connection open",
      .expects = "the error length-too-large",
      .run = get_answered(len_max_plus_one, AnswerEnd::kKeepOpen, "length-too-large"),
  });
  cases.push_back({
      .id = "13.5/value-3mib",
      .quote = "a response whose LEN does not exceed the maximum is accepted: a 3 MiB value "
               "round-trips (3.1)",
      .server_does = "reads a PUT of a 3 MiB value (less if --max-frame-bytes is smaller) and "
                     "acknowledges it, then answers the GET with that value in seeded random "
                     "writes of up to 64 KiB",
      .expects = "the PUT request carries the value; the results stored, then found with the "
                 "same 3 MiB",
      .run = large_value_round_trip,
  });
  cases.push_back({
      .id = "13.6/len-4",
      .quote = "a response LEN below 5 is length-too-small (2.3)",
      .server_does = "answers a GET with 04 00 00 00 \"@EOF@\" and keeps the connection open",
      .expects = "the error length-too-small",
      .run = get_answered(len_4, AnswerEnd::kKeepOpen, "length-too-small"),
  });
  cases.push_back({
      .id = "13.6/len-0",
      .quote = "a response LEN below 5 is length-too-small (2.3)",
      .server_does = "answers a GET with eight zero bytes and keeps the connection open",
      .expects = "the error length-too-small",
      .run = get_answered(len_0, AnswerEnd::kKeepOpen, "length-too-small"),
  });
  cases.push_back({
      .id = "13.6/bad-footer",
      .quote = "a response whose footer is not @EOF@ is bad-footer (2.2)",
      .server_does = "answers a GET with the hit frame whose last footer byte is '#', and keeps "
                     "the connection open",
      .expects = "the error bad-footer",
      .run = get_answered(bad_footer, AnswerEnd::kKeepOpen, "bad-footer"),
  });
  cases.push_back({
      .id = "13.6/new-connection-after-framing-error",
      .quote = "after a framing error the client stops using the connection; later requests go "
               "on a new one",
      .server_does = "answers GET k with a bad footer and keeps that connection open; then "
                     "expects GET k2 on another connection and answers it",
      .expects = "the error bad-footer, then GET k2 on a new connection and found \"v2\"",
      .run = new_connection_after_framing_error,
  });
  cases.push_back({
      .id = "13.7/bad-body",
      .quote = "a well-framed response whose body does not parse is bad-body (4.4)",
      .server_does = "answers a GET with a frame whose body is ff ff",
      .expects = "the error bad-body",
      .run = get_answered(garbage_body, AnswerEnd::kKeepOpen, "bad-body"),
  });
  cases.push_back({
      .id = "13.7/invalid-utf8-value",
      .quote = "a response with invalid UTF-8 in key or value is bad-body (4.3)",
      .server_does = "answers GET k with a hit whose value is the single byte ff",
      .expects = "the error bad-body",
      .run = get_answered(invalid_utf8_value, AnswerEnd::kKeepOpen, "bad-body"),
  });
  cases.push_back({
      .id = "13.8/error-response-to-get",
      .quote = "the error response {kind 0} is error-response",
      .server_does = "answers a GET with {kind: 0, status: NotOk}",
      .expects = "the error error-response",
      .run = get_answered(error_response, AnswerEnd::kKeepOpen, "error-response"),
  });
  cases.push_back({
      .id = "13.8/error-response-to-put",
      .quote = "the error response {kind 0} is error-response",
      .server_does = "answers a PUT with {kind: 0, status: NotOk}",
      .expects = "the error error-response",
      .run = put_answered(error_response, "error-response"),
  });
  cases.push_back({
      .id = "13.8/wrong-kind-to-get",
      .quote = "a response of another kind than the request's is unexpected-response",
      .server_does = "answers GET k with {key: k, value: v, kind: 3, status: Ok}: the hit's "
                     "fields, but the kind of a PUT acknowledgement",
      .expects = "the error unexpected-response",
      .run = get_answered(kind_3_for_the_key, AnswerEnd::kKeepOpen, "unexpected-response"),
  });
  cases.push_back({
      .id = "13.8/wrong-kind-to-put",
      .quote = "a response of another kind than the request's is unexpected-response",
      .server_does = "answers PUT k=v with the GET hit {key: k, value: v, kind: 2, status: Ok}",
      .expects = "the error unexpected-response",
      .run = put_answered(get_hit, "unexpected-response"),
  });
  cases.push_back({
      .id = "13.8/get-response-for-another-key",
      .quote = "a GET response for another key is unexpected-response",
      .server_does = "answers GET k with the hit {key: \"other\", value: v, kind: 2, status: Ok}",
      .expects = "the error unexpected-response",
      .run = get_answered(hit_for_other_key, AnswerEnd::kKeepOpen, "unexpected-response"),
  });
  cases.push_back({
      .id = "13.8/unknown-status",
      .quote = "a status other than Ok and NotOk is unexpected-response (it parses: 4.2)",
      .server_does = "answers GET k with {key: k, value: v, kind: 2, status: 7}",
      .expects = "the error unexpected-response (not bad-body, not found, not not-found)",
      .run = get_answered(unknown_status, AnswerEnd::kKeepOpen, "unexpected-response"),
  });
  cases.push_back({
      .id = "13.9/close-before-response",
      .quote = "a connection closed before the response began is reported closed, at once",
      .server_does = "reads a GET and closes the connection (FIN) without answering",
      .expects = "the error closed",
      .run = get_answered(nothing, AnswerEnd::kClose, "closed"),
  });
  cases.push_back({
      .id = "13.9/truncated-header",
      .quote = "a connection closed inside a response frame is reported truncated, at once (6.5)",
      .server_does = "answers a GET with the first 2 bytes of the hit frame, then closes (FIN)",
      .expects = "the error truncated",
      .run = get_answered(header_half, AnswerEnd::kClose, "truncated"),
  });
  cases.push_back({
      .id = "13.9/truncated-body",
      .quote = "a connection closed inside a response frame is reported truncated, at once (6.5)",
      .server_does = "answers a GET with the first half of the hit frame, then closes (FIN)",
      .expects = "the error truncated",
      .run = get_answered(frame_half, AnswerEnd::kClose, "truncated"),
  });
  cases.push_back({
      .id = "13.9/reset-before-response",
      .quote = "a connection reset before the response is complete is reported reset, at once",
      .server_does = "reads a GET and resets the connection (RST) without answering",
      .expects = "the error reset",
      .run = get_answered(nothing, AnswerEnd::kReset, "reset"),
  });
  cases.push_back({
      .id = "13.10/silent-server",
      .quote = "a client bounds every wait by its own timeout and reports timeout",
      .server_does = "reads a GET and never answers; the connection stays open",
      .expects = "the error timeout within the client timeout (--client-timeout-ms) + 2 s",
      .run = get_answered(nothing, AnswerEnd::kKeepOpen, "timeout"),
  });
  cases.push_back({
      .id = "13.10/stall-mid-frame",
      .quote = "a client bounds every wait by its own timeout and reports timeout",
      .server_does = "answers a GET with the first half of the hit frame, then nothing; the "
                     "connection stays open",
      .expects = "the error timeout within the client timeout + 2 s",
      .run = get_answered(frame_half, AnswerEnd::kKeepOpen, "timeout"),
  });
  cases.push_back({
      .id = "13.11/connect-refused",
      .quote = "a client that cannot connect reports connect-failed",
      .server_does = "nothing: the adapter is given a port of 127.0.0.1 that nothing listens on",
      .expects = "the error connect-failed",
      .unreachable_server = true,
      .run = connect_refused,
  });
}

}  // namespace kv
