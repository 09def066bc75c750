// Client cases at the bounds of SPEC 13.5-13.10: LEN equal to the client's
// maximum and far above it, LEN 5, each footer byte wrong, ill-formed UTF-8
// of every class, bodies broken in every way, every status and kind that
// is not an answer, the stream cut at each part of a frame, and a response
// that keeps delivering bytes for longer than the client's timeout.
#include <fmt/format.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cstdint>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_case_steps.h"
#include "conformance/client/response_forms.h"
#include "conformance/wire/edge_strings.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using std::chrono::milliseconds;

// One answer of a sequence of GETs: the bytes, how the server ends it, and
// the error class the client must report.
struct GetAnswer {
  std::string label;  // For the wire log.
  std::string bytes;
  AnswerEnd end = AnswerEnd::kKeepOpen;
  AdapterResult want;
};

// GET "k<i>" answered with answers[i], each in turn, each result within
// silence_bound() (a client that waits for its timeout reports the wrong
// class, which the case shows).
asio::awaitable<Verdict> get_sequence(ClientCaseContext& ctx, std::vector<GetAnswer> answers) {
  int conn = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const std::string key = fmt::format("k{}", i);
    ctx.log().info(0, fmt::format("answer {} of {}: {}", i + 1, answers.size(), answers[i].label));
    KV_CHECK(co_await exchange(ctx, get_command(key), make_get(key),
                               answer_with(answers[i].bytes, StreamShape::whole(), answers[i].end),
                               answers[i].want, ctx.options().silence_bound(), conn));
  }
  co_return passed();
}

// A case made of get_sequence() over the answers `make` builds. (The
// answers are built outside the coroutine: GCC 12 cannot keep braced lists
// in coroutine frames.)
ClientCaseFn get_sequence_case(std::vector<GetAnswer> (*make)()) {
  return [make](ClientCaseContext& ctx) { return get_sequence(ctx, make()); };
}

// A frame for GET "k<i>": {key: "k<i>"} plus the fields of `rest`.
std::string keyed_frame(std::size_t i, const std::string& rest) {
  return encode_raw_frame_to_string(pb_bytes_field(1, fmt::format("k{}", i)) + rest);
}

std::string status_field(std::int32_t status) {
  // An enum is an int32: a negative value is sign-extended to ten bytes.
  return pb_varint_field(4, static_cast<std::uint64_t>(static_cast<std::int64_t>(status)));
}

// ---- 13.5 / 13.6 LEN ------------------------------------------------------

asio::awaitable<Verdict> len_equals_max(ClientCaseContext& ctx) {
  const std::uint32_t max = ctx.options().client_max_frame_bytes;
  const std::size_t size = value_size_for_put_len("max", max);
  // A hit {key, value, kind 2} has the size of the PUT with that key and
  // value (kind 3): one byte of tag and one of kind each.
  const std::string value = patterned_string(size);
  const std::string frame = hit_frame("max", value);
  ctx.log().info(0, fmt::format("the hit frame has LEN {} (the client's maximum is {})",
                                frame.size() - kHeaderBytes, max));
  if (frame.size() - kHeaderBytes != max) {
    co_return error_verdict(fmt::format("no hit frame of LEN {} can be built", max));
  }
  StreamShape shape = StreamShape::random_chunks(ctx.rng()(), 64 * 1024);
  co_return co_await exchange_case(ctx, get_command("max"), make_get("max"),
                                   answer_with(frame, shape), found_result(value),
                                   ctx.options().bulk_timeout());
}

std::string len_2gib(const ClientRunOptions&) {
  return encode_header_to_string(0x80000000U) + std::string("\x0a\x01k", 3);
}

std::string len_5(const ClientRunOptions&) {
  return encode_raw_frame_to_string("");
}

std::vector<GetAnswer> bad_footer_every_byte() {
  std::vector<GetAnswer> answers;
  for (std::size_t at = 0; at < kFooterBytes; ++at) {
    std::string frame = hit_frame(fmt::format("k{}", at), "v");
    // '@' becomes '`', and E, O, F their lower case.
    frame[frame.size() - kFooterBytes + at] ^= 0x20;
    answers.push_back({fmt::format("footer byte {} changed", at), frame, AnswerEnd::kKeepOpen,
                       error_result("bad-footer")});
  }
  return answers;
}

// ---- 13.7 Bodies ------------------------------------------------------------

