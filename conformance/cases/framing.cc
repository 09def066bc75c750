// SPEC section 2, framing: frame boundaries come from LEN alone (2.4), and
// a stream decodes the same however it is cut into reads (2.5).
#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

struct Exchange {
  std::string frame;
  Message want;
  std::string name;
};

// Built outside the coroutine: GCC 12 cannot keep braced initializer lists
// in coroutine frames.
std::vector<Exchange> put_then_get(const std::string& key, const std::string& value) {
  return {{encode_frame_to_string(make_put(key, value)), make_put_ack(), "PUT"},
          {encode_frame_to_string(make_get(key)), make_get_hit(key, value), "GET"}};
}

asio::awaitable<Verdict> split_every_offset(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const std::vector<Exchange> exchanges = put_then_get(k, "v@EOF@");
  for (const auto& [frame, want, name] : exchanges) {
    for (std::size_t offset = 1; offset < frame.size(); ++offset) {
      KV_CHECK(co_await c->send(frame, StreamShape::split_at(offset),
                                ctx.options().response_timeout()));
      KV_CHECK(co_await expect_response(*c, want, fmt::format("{} split at offset {}", name, offset),
                                        ctx.options().response_timeout()));
    }
  }
  co_return passed();
}

asio::awaitable<Verdict> shaped_run(CaseContext& ctx, StreamShape shape, std::size_t requests) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = make_pipeline(ctx, requests, 4);
  ctx.log().info(0, fmt::format("{} requests, {} bytes, sent as {}", requests,
                                script.stream.size(), describe_shape(shape)));
  KV_CHECK(co_await c->send(script.stream, shape, ctx.options().bulk_timeout()));
  KV_CHECK(co_await expect_responses(*c, script.responses, ctx.options().bulk_timeout(),
                                     ctx.options().response_timeout()));
  co_return passed();
}

CaseFn byte_by_byte_case() {
  return [](CaseContext& ctx) { return shaped_run(ctx, StreamShape::byte_by_byte(), 6); };
}

CaseFn random_chunks_case() {
  return [](CaseContext& ctx) {
    return shaped_run(ctx, StreamShape::random_chunks(ctx.rng()(), 97), 400);
  };
}

CaseFn coalesced_case() {
  return [](CaseContext& ctx) { return shaped_run(ctx, StreamShape::whole(), 200); };
}

}  // namespace

void register_framing_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 2);
  cases.add({
      .id = "2.4/footer-in-key-and-value",
      .quote = "footer bytes inside BODY are ordinary data; receivers must not scan for @EOF@",
      .sends = "PUT k=v then GET k on one connection, each frame in one write, where key and "
               "value contain \"@EOF@\"",
      .expects = "{kind 3, Ok} for the PUT, then {key k, value v, kind 2, Ok}",
      .needs = {"5.1/put-then-get"},
      .run = put_get_case("key-with-@EOF@-inside", "@EOF@value@EOF@@EOF@"),
  });
  cases.add({
      .id = "2.5/split-every-offset",
      .quote = "a receiver decodes a stream identically however it is split into reads",
      .sends = "PUT k=\"v@EOF@\" then GET k, each sent once per cut offset 1..len-1 as two "
               "writes 2 ms apart",
      .expects = "an ack for every PUT, a hit for every GET",
      .needs = {"5.1/put-then-get"},
      .solo = true,
      .run = split_every_offset,
  });
  cases.add({
      .id = "2.5/byte-by-byte",
      .quote = "a receiver decodes a stream delivered byte by byte",
      .sends = "6 pipelined PUT/GET requests (every key read back), one byte per write, 1 ms "
               "apart",
      .expects = "the 6 responses, in order",
      .needs = {"5.1/put-then-get"},
      .solo = true,
      .run = byte_by_byte_case(),
  });
  cases.add({
      .id = "2.5/random-chunks-pipeline",
      .quote = "a receiver decodes a stream however fragmented",
      .sends = "400 pipelined PUT/GET requests cut into writes of seeded random size 1..97 bytes",
      .expects = "the 400 responses, in order",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get", "2.5/coalesced"},
      .run = random_chunks_case(),
  });
  cases.add({
      .id = "2.5/coalesced",
      .quote = "a receiver decodes many frames coalesced in one read",
      .sends = "200 PUT/GET requests in a single write",
      .expects = "the 200 responses, in order",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .run = coalesced_case(),
  });
}

}  // namespace kv
