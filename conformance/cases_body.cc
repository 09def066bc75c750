// Cases for bodies (SPEC 4.2-4.4, 5.6, 6.4): bad bodies and unknown kinds
// are answered and leave the connection open and the store unchanged;
// standard protobuf parsing rules are followed.
#include <fmt/format.h>

#include "codec/frame_format.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "codec/frame_encoder.h"
#include "conformance/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// Sends `body` framed, expects `want`, then checks that the connection
// still serves requests and that `untouched` (if not empty) is absent.
asio::awaitable<Verdict> body_run(CaseContext& ctx, std::string body, Message want,
                                  std::string untouched) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_raw_frame_to_string(body), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, want, "response to the frame",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  if (!untouched.empty()) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(untouched), make_get_miss(untouched),
                                 "the store is unchanged"));
  }
  co_return passed();
}

asio::awaitable<Verdict> bad_body_run(CaseContext& ctx, std::string body, std::string untouched) {
  Message probe;
  if (probe.ParseFromString(body)) {
    co_return error_verdict("harness bug: the 'bad' body parses: " + hex_bytes(body));
  }
  co_return co_await body_run(ctx, std::move(body), make_error_response(), std::move(untouched));
}

// Each body fails to parse for a different reason. (A plain function:
// GCC 12 cannot keep braced initializer lists in coroutine frames.)
std::vector<std::string> garbage_body_list() {
  return {
      std::string("\x0a\x05" "ab", 4),          // Length-delimited field cut short.
      std::string("\x0f\x01", 2),               // Wire type 7 does not exist.
      std::string("\x00\x01", 2),               // Field number 0.
      std::string("\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // Varint > 10 bytes.
      std::string("\x1a\x03\x01\x02", 4),       // Cut field 3 with wire type 2.
  };
}

asio::awaitable<Verdict> garbage_bodies(CaseContext& ctx) {
  const std::vector<std::string> bodies = garbage_body_list();
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  for (const std::string& body : bodies) {
    Message probe;
    if (probe.ParseFromString(body)) co_return error_verdict("harness bug: body parses");
    KV_CHECK(co_await c->send(encode_raw_frame_to_string(body), ctx.options().response_timeout()));
    KV_CHECK(co_await expect_response(*c, make_error_response(),
                                      "error response to body " + hex_bytes(body),
                                      ctx.options().response_timeout()));
  }
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  co_return passed();
}

std::string put_body(std::string_view key, std::string_view value) {
  return pb_bytes_field(1, key) + pb_bytes_field(2, value) + pb_varint_field(3, kKindPutOrUpdate);
}

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

CaseFn unknown_kind_case(std::uint32_t kind) {
  return [kind](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    const std::string body = pb_bytes_field(1, key) + pb_bytes_field(2, "must not be stored") +
                             pb_varint_field(3, kind);
    return body_run(ctx, body, make_unknown_kind_response(kind), key);
  };
}

CaseFn invalid_utf8_key_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k") + "\xc3\x28";
    return bad_body_run(ctx, put_body(key, "v"), "");
  };
}

CaseFn invalid_utf8_value_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    return bad_body_run(ctx, put_body(key, "bad \xff\xfe value"), key);
  };
}

CaseFn unknown_fields_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    const std::string body = pb_varint_field(5, 12345) + pb_bytes_field(1, key) +
                             pb_bytes_field(9, "unknown string") + std::string("\x65\x01\x02\x03\x04", 5) +
                             pb_bytes_field(2, "v") + std::string("\x69", 1) + std::string(8, '\x07') +
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

}  // namespace

void register_body_cases(CaseRegistry& r) {
  const char* const kOpen = "then a GET on the same connection is answered (connection open)";
  r.add({"6.4/garbage-body", "6.4", Level::kMust, ProfileScope::kAny,
         "a bad body is answered {kind: 0, status: NotOk}; the connection stays open",
         "five well-framed bodies that are not protobuf (cut field, wire type 7, field 0, "
         "11-byte varint, cut bytes field), one frame per write",
         fmt::format("{{kind 0, NotOk}} for each, {}", kOpen), "", Timing::kResponse,
         garbage_bodies});
  r.add({"4.3/invalid-utf8-key", "4.3", Level::kMust, ProfileScope::kAny,
         "invalid UTF-8 in key makes a bad body", "PUT whose key ends in c3 28",
         fmt::format("{{kind 0, NotOk}}, {}", kOpen), "", Timing::kResponse,
         invalid_utf8_key_case()});
  r.add({"4.3/invalid-utf8-value", "4.3", Level::kMust, ProfileScope::kAny,
         "invalid UTF-8 in value makes a bad body; the store is unchanged",
         "PUT k=<value containing ff fe>",
         fmt::format("{{kind 0, NotOk}}, {}; GET k is a miss", kOpen), "", Timing::kResponse,
         invalid_utf8_value_case()});
  for (const std::uint32_t kind : {0U, 2U, 4U, 0xFFFFFFFFU}) {
    r.add({fmt::format("5.6/unknown-kind-{}", kind), "5.6", Level::kMust, ProfileScope::kAny,
           "any other kind K is answered {kind: K, status: NotOk}; connection open; store unchanged",
           fmt::format("a message with key k, a value and kind {}", kind),
           fmt::format("{{kind {}, NotOk}}, {}; GET k is a miss", kind, kOpen), "",
           Timing::kResponse, unknown_kind_case(kind)});
  }
  r.add({"4.2/unknown-fields-ignored", "4.2", Level::kMust, ProfileScope::kAny,
         "unknown fields are ignored",
         "PUT k=v with unknown fields of every wire type (varint, bytes, fixed32, fixed64)",
         "ack, then GET k is a hit", "", Timing::kResponse, unknown_fields_case()});
  r.add({"4.2/non-minimal-varints", "4.2", Level::kMust, ProfileScope::kAny,
         "non-minimal varints are accepted",
         "PUT k=v with lengths and kind written as over-long varints (e.g. kind 83 80 80 00)",
         "ack, then GET k is a hit", "", Timing::kResponse, non_minimal_varints_case()});
  r.add({"4.2/repeated-fields-last-wins", "4.2", Level::kMust, ProfileScope::kAny,
         "the last occurrence of a repeated singular field wins",
         "kind=1, key=first, value=first, key=last, value=last, kind=3 in one body",
         "ack; GET last is a hit with \"last value\"; GET first is a miss", "", Timing::kResponse,
         repeated_fields_case()});
  r.add({"4.2/unknown-status-kept", "4.2", Level::kMust, ProfileScope::kAny,
         "unknown status values parse (and PUT ignores status)", "PUT k=v with status 7",
         "ack, then GET k is a hit", "", Timing::kResponse, unknown_status_case()});
}

}  // namespace kv
