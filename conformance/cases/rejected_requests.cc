// SPEC 6.7, rejected requests have no effect: a bad body whose first fields
// make a whole PUT, followed by a field that does not parse, stores
// nothing. A server that acts on the fields it parsed before the fault
// (and then answers the error response) fails.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// A field that makes a body bad wherever it stands (SPEC 4.3, 4.4).
struct Fault {
  std::string what;
  std::string bytes;
};

// The tag of the kind field followed by a varint of 11 bytes (10 at most
// are legal).
std::string eleven_byte_varint() {
  std::string bytes = "\x18";
  bytes.append(10, '\xff');
  bytes.push_back('\x01');
  return bytes;
}

std::vector<Fault> faults() {
  return {
      {"a tag with no value (18)", "\x18"},
      {"a varint cut short (18 83)", "\x18\x83"},
      {"a varint of 11 bytes", eleven_byte_varint()},
      {"a fixed32 cut short (1d 01)", "\x1d\x01"},
      {"a fixed64 cut short (19 01 02)", "\x19\x01\x02"},
      {"a string that runs past the body (12 05 61)", "\x12\x05\x61"},
      {"a string of length 2^32 - 1 (12 ff ff ff ff 0f)", "\x12\xff\xff\xff\xff\x0f"},
      {"a second key that is not UTF-8 (0a 02 c3 28)", std::string("\x0a\x02\xc3\x28", 4)},
      {"a second value that is not UTF-8 (12 01 ff)", "\x12\x01\xff"},
      {"field number 0 (00 00)", std::string("\x00\x00", 2)},
      {"wire type 6 (0e 00)", std::string("\x0e\x00", 2)},
      {"wire type 7 (0f 00)", std::string("\x0f\x00", 2)},
      {"an end-group with no start (0c)", "\x0c"},
      {"a start-group with no end (0b)", "\x0b"},
  };
}

// One bad request of the case: its body, what it is for the report, and
// the key whose value must be as before (`before` empty: never written).
struct BadRequest {
  std::string body;
  std::string name;
  std::string key;
  std::string before;
};

std::string put_fields(const std::string& key, const std::string& value) {
  return pb_bytes_field(1, key) + pb_bytes_field(2, value) + pb_varint_field(3, kKindPutOrUpdate);
}

// For each fault: a PUT of a new key with the fault after its three
// fields; the same with the kind first; and a PUT that would overwrite a
// key written before. Then a GET with the fault after its fields. Built
// outside the coroutine (GCC 12 and braced lists in coroutine frames).
std::vector<BadRequest> bad_requests(CaseContext& ctx, const std::string& existing) {
  std::vector<BadRequest> requests;
  const std::vector<Fault> all = faults();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Fault& fault = all[i];
    const std::string fresh = ctx.key(fmt::format("new-{}", i));
    requests.push_back({put_fields(fresh, "must not be stored") + fault.bytes,
                        "PUT key, value, kind 3, then " + fault.what, fresh, ""});
    const std::string kind_first = ctx.key(fmt::format("kind-first-{}", i));
    requests.push_back({pb_varint_field(3, kKindPutOrUpdate) + pb_bytes_field(1, kind_first) +
                            pb_bytes_field(2, "must not be stored") + fault.bytes,
                        "PUT kind 3, key, value, then " + fault.what, kind_first, ""});
    requests.push_back({put_fields(existing, fmt::format("must not replace ({})", i)) + fault.bytes,
                        "PUT over an existing key, then " + fault.what, existing, "before"});
  }
  const std::string get_key = ctx.key("get");
  requests.push_back({pb_bytes_field(1, get_key) + pb_varint_field(3, kKindGet) + all[0].bytes,
                      "GET key, kind 1, then " + all[0].what, get_key, ""});
  return requests;
}

Message expected_after(const BadRequest& request) {
  return request.before.empty() ? make_get_miss(request.key)
                                : make_get_hit(request.key, request.before);
}

asio::awaitable<Verdict> bad_bodies_after_put_fields(CaseContext& ctx) {
  const std::string existing = ctx.key("existing");
  const std::vector<BadRequest> requests = bad_requests(ctx, existing);
  for (const BadRequest& request : requests) {
    Message probe;
    if (probe.ParseFromString(request.body)) {
      co_return error_verdict("harness bug: the 'bad' body parses: " + hex_bytes(request.body));
    }
  }
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await round_trip(ctx, *c, make_put(existing, "before"), make_put_ack(),
                               "ack of the PUT of the existing key"));
  for (const BadRequest& request : requests) {
    KV_CHECK(co_await c->send(encode_raw_frame_to_string(request.body),
                              ctx.options().response_timeout()));
    KV_CHECK(co_await expect_response(*c, make_error_response(),
                                      "the error response to the bad body " + request.name,
                                      ctx.options().response_timeout()));
  }
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  for (const BadRequest& request : requests) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(request.key), expected_after(request),
                                 "no effect of the bad body " + request.name));
  }
  // Closed first: a server of the sequential profile serves the fresh
  // connection only then.
  c->close();
  std::unique_ptr<WireSession> fresh;
  KV_CHECK(co_await ctx.open(fresh));
  for (const BadRequest& request : requests) {
    KV_CHECK(
        co_await round_trip(ctx, *fresh, make_get(request.key), expected_after(request),
                            "on a fresh connection, no effect of the bad body " + request.name));
  }
  co_return passed();
}

}  // namespace

void register_rejected_request_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 6);
  cases.add({
      .id = "6.7/bad-body-after-put-fields",
      .quote = "a rejected request has no effect, however much of it parsed before the fault",
      .sends = "on one connection, each frame in a write of its own: PUT e=before; then for each "
               "of 14 faults (a tag with no value, a varint cut short, an 11-byte varint, fixed32 "
               "and fixed64 cut short, a string past the body, a string of length 2^32 - 1, a "
               "second key or value that is not UTF-8, field number 0, wire types 6 and 7, an "
               "end-group with no start, a start-group with no end) three bodies: key, value, "
               "kind 3 then the fault; kind 3, key, value then the fault; the same over e; and "
               "one GET (key, kind 1, then a tag with no value)",
      .expects = "{kind 0, NotOk} for each of the 43 bodies; then, on that connection and on a "
                 "fresh one, every key of a bad PUT is a miss, e still holds \"before\"",
      .needs = {"6.4/garbage-body", "5.3/miss"},
      .run = bad_bodies_after_put_fields,
  });
}

}  // namespace kv
