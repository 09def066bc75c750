// Cases for stream shapes (SPEC 2.5, 8.1, 8.2, 9.2): the same requests,
// cut into writes in every way a TCP stream may be, and pipelined deeply.
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <functional>

#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "codec/frame_encoder.h"
#include "conformance/messages.h"

using namespace boost::asio::experimental::awaitable_operators;

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
  KV_CHECK(co_await expect_responses(*c, script.responses, ctx.options().bulk_timeout()));
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

asio::awaitable<Verdict> slow_drip(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  // A short key keeps the dripped frame short; it is still unique per case
  // and seed.
  const std::string k = fmt::format("{:08x}", std::hash<std::string>{}(ctx.key("k")) & 0xFFFFFFFFU);
  const std::string value = fmt::format("{}", ctx.options().seed % 1000);
  const std::string frame = encode_frame_to_string(make_put(k, value));
  const StreamShape shape = StreamShape::slow_drip(ctx.options().drip_interval);
  ctx.log().info(0, fmt::format("{} bytes sent as {}", frame.size(), describe_shape(shape)));
  const auto drip_time = ctx.options().drip_interval * static_cast<long>(frame.size());
  KV_CHECK(co_await c->send(frame, shape, drip_time + ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the dripped PUT",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, value), "GET"));
  co_return passed();
}

// Writes the whole pipeline before reading any response. A server may
// legally stop reading while its output is backed up (SPEC 8.1), so if the
// writes stall for `stall` the reader starts anyway; that is noted, not failed.
asio::awaitable<Verdict> deep_pipeline(CaseContext& ctx) {
  static constexpr std::size_t kRequests = 5000;
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = make_pipeline(ctx, kRequests, 16);
  ctx.log().info(0, fmt::format("{} requests, {} bytes, in one write", kRequests,
                                script.stream.size()));
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer write_done(executor);
  write_done.expires_at(asio::steady_timer::time_point::max());
  Check write_result;
  bool writing = true;
  asio::co_spawn(
      executor,
      [&]() -> asio::awaitable<void> {
        write_result = co_await c->send(script.stream, ctx.options().bulk_timeout());
        writing = false;
        write_done.cancel();
      },
      asio::detached);
  asio::steady_timer stall(executor);
  stall.expires_after(std::chrono::seconds(2));
  if (writing) {
    co_await (write_done.async_wait(asio::as_tuple(asio::use_awaitable)) ||
              stall.async_wait(asio::as_tuple(asio::use_awaitable)));
  }
  if (writing) {
    ctx.log().info(0, "writes stalled for 2 s (server backpressure, legal): reading now");
  }
  Check read_result = co_await expect_responses(*c, script.responses, ctx.options().bulk_timeout());
  while (writing) {
    write_done.expires_after(std::chrono::milliseconds(10));
    co_await write_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  KV_CHECK(std::move(write_result));
  KV_CHECK(std::move(read_result));
  co_return passed();
}

asio::awaitable<Verdict> half_close_pipeline(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = make_pipeline(ctx, 60, 3);
  KV_CHECK(co_await c->send(script.stream, ctx.options().response_timeout()));
  c->shutdown_send();
  KV_CHECK(co_await expect_responses(*c, script.responses, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_close(*c, "after answering everything sent before the FIN",
                                 ctx.options().response_timeout()));
  co_return passed();
}

}  // namespace

void register_streams_cases(CaseRegistry& r) {
  r.add({"2.5/split-every-offset", "2.5", Level::kMust, ProfileScope::kAny,
         "a receiver decodes a stream identically however it is split into reads",
         "PUT k=\"v@EOF@\" then GET k, each sent once per cut offset 1..len-1 as two writes 2 ms apart",
         "an ack for every PUT, a hit for every GET", "", Timing::kResponse, split_every_offset});
  r.add({"2.5/byte-by-byte", "2.5", Level::kMust, ProfileScope::kAny,
         "a receiver decodes a stream delivered byte by byte",
         "6 pipelined PUT/GET requests, one byte per write, 1 ms apart",
         "the 6 responses, in order", "", Timing::kResponse, byte_by_byte_case()});
  r.add({"2.5/random-chunks-pipeline", "2.5", Level::kMust, ProfileScope::kAny,
         "a receiver decodes a stream however fragmented",
         "400 pipelined PUT/GET requests cut into writes of seeded random size 1..97 bytes",
         "the 400 responses, in order", "", Timing::kBulk, random_chunks_case()});
  r.add({"2.5/coalesced", "2.5", Level::kMust, ProfileScope::kAny,
         "a receiver decodes many frames coalesced in one read",
         "200 PUT/GET requests in a single write", "the 200 responses, in order", "",
         Timing::kBulk, coalesced_case()});
  r.add({"8.1/pipeline-5000", "8.1", Level::kMust, ProfileScope::kAny,
         "a client may send any number of requests before reading; all are answered in order",
         "5000 PUT/GET requests written in one write before any response is read "
         "(if the writes stall 2 s on server backpressure, reading starts; that is legal)",
         "the 5000 responses, in order, none dropped", "", Timing::kBulk, deep_pipeline});
  r.add({"8.2/half-close-pipelined", "8.2", Level::kMust, ProfileScope::kAny,
         "after the client's FIN, the server answers every complete request, then closes",
         "60 PUT/GET requests in one write, then a half-close (FIN)",
         "the 60 responses in order, then the server closes", "", Timing::kResponse,
         half_close_pipeline});
  r.add({"9.2/slow-drip", "9.2", Level::kMust, ProfileScope::kAny,
         "a connection that delivers at least one byte every 100 ms is never timed out",
         "a short PUT (~30 bytes) sent one byte per write at the drip interval "
         "(--drip-ms, default 50 ms), then GET",
         "an ack, then a hit", "", Timing::kSlowDrip, slow_drip});
}

}  // namespace kv
