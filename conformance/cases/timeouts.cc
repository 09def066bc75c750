// SPEC section 9, timeouts: a connection that delivers a byte at least
// every 100 ms is never timed out (9.2).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

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

// The large responses of slow_reader: values of at most 1 MiB (less if
// the run's maximum LEN is smaller), and enough GETs that their responses
// (16 MiB or more) outgrow every socket buffer between server and client.
constexpr std::size_t kSlowReaderValueBytes = 1U << 20U;
constexpr std::size_t kSlowReaderTotalBytes = 16U << 20U;
constexpr std::uint32_t kSlowReaderMinFrame = (64U << 10U) + 512;

// The GETs of slow_reader, alternating between the two keys, and the hits
// a correct server answers them with.
struct SlowReaderScript {
  std::string gets;
  std::vector<Message> responses;
};

SlowReaderScript slow_reader_script(const std::string (&keys)[2], const std::string (&values)[2],
                                    std::size_t count) {
  SlowReaderScript script;
  for (std::size_t i = 0; i < count; ++i) {
    script.gets += encode_frame_to_string(make_get(keys[i % 2]));
    script.responses.push_back(make_get_hit(keys[i % 2], values[i % 2]));
  }
  return script;
}

// How slow_reader paces itself. The stall, in which the client neither
// sends nor reads, stays below a third of the idle timeout (SPEC 9.1 lets
// a server close a connection silent for the whole idle timeout). The slow
// reading then lasts 1.5 idle timeouts, clamped to 1-2 s: with a short
// --idle-timeout-ms the client sends no byte for longer than the idle
// timeout while it reads, which is what SPEC 9.3 protects.
std::chrono::milliseconds slow_reader_stall(const RunOptions& options) {
  return std::min(std::chrono::milliseconds(1000), options.idle_timeout / 3);
}

std::chrono::milliseconds slow_reader_drain(const RunOptions& options) {
  return std::clamp(options.idle_timeout * 3 / 2, std::chrono::milliseconds(1000),
                    std::chrono::milliseconds(2000));
}

asio::awaitable<Verdict> slow_reader(CaseContext& ctx) {
  const RunOptions& options = ctx.options();
  const std::string keys[2] = {ctx.key("a"), ctx.key("b")};
  const std::size_t size =
      std::min(kSlowReaderValueBytes, value_size_for_put_len(keys[0], options.max_frame_bytes));
  if (size < (64U << 10U)) {
    co_return skipped(
        fmt::format("values of 64 KiB do not fit in LEN {}", options.max_frame_bytes));
  }
  const std::string values[2] = {patterned_value(size, 'a'), patterned_value(size, 'A')};
  const std::size_t count = std::max<std::size_t>(16, kSlowReaderTotalBytes / size);
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  for (int k = 0; k < 2; ++k) {
    KV_CHECK(co_await c->send(encode_frame_to_string(make_put(keys[k], values[k])),
                              options.bulk_timeout()));
    KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of a PUT of a large value",
                                      options.bulk_timeout()));
  }
  const SlowReaderScript script = slow_reader_script(keys, values, count);
  KV_CHECK(co_await c->send(script.gets, options.response_timeout()));
  const auto gets_sent = std::chrono::steady_clock::now();
  const auto stall = slow_reader_stall(options);
  const auto pace = slow_reader_drain(options) / static_cast<long>(count);
  ctx.log().info(
      0, fmt::format("{} GETs of {}-byte values sent; not reading for {} ms, then one "
                     "response every {} ms (idle timeout {} ms)",
                     count, size, stall.count(), pace.count(), options.idle_timeout.count()));
  co_await pause(stall);
  // An absolute schedule: response i is read at the earliest at start +
  // i * pace, so slow reads do not add up.
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    co_await pause_until(start + pace * static_cast<long>(i));
    KV_CHECK(co_await expect_response(*c, script.responses[i],
                                      fmt::format("response {} of {} (a GET of a large value), "
                                                  "read slowly",
                                                  i + 1, count),
                                      options.response_timeout()));
  }
  // SPEC 9.1 times idleness by input alone and 9.3 protects only the
  // reading: once the last response is out, a server may close a
  // connection that has sent it nothing for its idle timeout. So the
  // connection must still be open only while the GETs are recent enough,
  // with a margin of half the idle timeout for a loaded machine.
  const auto silent = std::chrono::steady_clock::now() - gets_sent;
  if (silent < options.idle_timeout / 2) {
    KV_CHECK(co_await expect_connection_open(ctx, *c));
  } else {
    ctx.log().info(0, fmt::format("every response read; the client has sent nothing for {} ms, "
                                  "over half the idle timeout, so the server may close now",
                                  std::chrono::duration_cast<std::chrono::milliseconds>(silent)
                                      .count()));
  }
  co_return passed();
}

