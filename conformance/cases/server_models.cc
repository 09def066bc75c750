// SPEC section 11, server models: a sequential server serves waiting
// connections in full once the current one leaves (11.2); a concurrent
// server is not delayed by a client that stalls mid-frame (11.3).
#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

constexpr std::chrono::milliseconds kStall{200};

asio::awaitable<Verdict> stalled_client(CaseContext& ctx) {
  std::unique_ptr<WireSession> stalled;
  KV_CHECK(co_await ctx.open(stalled));
  const std::string ks = ctx.key("stalled");
  const std::string frame = encode_frame_to_string(make_put(ks, "finally"));
  const std::size_t half = frame.size() / 2;
  KV_CHECK(co_await stalled->send(frame.substr(0, half), ctx.options().response_timeout()));
  // Stall long enough for the server to have read the partial frame.
  co_await pause(kStall);
  ctx.log().info(0, fmt::format("connection 1 stalled mid-frame for {} ms; connection 2 must be "
                                "served meanwhile", kStall.count()));
  std::unique_ptr<WireSession> other;
  KV_CHECK(co_await ctx.open(other));
  const std::string k = ctx.key("other");
  KV_CHECK(co_await round_trip(ctx, *other, make_put(k, "v"), make_put_ack(),
                               "ack on connection 2 while connection 1 is stalled mid-frame"));
  KV_CHECK(co_await round_trip(ctx, *other, make_get(k), make_get_hit(k, "v"),
                               "GET on connection 2 while connection 1 is stalled mid-frame"));
  KV_CHECK(co_await stalled->send(frame.substr(half), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*stalled, make_put_ack(), "ack of the completed frame",
                                    ctx.options().response_timeout()));
  co_return passed();
}

asio::awaitable<Verdict> queued_clients_served(CaseContext& ctx) {
  std::unique_ptr<WireSession> first;
  KV_CHECK(co_await ctx.open(first));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await round_trip(ctx, *first, make_put(k, "from first"), make_put_ack(),
                               "ack on the connection being served"));
  std::vector<std::unique_ptr<WireSession>> waiting(2);
  std::vector<PipelineScript> scripts;
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    KV_CHECK(co_await ctx.open(waiting[i]));
    scripts.push_back(make_pipeline(ctx, 5, 1 + i));
    KV_CHECK(co_await waiting[i]->send(scripts[i].stream, ctx.options().response_timeout()));
  }
  ctx.log().info(0, "two more connections queued their requests; closing the first one");
  first->close();
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    KV_CHECK(co_await expect_responses(*waiting[i], scripts[i].responses,
                                       ctx.options().response_timeout()));
    waiting[i]->close();
  }
  KV_CHECK(co_await expect_on_fresh_connection(ctx, k, make_get_hit(k, "from first")));
  co_return passed();
}

}  // namespace

void register_server_model_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 11);
  cases.add({
      .id = "11.2/queued-clients-served",
      .scope = ProfileScope::kSequentialOnly,
      .quote = "sequential profile: waiting connections are served in full once the current one "
               "leaves",
      .sends = "connection 1 is served; connections 2 and 3 queue 5 pipelined requests each; 1 "
               "closes",
      .expects = "connections 2 and 3 get all their responses, in order",
      .needs = {"2.5/coalesced", "10.2/visible-across-connections"},
      .run = queued_clients_served,
  });
  cases.add({
      .id = "11.3/stalled-client-does-not-delay",
      .scope = ProfileScope::kConcurrentOnly,
      .quote = "a client that stalls mid-frame does not delay any other client's requests",
      .sends = "connection 1 sends half a PUT frame and stalls; connection 2 sends PUT and GET; "
               "then connection 1 completes its frame",
      .expects = "connection 2 is answered while 1 is stalled; then 1 gets its ack",
      .needs = {"2.5/split-every-offset"},
      .run = stalled_client,
  });
}

}  // namespace kv