std::vector<GetAnswer> invalid_utf8_every_class() {
  std::vector<GetAnswer> answers;
  for (const InvalidUtf8& bad : invalid_utf8_classes()) {
    const std::string value = fmt::format("v{}w", bad.bytes);
    const std::size_t i = answers.size();
    answers.push_back({fmt::format("{} in the value", bad.name),
                       keyed_frame(i, pb_bytes_field(2, value) + pb_varint_field(3, 2)),
                       AnswerEnd::kKeepOpen, error_result("bad-body")});
    const std::string key = fmt::format("k{}", i + 1) + std::string(bad.bytes);
    answers.push_back({fmt::format("{} in the key", bad.name),
                       encode_raw_frame_to_string(pb_bytes_field(1, key) + pb_bytes_field(2, "v") +
                                                  pb_varint_field(3, 2)),
                       AnswerEnd::kKeepOpen, error_result("bad-body")});
  }
  return answers;
}

std::vector<GetAnswer> malformed_bodies() {
  // Each body starts as a good hit ({key, kind 2}) and then breaks: a
  // parser that keeps the fields it read before the break reports a hit.
  std::vector<GetAnswer> answers;
  for (const auto& [label, tail] : malformed_body_tails()) {
    answers.push_back({label, keyed_frame(answers.size(), pb_varint_field(3, 2) + tail),
                       AnswerEnd::kKeepOpen, error_result("bad-body")});
  }
  return answers;
}

asio::awaitable<Verdict> bad_body_then_next_request(ClientCaseContext& ctx) {
  int first = 0;
  KV_CHECK(co_await exchange(ctx, get_command("a"), make_get("a"),
                             answer_with(encode_raw_frame_to_string(std::string("\xff\xff", 2))),
                             error_result("bad-body"), ctx.options().silence_bound(), first));
  int conn = 0;
  KV_CHECK(co_await exchange(ctx, get_command("b"), make_get("b"), answer_with(hit_frame("b", "2")),
                             found_result("2"), ctx.options().silence_bound(), conn));
  co_return passed();
}

// ---- 13.8 Answers -------------------------------------------------------------

// The statuses of an acknowledgement or a GET response that are neither
// Ok nor a miss's NotOk (for a PUT, NotOk too).
std::vector<std::int32_t> ack_statuses() {
  return {1, 2, 7, -1};
}

asio::awaitable<Verdict> put_ack_other_status(ClientCaseContext& ctx) {
  int conn = 0;
  for (const std::int32_t status : ack_statuses()) {
    ctx.log().info(0, fmt::format("the acknowledgement {{kind: 3, status: {}}}", status));
    KV_CHECK(co_await exchange(
        ctx, put_command("k", "v"), make_put("k", "v"),
        answer_with(encode_raw_frame_to_string(pb_varint_field(3, 3) + status_field(status))),
        error_result("unexpected-response"), ctx.options().silence_bound(), conn));
  }
  co_return passed();
}

std::vector<GetAnswer> get_status_out_of_range() {
  std::vector<GetAnswer> answers;
  for (const std::int32_t status : {2, 2147483647, -1, -2147483647 - 1}) {
    const bool with_value = answers.size() % 2 == 0;
    const std::string value = with_value ? pb_bytes_field(2, "v") : std::string();
    answers.push_back(
        {fmt::format("status {}", status),
         keyed_frame(answers.size(), value + pb_varint_field(3, 2) + status_field(status)),
         AnswerEnd::kKeepOpen, error_result("unexpected-response")});
  }
  return answers;
}

// The bodies of error responses {kind: 0} with other fields set.
std::vector<std::pair<std::string, std::string>> error_response_bodies() {
  return {
      {"status Ok, with key and value", pb_bytes_field(1, "k") + pb_bytes_field(2, "v")},
      {"kind 0 and status 1 written out", pb_varint_field(3, 0) + pb_varint_field(4, 1)},
      {"status 7", pb_varint_field(4, 7)},
  };
}

asio::awaitable<Verdict> error_response_variants(ClientCaseContext& ctx) {
  // {kind: 0} is the error response whatever its status and other fields.
  int conn = 0;
  for (const auto& [label, body] : error_response_bodies()) {
    ctx.log().info(0, "an error response to a GET and to a PUT: " + label);
    KV_CHECK(co_await exchange(
        ctx, get_command("k"), make_get("k"), answer_with(encode_raw_frame_to_string(body)),
        error_result("error-response"), ctx.options().silence_bound(), conn));
    KV_CHECK(co_await exchange(ctx, put_command("k", "v"), make_put("k", "v"),
                               answer_with(encode_raw_frame_to_string(body)),
                               error_result("error-response"), ctx.options().silence_bound(),
                               conn));
  }
  co_return passed();
}

std::vector<std::uint32_t> other_kinds_list() {
  return {1, 4, 0xFFFFFFFFU};
}

