// SPEC section 4, the message: standard proto3 parsing (4.2), UTF-8
// strings (4.3), explicit defaults accepted and canonical responses (4.5).
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

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

// One class of invalid UTF-8 (SPEC 4.3): a name for the case ID and the
// byte sequences that stand for it. Each sample is invalid on its own and
// stays invalid whatever valid text surrounds it.
struct Utf8Class {
  std::string slug;
  std::string what;
  std::vector<std::string> samples;
};

std::vector<Utf8Class> invalid_utf8_classes() {
  return {
      {"lone-continuation",
       "a continuation byte with no lead byte: 80, bf",
       {std::string("\x80", 1), std::string("\xbf", 1)}},
      {"truncated",
       "a sequence cut short: c3 at the end, e2 82 then 'z', f0 9f 98 at the end",
       {std::string("\xc3", 1), std::string("\xe2\x82z", 3), std::string("\xf0\x9f\x98", 3)}},
      {"overlong-2-byte",
       "2-byte overlong forms: c0 80 (U+0000), c1 bf (U+007F)",
       {std::string("\xc0\x80", 2), std::string("\xc1\xbf", 2)}},
      {"overlong-3-byte",
       "3-byte overlong forms: e0 80 80 (U+0000), e0 9f bf (U+07FF)",
       {std::string("\xe0\x80\x80", 3), std::string("\xe0\x9f\xbf", 3)}},
      {"overlong-4-byte",
       "4-byte overlong forms: f0 80 80 80 (U+0000), f0 8f bf bf (U+FFFF)",
       {std::string("\xf0\x80\x80\x80", 4), std::string("\xf0\x8f\xbf\xbf", 4)}},
      {"surrogate",
       "encoded surrogates: ed a0 80 (U+D800), ed b0 80 (U+DC00), ed bf bf (U+DFFF)",
       {std::string("\xed\xa0\x80", 3), std::string("\xed\xb0\x80", 3),
        std::string("\xed\xbf\xbf", 3)}},
      {"above-10ffff",
       "code points above U+10FFFF: f4 90 80 80 (U+110000), f7 bf bf bf",
       {std::string("\xf4\x90\x80\x80", 4), std::string("\xf7\xbf\xbf\xbf", 4)}},
      {"fe-ff",
       "the bytes fe and ff, which UTF-8 never uses",
       {std::string("\xfe", 1), std::string("\xff", 1), std::string("\xff\xfe", 2)}},
  };
}

// The requests of one invalid-UTF-8 case: for each sample a PUT with it in
// the key, a PUT with it in the value and a GET with it in the key. Built
// outside the coroutine (GCC 12 and braced lists in coroutine frames).
struct InvalidUtf8Requests {
  std::vector<std::string> bodies;
  std::vector<std::string> names;
  // Keys that must still be misses afterwards: the valid prefixes of the
  // invalid keys, and the keys whose PUT carried an invalid value.
  std::vector<std::string> untouched;
};

InvalidUtf8Requests invalid_utf8_requests(CaseContext& ctx, const Utf8Class& utf8_class) {
  InvalidUtf8Requests requests;
  for (std::size_t i = 0; i < utf8_class.samples.size(); ++i) {
    const std::string& sample = utf8_class.samples[i];
    const std::string key_prefix = ctx.key(fmt::format("bad-key-{}", i));
    const std::string value_key = ctx.key(fmt::format("bad-value-{}", i));
    requests.bodies.push_back(put_body(key_prefix + sample, "v"));
    requests.names.push_back(fmt::format("PUT whose key ends in {}", hex_bytes(sample)));
    requests.bodies.push_back(put_body(value_key, "v" + sample));
    requests.names.push_back(fmt::format("PUT whose value ends in {}", hex_bytes(sample)));
    requests.bodies.push_back(pb_bytes_field(1, key_prefix + sample) +
                              pb_varint_field(3, kKindGet));
    requests.names.push_back(fmt::format("GET whose key ends in {}", hex_bytes(sample)));
    requests.untouched.push_back(key_prefix);
    requests.untouched.push_back(value_key);
  }
  return requests;
}