// The gap of gaps_near_limit: close to SPEC 9.2's 100 ms, with room for
// the scheduling noise of a loaded machine on either side.
constexpr std::chrono::milliseconds kNearLimitGap{90};

// Where gaps_near_limit cuts the PUT frame `put` (followed by a GET frame):
// inside the header, at the start, middle and end of the body, at every
// byte of the footer, and between the two frames.
std::vector<std::size_t> near_limit_cuts(std::size_t put_bytes) {
  const std::size_t footer = put_bytes - kFooterBytes;
  const std::size_t body_middle = (kHeaderBytes + footer) / 2;
  std::vector<std::size_t> cuts = {1, 3, kHeaderBytes, body_middle};
  for (std::size_t i = 0; i <= kFooterBytes; ++i) cuts.push_back(footer + i);
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

asio::awaitable<Verdict> gaps_near_limit(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const std::string value = fmt::format("{}", ctx.options().seed % 1000);
  const std::string put = encode_frame_to_string(make_put(k, value));
  const std::string stream = put + encode_frame_to_string(make_get(k));
  std::vector<std::size_t> cuts = near_limit_cuts(put.size());
  cuts.push_back(stream.size());
  ctx.log().info(0, fmt::format("PUT and GET ({} bytes) sent in {} writes, one every {} ms on an "
                                "absolute schedule, cut inside header, body and footer",
                                stream.size(), cuts.size(), kNearLimitGap.count()));
  // Write i is sent at start + i * gap, so a late write does not delay the
  // ones after it; the gaps average exactly the nominal gap.
  const auto start = std::chrono::steady_clock::now();
  std::size_t from = 0;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    co_await pause_until(start + kNearLimitGap * static_cast<long>(i));
    KV_CHECK(co_await c->send(std::string_view(stream).substr(from, cuts[i] - from),
                              ctx.options().response_timeout()));
    from = cuts[i];
  }
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT sent with gaps",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, make_get_hit(k, value), "hit of the GET sent with gaps",
                                    ctx.options().response_timeout()));
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
  cases.add({
      .id = "9.2/gaps-near-100ms",
      .quote = "a connection that delivers at least one byte every 100 ms is never timed out",
      .sends = "a PUT then a GET (~70 bytes) in 11 writes 90 ms apart on an absolute schedule "
               "(no drift), cut inside the header, in the body, at every footer byte and between "
               "the frames",
      .expects = "an ack, then a hit",
      .timing = Timing::kSlowDrip,
      .needs = {"9.2/slow-drip"},
      .solo = true,
      .run = gaps_near_limit,
  });
  cases.add({
      .id = "9.3/slow-reader-of-large-responses",
      .quote = "a server must not time out a connection while it holds unsent responses for it "
               "and the client is reading them",
      .sends =
          "PUT two keys with 1 MiB values (smaller if --max-frame-bytes is), then 16 GETs "
          "of them in one write (16 MiB of responses); no read for min(1 s, a third of the idle "
          "timeout), then one response read every ~125 ms, the whole reading lasting 1.5 "
          "idle timeouts clamped to 1-2 s (run with a short --idle-timeout-ms, on server and "
          "runner, to read for longer than the idle timeout)",
      .expects = "every response intact and in order; the connection still open (a GET after "
                 "them is answered) when the GETs were sent less than half the idle timeout "
                 "before",
      .timing = Timing::kPauses,
      .needs = {"5.2/value-1mib", "8.1/large-responses-backpressure"},
      .min_max_frame_bytes = kSlowReaderMinFrame,
      .run = slow_reader,
  });
}

}  // namespace kv