asio::awaitable<Verdict> other_kinds(ClientCaseContext& ctx) {
  int conn = 0;
  for (const std::uint32_t kind : other_kinds_list()) {
    Message hit = make_get_hit("k", "v");
    hit.set_kind(kind);
    ctx.log().info(0, fmt::format("a GET answered with the hit's fields and kind {}", kind));
    KV_CHECK(co_await exchange(ctx, get_command("k"), make_get("k"), answer_with(frame_of(hit)),
                               error_result("unexpected-response"), ctx.options().silence_bound(),
                               conn));
    Message ack = make_put_ack();
    ack.set_kind(kind);
    ctx.log().info(0, fmt::format("a PUT answered {{kind: {}, status: Ok}}", kind));
    KV_CHECK(co_await exchange(ctx, put_command("k", "v"), make_put("k", "v"),
                               answer_with(frame_of(ack)), error_result("unexpected-response"),
                               ctx.options().silence_bound(), conn));
  }
  co_return passed();
}

// ---- 13.9 / 13.10 The end of the stream, and time ----------------------------

std::vector<GetAnswer> truncated_at_part_boundaries() {
  std::vector<GetAnswer> answers;
  const auto cut = [&](const std::string& label, std::size_t keep_from_frame) {
    const std::string frame = hit_frame(fmt::format("k{}", answers.size()), "v");
    answers.push_back({label + ", then FIN", frame.substr(0, keep_from_frame), AnswerEnd::kClose,
                       error_result("truncated")});
  };
  const std::size_t frame_size = hit_frame("k0", "v").size();
  cut("the header alone", kHeaderBytes);
  cut("header and body, no footer", frame_size - kFooterBytes);
  cut("all but the last footer byte", frame_size - 1);
  return answers;
}

std::string half_hit(const ClientRunOptions&) {
  const std::string frame = hit_frame("k", "value");
  return frame.substr(0, frame.size() / 2);
}

std::string all_but_last_byte(const ClientRunOptions&) {
  const std::string frame = hit_frame("k", "v");
  return frame.substr(0, frame.size() - 1);
}

asio::awaitable<Verdict> drip_past_timeout(ClientCaseContext& ctx) {
  // The hit arrives in 24 writes spread evenly over three client timeouts:
  // bytes keep coming, about an eighth of the timeout apart, but the
  // response completes long after the timeout has passed.
  const milliseconds total = ctx.options().client_timeout * 3;
  const std::string frame = hit_frame("k", patterned_string(40));
  const StreamShape shape = drip_over(frame.size(), total, 24);
  int conn = 0;
  KV_CHECK(co_await ctx.command(get_command("k")));
  KV_CHECK(co_await ctx.expect_request(make_get("k"), conn));
  ctx.log().info(conn, fmt::format("the hit in {} writes {} ms apart", shape.cuts.size() + 1,
                                   shape.gap.count()));
  // The result is awaited while the bytes drip: a client that waits for
  // the whole response reports it only after the last write.
  const milliseconds bound = ctx.options().silence_bound() + total;
  auto [sent, result] =
      co_await (ctx.reply(conn, frame, shape) && ctx.expect_result(error_result("timeout"), bound));
  if (result) co_return std::move(*result);
  if (sent) co_return std::move(*sent);
  co_return passed();
}

}  // namespace