asio::awaitable<Verdict> invalid_utf8_run(CaseContext& ctx, Utf8Class utf8_class) {
  const InvalidUtf8Requests requests = invalid_utf8_requests(ctx, utf8_class);
  for (const std::string& body : requests.bodies) {
    Message probe;
    if (probe.ParseFromString(body)) {
      co_return error_verdict("harness bug: the 'bad' body parses: " + hex_bytes(body));
    }
  }
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  for (std::size_t i = 0; i < requests.bodies.size(); ++i) {
    KV_CHECK(co_await c->send(encode_raw_frame_to_string(requests.bodies[i]),
                              ctx.options().response_timeout()));
    KV_CHECK(co_await expect_response(*c, make_error_response(),
                                      "error response to the " + requests.names[i],
                                      ctx.options().response_timeout()));
  }
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  for (const std::string& key : requests.untouched) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(key), make_get_miss(key),
                                 "the store is unchanged (no bad PUT stored anything)"));
  }
  co_return passed();
}

CaseFn invalid_utf8_class_case(Utf8Class utf8_class) {
  return [utf8_class](CaseContext& ctx) { return invalid_utf8_run(ctx, utf8_class); };
}

// The edges of UTF-8's ranges, each a valid code point (SPEC 4.3: any code
// point, U+0000 included): the first and last of each sequence length, and
// the neighbours of the surrogate block.
std::vector<std::pair<std::string, std::string>> edge_code_points() {
  return {{"U+0000", std::string("\x00", 1)},
          {"U+007F", "\x7f"},
          {"U+0080", "\xc2\x80"},
          {"U+07FF", "\xdf\xbf"},
          {"U+0800", "\xe0\xa0\x80"},
          {"U+D7FF", "\xed\x9f\xbf"},
          {"U+E000", "\xee\x80\x80"},
          {"U+FFFF", "\xef\xbf\xbf"},
          {"U+10000", "\xf0\x90\x80\x80"},
          {"U+10FFFF", "\xf4\x8f\xbf\xbf"}};
}

asio::awaitable<Verdict> valid_edge_code_points(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const auto points = edge_code_points();
  for (const auto& [name, bytes] : points) {
    // The code point inside the key and twice in the value, once at its end.
    const std::string key = ctx.key(name) + bytes + "k";
    const std::string value = bytes + "|" + bytes;
    KV_CHECK(co_await round_trip(ctx, *c, make_put(key, value), make_put_ack(),
                                 fmt::format("ack of the PUT with {} in key and value", name)));
    KV_CHECK(co_await round_trip(ctx, *c, make_get(key), make_get_hit(key, value),
                                 fmt::format("GET of the key with {}", name)));
  }
  co_return passed();
}

CaseFn unknown_fields_case() {
  return [](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    const std::string body =
        pb_varint_field(5, 12345) + pb_bytes_field(1, key) + pb_bytes_field(9, "unknown string") +
        std::string("\x65\x01\x02\x03\x04", 5) + pb_bytes_field(2, "v") + std::string("\x69", 1) +
        std::string(8, '\x07') + pb_varint_field(3, kKindPutOrUpdate) + pb_varint_field(2000, 1);
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
  for (const Utf8Class& utf8_class : invalid_utf8_classes()) {
    cases.add({
        .id = "4.3/invalid-utf8-" + utf8_class.slug,
        .quote = "key and value hold valid UTF-8; any invalid sequence makes a bad body",
        .sends = fmt::format("for each of {}: a PUT with it at the end of the key, a PUT with it "
                             "at the end of the value, a GET with it at the end of the key; "
                             "each frame in one write",
                             utf8_class.what),
        .expects = fmt::format("{{kind 0, NotOk}} for every frame, {}; GET of each PUT's key "
                               "(and of the valid prefix of each bad key) is a miss",
                               open),
        .needs = {"5.3/miss", "6.4/garbage-body"},
        .run = invalid_utf8_class_case(utf8_class),
    });
  }
  cases.add({
      .id = "4.3/valid-edge-code-points",
      .quote = "key and value hold any code point, U+0000 included",
      .sends = "for each of U+0000, U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, "
               "U+10000, U+10FFFF: PUT with it inside the key and in the value, then GET",
      .expects = "every PUT acknowledged, every GET a hit returning key and value byte for byte",
      .needs = {"5.1/put-then-get"},
      .run = valid_edge_code_points,
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
