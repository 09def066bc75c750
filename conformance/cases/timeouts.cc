// SPEC section 9, timeouts: a connection that delivers a byte at least
// every 100 ms is never timed out (9.2).
#include <fmt/format.h>

#include <functional>

#include "codec/frame_encoder.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "conformance/messages.h"
#include "conformance/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

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

}  // namespace

void register_timeouts_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 9);
  cases.add({
      .id = "9.2/slow-drip",
      .quote = "a connection that delivers at least one byte every 100 ms is never timed out",
      .sends = "a short PUT (~30 bytes) sent one byte per write at the drip interval (--drip-ms, "
               "default 50 ms), then GET",
      .expects = "an ack, then a hit",
      .timing = Timing::kSlowDrip,
      .needs = {"2.5/byte-by-byte"},
      .solo = true,
      .run = slow_drip,
  });
}

}  // namespace kv
