// SPEC section 4, the message: standard proto3 parsing (4.2), UTF-8
// strings (4.3), explicit defaults accepted and canonical responses (4.5).
#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "conformance/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

std::string put_body(std::string_view key, std::string_view value) {
  return pb_bytes_field(1, key) + pb_bytes_field(2, value) + pb_varint_field(3, kKindPutOrUpdate);
}

// Sends `body`, expects a PUT ack, then GET key is a hit with `value` and,
// unless `absent` is empty, GET absent is a miss.
asio::awaitable<Verdict> accepted_put_run(CaseContext& ctx, std::string body, std::string key,
                                          std::string value, std::string absent) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_raw_frame_to_string(body), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(key), make_get_hit(key, value), "GET"));
  if (!absent.empty()) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(absent), make_get_miss(absent),
                                 "the overridden key was not written"));
  }
  co_return passed();
}

CaseFn invalid_utf8_key_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k") + "\xc3\x28";
    return bad_body_case_run(ctx, put_body(key, "v"), "");
  };
}

CaseFn invalid_utf8_value_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    return bad_body_case_run(ctx, put_body(key, "bad \xff\xfe value"), key);
  };
}

CaseFn unknown_fields_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    const std::string body = pb_varint_field(5, 12345) + pb_bytes_field(1, key) +
                             pb_bytes_field(9, "unknown string") +
                             std::string("\x65\x01\x02\x03\x04", 5) + pb_bytes_field(2, "v") +
                             std::string("\x69", 1) + std::string(8, '\x07') +
                             pb_varint_field(3, kKindPutOrUpdate) + pb_varint_field(2000, 1);
    return accepted_put_run(ctx, body, key, "v", "");
  };
}

CaseFn non_minimal_varints_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    // Lengths and the kind written with redundant continuation bytes.
    const std::string length = fmt::format("{}{}", static_cast<char>(0x80 | key.size()), '\x00');
    const std::string body = std::string("\x0a", 1) + length + key +
                             std::string("\x12\x81\x80\x00v", 5) +
                             std::string("\x18\x83\x80\x80\x00", 5);
    return accepted_put_run(ctx, body, key, "v", "");
  };
}

CaseFn repeated_fields_case() {
  return [](CaseContext& ctx) {
    const std::string first = ctx.key("first");
    const std::string last = ctx.key("last");
    const std::string body = pb_varint_field(3, kKindGet) + pb_bytes_field(1, first) +
                             pb_bytes_field(2, "first value") + pb_bytes_field(1, last) +
                             pb_bytes_field(2, "last value") + pb_varint_field(3, kKindPutOrUpdate);
    return accepted_put_run(ctx, body, last, "last value", first);
  };
}

CaseFn unknown_status_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    return accepted_put_run(ctx, put_body(key, "v") + pb_varint_field(4, 7), key, "v", "");
  };
}

// Built outside the coroutine: GCC 12 cannot keep braced initializer lists
// in coroutine frames.
std::vector<std::pair<Message, Message>> canonical_exchanges(const std::string& k,
                                                             const std::string& absent) {
  return {{make_put(k, "v"), make_put_ack()},
          {make_get(k), make_get_hit(k, "v")},
          {make_get(absent), make_get_miss(absent)}};
}

asio::awaitable<Verdict> response_canonical(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const auto exchanges = canonical_exchanges(k, ctx.key("absent"));
  for (const auto& [request, want] : exchanges) {
    KV_CHECK(co_await c->send(encode_frame_to_string(request), ctx.options().response_timeout()));
    const ReadEvent event = co_await c->read_frame(ctx.options().response_timeout());
    const std::string canonical = encode_frame_to_string(want);
    if (event.kind != ReadEventKind::kFrame || event.raw != canonical) {
      co_return fail_verdict("canonical bytes " + hex_bytes(canonical),
                             event.kind == ReadEventKind::kFrame ? "bytes " + hex_bytes(event.raw)
                                                                 : describe_event(event));
    }
  }
  co_return passed();
}

}  // namespace

void register_message_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 4);
  const std::string open = "then a GET on the same connection is answered (connection open)";
  cases.add({
      .id = "4.2/unknown-fields-ignored",
      .quote = "unknown fields are ignored",
      .sends = "PUT k=v with unknown fields of every wire type (varint, bytes, fixed32, fixed64)",
      .expects = "ack, then GET k is a hit",
      .needs = {"5.1/put-then-get"},
      .run = unknown_fields_case(),
  });
  cases.add({
      .id = "4.2/non-minimal-varints",
      .quote = "non-minimal varints are accepted",
      .sends = "PUT k=v with lengths and kind written as over-long varints (e.g. kind 83 80 80 00)",
      .expects = "ack, then GET k is a hit",
      .needs = {"5.1/put-then-get"},
      .run = non_minimal_varints_case(),
  });
  cases.add({
      .id = "4.2/repeated-fields-last-wins",
      .quote = "the last occurrence of a repeated singular field wins",
      .sends = "kind=1, key=first, value=first, key=last, value=last, kind=3 in one body",
      .expects = "ack; GET last is a hit with \"last value\"; GET first is a miss",
      .needs = {"5.1/put-then-get", "5.3/miss"},
      .run = repeated_fields_case(),
  });
  cases.add({
      .id = "4.2/unknown-status-kept",
      .quote = "unknown status values parse (and PUT ignores status)",
      .sends = "PUT k=v with status 7",
      .expects = "ack, then GET k is a hit",
      .needs = {"5.1/put-then-get"},
      .run = unknown_status_case(),
  });
  cases.add({
      .id = "4.3/invalid-utf8-key",
      .quote = "invalid UTF-8 in key makes a bad body",
      .sends = "PUT whose key ends in c3 28",
      .expects = fmt::format("{{kind 0, NotOk}}, {}", open),
      .needs = {"5.3/miss", "6.4/garbage-body"},
      .run = invalid_utf8_key_case(),
  });
  cases.add({
      .id = "4.3/invalid-utf8-value",
      .quote = "invalid UTF-8 in value makes a bad body; the store is unchanged",
      .sends = "PUT k=<value containing ff fe>",
      .expects = fmt::format("{{kind 0, NotOk}}, {}; GET k is a miss", open),
      .needs = {"5.3/miss", "6.4/garbage-body"},
      .run = invalid_utf8_value_case(),
  });
  cases.add({
      .id = "4.5/response-canonical",
      .level = Level::kShould,
      .quote = "senders SHOULD omit default fields (canonical proto3)",
      .sends = "PUT, GET hit, GET miss; the response bytes are compared",
      .expects = "byte-for-byte canonical responses, e.g. ack = 07 00 00 00 18 03 40 45 4f 46 40",
      .legal = "responses with explicit default fields are legal (MUST cases accept them); "
               "this SHOULD case reports them as LENIENT",
      .needs = {"5.1/put-then-get", "5.3/miss"},
      .run = response_canonical,
  });
}

}  // namespace kv