void add_client_edge_cases(std::vector<ClientCaseDef>& cases) {
  cases.push_back({
      .id = "13.5/len-equals-max",
      .quote = "a response whose LEN equals the client's maximum is accepted (3.1)",
      .server_does = "answers a GET with a hit whose LEN is exactly the maximum "
                     "(--max-frame-bytes, default 4194304), in seeded random writes of up to "
                     "64 KiB",
      .expects = "the result found with the whole value",
      .run = len_equals_max,
  });
  cases.push_back({
      .id = "13.5/len-2gib",
      .quote = "LEN is unsigned: 2^31 is far above the maximum, length-too-large (3.2)",
      .server_does = "answers a GET with the header 00 00 00 80 and two body bytes, and keeps "
                     "the connection open",
      .expects = "the error length-too-large (not length-too-small, as a signed LEN reads it)",
      .run = get_answered(len_2gib, AnswerEnd::kKeepOpen, "length-too-large"),
  });
  cases.push_back({
      .id = "13.6/len-5-empty-body",
      .quote = "LEN 5 is legal: an empty body, the message {kind: 0}, which is the error "
               "response (2.3, 13.8)",
      .server_does = "answers a GET with 05 00 00 00 \"@EOF@\"",
      .expects = "the error error-response (not length-too-small)",
      .run = get_answered(len_5, AnswerEnd::kKeepOpen, "error-response"),
  });
  cases.push_back({
      .id = "13.6/bad-footer-every-byte",
      .quote = "a footer that is not exactly @EOF@ is bad-footer, whichever byte differs (2.2)",
      .server_does = "answers five GETs, each with a hit whose footer has one byte changed: "
                     "'@' to '`', or E, O, F to lower case",
      .expects = "the error bad-footer five times",
      .run = get_sequence_case(bad_footer_every_byte),
  });
  cases.push_back({
      .id = "13.7/invalid-utf8-every-class",
      .quote = "a response with ill-formed UTF-8 in key or value is bad-body (4.3)",
      .server_does = "answers one GET per class of ill-formed UTF-8 in the value and one in the "
                     "key: stray continuation, ff, c0, f5, overlong 2-, 3- and 4-byte forms and "
                     "U+0000, both surrogate ends, above U+10FFFF, cut short at the end and in "
                     "the middle",
      .expects = "the error bad-body every time",
      .run = get_sequence_case(invalid_utf8_every_class),
  });
  cases.push_back({
      .id = "13.7/malformed-bodies",
      .quote = "a well-framed response whose body does not parse is bad-body (4.4)",
      .server_does = "answers one GET per body that starts as a good hit and then breaks: a "
                     "length past the end, a missing or cut or 11-byte varint, cut fixed64 and "
                     "fixed32, wire types 6 and 7, field 0, a stray end-group, an open group",
      .expects = "the error bad-body every time (not found)",
      .run = get_sequence_case(malformed_bodies),
  });
  cases.push_back({
      .id = "13.7/bad-body-then-next-request",
      .quote = "after a bad body the stream is still in step: the client goes on (on that or a "
               "new connection)",
      .server_does = "answers GET a with a frame whose body is ff ff; then answers GET b, on "
                     "whichever connection it comes, with b = \"2\"",
      .expects = "the error bad-body, then found \"2\"",
      .run = bad_body_then_next_request,
  });
  cases.push_back({
      .id = "13.8/put-ack-other-status",
      .quote = "only {kind: 3, status: Ok} acknowledges a PUT; any other answer is "
               "unexpected-response",
      .server_does = "answers four PUTs with {kind: 3} and status NotOk, 2, 7 and -1",
      .expects = "the error unexpected-response four times (never stored)",
      .run = put_ack_other_status,
  });
  cases.push_back({
      .id = "13.8/get-status-out-of-range",
      .quote = "a status other than Ok and NotOk is unexpected-response",
      .server_does = "answers four GETs with {key, kind 2} and status 2, 2147483647, -1 and "
                     "-2147483648, half of them with a value",
      .expects = "the error unexpected-response four times",
      .run = get_sequence_case(get_status_out_of_range),
  });
  cases.push_back({
      .id = "13.8/error-response-variants",
      .quote = "the error response {kind: 0} is error-response whatever its other fields",
      .server_does = "answers a GET and a PUT with {kind: 0} three ways: status Ok with a key "
                     "and a value, kind 0 and status 1 written out, status 7",
      .expects = "the error error-response six times",
      .run = error_response_variants,
  });
  cases.push_back({
      .id = "13.8/other-kinds",
      .quote = "a response of another kind than the request's is unexpected-response",
      .server_does = "answers GETs with the hit's fields and kinds 1, 4 and 4294967295, and "
                     "PUTs with {kind: K, status: Ok} for the same kinds",
      .expects = "the error unexpected-response six times",
      .run = other_kinds,
  });
  cases.push_back({
      .id = "13.9/truncated-at-part-boundaries",
      .quote = "a connection closed inside a response frame is reported truncated, at once",
      .server_does = "answers three GETs each with part of the hit, then FIN: the 4 header "
                     "bytes alone, header and body without the footer, all but the last footer "
                     "byte",
      .expects = "the error truncated three times",
      .run = get_sequence_case(truncated_at_part_boundaries),
  });
  cases.push_back({
      .id = "13.9/reset-inside-response",
      .quote = "a connection reset before the response is complete is reported reset, at once",
      .server_does = "answers a GET with the first half of the hit frame, then resets (RST)",
      .expects = "the error reset",
      .run = get_answered(half_hit, AnswerEnd::kReset, "reset"),
  });
  cases.push_back({
      .id = "13.10/stall-in-footer",
      .quote = "a frame is complete only with its footer; waiting for it is bounded by the "
               "timeout",
      .server_does = "answers a GET with all of the hit frame but its last footer byte; the "
                     "connection stays open",
      .expects = "the error timeout within the client timeout + 2 s",
      .run = get_answered(all_but_last_byte, AnswerEnd::kKeepOpen, "timeout"),
  });
  cases.push_back({
      .id = "13.10/drip-past-timeout",
      .quote = "the timeout bounds the whole wait for a response, not the gap between bytes",
      .server_does = "answers a GET with the hit in 24 writes spread evenly over three client "
                     "timeouts (about an eighth of the timeout apart): bytes keep arriving until "
                     "three timeouts have passed",
      .expects = "the error timeout (a client that restarts its timeout at every byte reports "
                 "found)",
      .run = drip_past_timeout,
  });
}

}  // namespace kv
