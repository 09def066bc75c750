// SPEC 10.4, order of effect: requests sent on one connection take effect
// in the order sent, even when they are pipelined in one write and so
// overlap (10.1 alone would let them take effect in any order). A server
// that answers a write's GETs from the store as it was before that write's
// PUTs, or applies the PUTs of one write in another order, fails.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// How many keys each pattern of the scripts repeats on.
constexpr int kKeysPerPattern = 8;

void add(PipelineScript& script, const Message& request, const Message& response) {
  script.frames.push_back(encode_frame_to_string(request));
  script.responses.push_back(response);
}

// PUT a GET of the same key right behind it; GET, PUT, GET of a key never
// written; and a key written and read three times in turn. Every GET is
// answered by the PUTs before it in the write, and by none after it.
PipelineScript reads_after_writes_script(CaseContext& ctx) {
  PipelineScript script;
  for (int i = 0; i < kKeysPerPattern; ++i) {
    const std::string a = ctx.key(fmt::format("put-get-{}", i));
    const std::string value = fmt::format("written just before the GET ({})", i);
    add(script, make_put(a, value), make_put_ack());
    add(script, make_get(a), make_get_hit(a, value));
  }
  for (int i = 0; i < kKeysPerPattern; ++i) {
    const std::string b = ctx.key(fmt::format("get-put-get-{}", i));
    const std::string value = fmt::format("written between the GETs ({})", i);
    add(script, make_get(b), make_get_miss(b));
    add(script, make_put(b, value), make_put_ack());
    add(script, make_get(b), make_get_hit(b, value));
  }
  const std::string c = ctx.key("turns");
  for (int turn = 1; turn <= 3; ++turn) {
    add(script, make_put(c, std::to_string(turn)), make_put_ack());
    add(script, make_get(c), make_get_hit(c, std::to_string(turn)));
  }
  script.stream = coalesce(script.frames);
  return script;
}

// Only PUTs: one key written 8 times, and two keys written in turn; the
// values they must end with.
struct WritesScript {
  PipelineScript pipeline;
  std::vector<KeyValue> final_values;
};

WritesScript writes_in_order_script(CaseContext& ctx) {
  WritesScript script;
  const std::string w = ctx.key("w");
  for (int i = 1; i <= kKeysPerPattern; ++i) {
    add(script.pipeline, make_put(w, std::to_string(i)), make_put_ack());
  }
  script.final_values.push_back(
      {w, std::to_string(kKeysPerPattern), fmt::format("w, written 1 to {}", kKeysPerPattern)});
  const std::string x = ctx.key("x");
  const std::string y = ctx.key("y");
  for (int i = 1; i <= 3; ++i) {
    add(script.pipeline, make_put(x, fmt::format("x{}", i)), make_put_ack());
    if (i < 3) add(script.pipeline, make_put(y, fmt::format("y{}", i)), make_put_ack());
  }
  script.final_values.push_back({x, "x3", "x, written x1, x2, x3 between the PUTs of y"});
  script.final_values.push_back({y, "y2", "y, written y1, y2 between the PUTs of x"});
  script.pipeline.stream = coalesce(script.pipeline.frames);
  return script;
}

asio::awaitable<Verdict> reads_after_writes(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = reads_after_writes_script(ctx);
  ctx.log().info(0, fmt::format("{} requests ({} bytes) in one write", script.frames.size(),
                                script.stream.size()));
  KV_CHECK(co_await c->send(script.stream, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_responses(*c, script.responses, ctx.options().response_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> writes_in_order(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const WritesScript script = writes_in_order_script(ctx);
  ctx.log().info(0, fmt::format("{} PUTs ({} bytes) in one write", script.pipeline.frames.size(),
                                script.pipeline.stream.size()));
  KV_CHECK(co_await c->send(script.pipeline.stream, ctx.options().response_timeout()));
  KV_CHECK(
      co_await expect_responses(*c, script.pipeline.responses, ctx.options().response_timeout()));
  for (const KeyValue& entry : script.final_values) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(entry.key), make_get_hit(entry.key, entry.value),
                                 "GET, after the acks, of " + entry.name));
  }
  // Closed first: a server of the sequential profile serves the fresh
  // connections only then.
  c->close();
  for (const KeyValue& entry : script.final_values) {
    KV_CHECK(
        co_await expect_on_fresh_connection(ctx, entry.key, make_get_hit(entry.key, entry.value)));
  }
  co_return passed();
}

}  // namespace

void register_order_of_effect_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 10);
  cases.add({
      .id = "10.4/get-after-put-in-one-write",
      .quote = "requests on one connection take effect in the order sent: a GET pipelined behind "
               "a PUT sees it, one pipelined before it does not",
      .sends = "one write of 46 requests: 8 times PUT a_i then GET a_i; 8 times GET b_i, PUT "
               "b_i, GET b_i (b_i never written before); PUT c=1, GET c, PUT c=2, GET c, PUT "
               "c=3, GET c",
      .expects = "every response in order: each GET a_i a hit with the value just written; each "
                 "first GET b_i a miss and the second a hit; GET c returns 1, 2, 3",
      .needs = {"2.5/coalesced", "10.2/visible-across-connections"},
      .run = reads_after_writes,
  });
  cases.add({
      .id = "10.4/puts-in-one-write-apply-in-order",
      .quote = "the PUTs of one connection are applied in the order sent, even in one write",
      .sends = "one write of 13 PUTs: w=1 .. w=8, then x=x1, y=y1, x=x2, y=y2, x=x3; after the "
               "acks, GET w, x and y on the same connection and on fresh ones",
      .expects = "13 acks; w is 8, x is x3 and y is y2 on every connection",
      .needs = {"2.5/coalesced", "10.2/visible-across-connections"},
      .run = writes_in_order,
  });
}

}  // namespace kv
