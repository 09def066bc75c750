// SPEC section 8, pipelining and half-close: any number of requests may be
// sent before reading, and all are answered in order (8.1); after the
// client's FIN every complete request is answered, then the server closes
// (8.2).
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
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
using namespace boost::asio::experimental::awaitable_operators;

// How long the writer may be stalled by the server's backpressure before
// the reader starts anyway (SPEC 8.1 allows the server to stop reading).
constexpr std::chrono::seconds kWriteStall{2};

// The two halves of a pipelined exchange on one connection. Both are
// awaited by their caller, whose frame owns every argument.
struct PipelineExchange {
  WireSession& session;
  const PipelineScript& script;
  CaseContext& ctx;
  bool writing = true;
  asio::steady_timer write_done;
};

asio::awaitable<Check> write_pipeline(PipelineExchange& x) {
  Check result = co_await x.session.send(x.script.stream, x.ctx.options().bulk_timeout());
  x.writing = false;
  x.write_done.cancel();
  co_return result;
}

asio::awaitable<Check> read_pipeline(PipelineExchange& x) {
  asio::steady_timer stall(x.write_done.get_executor());
  stall.expires_after(kWriteStall);
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  if (x.writing) co_await (x.write_done.async_wait(kTuple) || stall.async_wait(kTuple));
  if (x.writing) {
    x.ctx.log().info(0, fmt::format("writes stalled for {} s (server backpressure, legal): "
                                    "reading now",
                                    kWriteStall.count()));
  }
  co_return co_await expect_responses(x.session, x.script.responses, x.ctx.options().bulk_timeout(),
                                      x.ctx.options().response_timeout());
}

// Writes the whole pipeline in one write before reading any response; if
// the server's backpressure stalls the writes, the reader starts anyway.
asio::awaitable<Check> write_then_read(CaseContext& ctx, WireSession& c,
                                       const PipelineScript& script) {
  ctx.log().info(0, fmt::format("{} requests, {} bytes, in one write", script.frames.size(),
                                script.stream.size()));
  PipelineExchange exchange{c, script, ctx, true,
                            asio::steady_timer(co_await asio::this_coro::executor)};
  exchange.write_done.expires_at(asio::steady_timer::time_point::max());
  auto [written, read] = co_await (write_pipeline(exchange) && read_pipeline(exchange));
  KV_CHECK(std::move(written));
  KV_CHECK(std::move(read));
  co_return std::nullopt;
}

asio::awaitable<Verdict> deep_pipeline(CaseContext& ctx) {
  static constexpr std::size_t kRequests = 5000;
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = make_pipeline(ctx, kRequests, 16);
  KV_CHECK(co_await write_then_read(ctx, *c, script));
  co_return passed();
}

// The pipeline of small_frames: `requests` frames, nearly all a GET of the
// empty key (an 11-byte frame, so a 64 KiB read holds thousands of them),
// and every 16th a PUT or a GET of one of four keys of the case, whose
// changing values show any response out of place; then a GET of each.
PipelineScript small_frames_script(CaseContext& ctx, std::size_t requests,
                                   const std::string& empty_key_value) {
  PipelineScript script;
  auto add = [&](const Message& request, const Message& response) {
    script.frames.push_back(encode_frame_to_string(request));
    script.responses.push_back(response);
  };
  std::vector<std::string> keys;
  std::vector<std::string> values(4);
  for (int k = 0; k < 4; ++k) keys.push_back(ctx.key(fmt::format("k{}", k)));
  for (std::size_t i = 0; i < requests; ++i) {
    const std::size_t k = (i / 32) % keys.size();
    if (i % 32 == 0) {
      values[k] = std::to_string(i);
      add(make_put(keys[k], values[k]), make_put_ack());
    } else if (i % 32 == 16) {
      add(make_get(keys[k]), make_get_hit(keys[k], values[k]));
    } else {
      add(make_get(""), make_get_hit("", empty_key_value));
    }
  }
  for (std::size_t k = 0; k < keys.size(); ++k) {
    add(make_get(keys[k]), make_get_hit(keys[k], values[k]));
  }
  script.stream = coalesce(script.frames);
  return script;
}

asio::awaitable<Verdict> small_frames(CaseContext& ctx) {
  static constexpr std::size_t kRequests = 20000;
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  // A short value unique to this run, under the empty key: the case runs
  // solo, so no other case of the run writes that key meanwhile.
  const std::string value =
      fmt::format("{:08x}", std::hash<std::string>{}(ctx.key("v")) & 0xFFFFFFFFU);
  KV_CHECK(co_await round_trip(ctx, *c, make_put("", value), make_put_ack(),
                               "ack of PUT \"\" (before the pipeline)"));
  const PipelineScript script = small_frames_script(ctx, kRequests, value);
  KV_CHECK(co_await write_then_read(ctx, *c, script));
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

// The last frames of last_frames_with_fin: PUT x, GET x, GET of a key
// never written. Built outside the coroutine (GCC 12 and braced lists).
PipelineScript last_frames(const std::string& x, const std::string& absent) {
  PipelineScript script;
  script.frames = {encode_frame_to_string(make_put(x, "written with the FIN")),
                   encode_frame_to_string(make_get(x)), encode_frame_to_string(make_get(absent))};
  script.responses = {make_put_ack(), make_get_hit(x, "written with the FIN"),
                      make_get_miss(absent)};
  script.stream = coalesce(script.frames);
  return script;
}

// Answers to the earlier requests are read first, so the last frames come
// alone, in one write that the FIN follows at once.
asio::awaitable<Verdict> last_frames_with_fin(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript first = make_pipeline(ctx, 20, 2);
  KV_CHECK(co_await c->send(first.stream, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_responses(*c, first.responses, ctx.options().response_timeout()));
  const std::string x = ctx.key("x");
  const PipelineScript last = last_frames(x, ctx.key("absent"));
  KV_CHECK(co_await c->send(last.stream, ctx.options().response_timeout()));
  c->shutdown_send();
  KV_CHECK(co_await expect_responses(*c, last.responses, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_close(*c, "after answering the frames that came with the FIN",
                                 ctx.options().response_timeout()));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, x, make_get_hit(x, "written with the FIN")));
  co_return passed();
}

// How long fin_completes_split_frame waits between the two parts of its
// frame, so that the server reads them apart.
constexpr std::chrono::milliseconds kSplitFramePause{50};

asio::awaitable<Verdict> fin_completes_split_frame(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const std::string frame = encode_frame_to_string(make_put(k, "completed by the last write"));
  // All but the last 3 footer bytes, then those bytes and at once the FIN.
  const std::size_t cut = frame.size() - 3;
  KV_CHECK(
      co_await c->send(std::string_view(frame).substr(0, cut), ctx.options().response_timeout()));
  co_await pause(kSplitFramePause);
  KV_CHECK(co_await c->send(std::string_view(frame).substr(cut), ctx.options().response_timeout()));
  c->shutdown_send();
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT the FIN's write completed",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await expect_close(*c, "after answering the frame completed with the FIN",
                                 ctx.options().response_timeout()));
  KV_CHECK(
      co_await expect_on_fresh_connection(ctx, k, make_get_hit(k, "completed by the last write")));
  co_return passed();
}

// The responses of large_responses: 16 GETs of a value of at most 1 MiB,
// 16 MiB in all, more than the socket buffers between server and client
// hold.
constexpr std::size_t kLargeResponseBytes = 1U << 20U;
constexpr std::size_t kLargeResponseCount = 16;
constexpr std::uint32_t kLargeResponsesMinFrame = (64U << 10U) + 512;
// How long the client waits before it starts reading them: 500 ms, or a
// quarter of a shorter idle timeout (SPEC 9.1 lets the server close a
// connection that neither sends nor reads for that long).
std::chrono::milliseconds large_responses_stall(const RunOptions& options) {
  return std::min(std::chrono::milliseconds(500), options.idle_timeout / 4);
}

std::vector<Message> repeated_hits(const std::string& key, const std::string& value,
                                   std::size_t count) {
  return std::vector<Message>(count, make_get_hit(key, value));
}

asio::awaitable<Verdict> large_responses(CaseContext& ctx) {
  const RunOptions& options = ctx.options();
  const std::string key = ctx.key("k");
  const std::size_t size =
      std::min(kLargeResponseBytes, value_size_for_put_len(key, options.max_frame_bytes));
  if (size < (64U << 10U)) {
    co_return skipped(
        fmt::format("values of 64 KiB do not fit in LEN {}", options.max_frame_bytes));
  }
  const std::string value = patterned_value(size, 'a');
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_frame_to_string(make_put(key, value)), options.bulk_timeout()));
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT", options.bulk_timeout()));
  std::string gets;
  for (std::size_t i = 0; i < kLargeResponseCount; ++i) {
    gets += encode_frame_to_string(make_get(key));
  }
  KV_CHECK(co_await c->send(gets, options.response_timeout()));
  const auto stall = large_responses_stall(options);
  ctx.log().info(0, fmt::format("{} GETs of a {}-byte value sent in one write; reading none for "
                                "{} ms",
                                kLargeResponseCount, size, stall.count()));
  co_await pause(stall);
  KV_CHECK(co_await expect_responses(*c, repeated_hits(key, value, kLargeResponseCount),
                                     options.bulk_timeout(), options.response_timeout()));
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  co_return passed();
}

}  // namespace

void register_pipelining_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 8);
  cases.add({
      .id = "8.1/pipeline-5000",
      .quote = "a client may send any number of requests before reading; all are answered in "
               "order",
      .sends = "5000 PUT/GET requests written in one write before any response is read (if the "
               "writes stall 2 s on server backpressure, reading starts; that is legal)",
      .expects = "the 5000 responses, in order, none dropped",
      .timing = Timing::kBulk,
      .needs = {"2.5/coalesced"},
      .run = deep_pipeline,
  });
  cases.add({
      .id = "8.1/twenty-thousand-small-frames",
      .quote = "a client may send any number of requests before reading; all are answered in "
               "order",
      .sends = "PUT \"\"=<run-unique value>; then 20,004 requests in one write (about 240 KB): "
               "mostly GET \"\" (11-byte frames, thousands per 64 KiB read), every 16th a PUT or "
               "GET of one of 4 keys of the case, then a GET of each (solo: no other case writes "
               "\"\" meanwhile)",
      .expects = "the 20,004 responses, in order, none dropped",
      .timing = Timing::kBulk,
      .needs = {"8.1/pipeline-5000", "5.5/empty-key"},
      .solo = true,
      .run = small_frames,
  });
  cases.add({
      .id = "8.1/large-responses-backpressure",
      .quote = "the server may stop while its output is backed up, and never drops a response",
      .sends = "PUT k = 1 MiB (smaller if --max-frame-bytes is), then 16 GETs of k in one write "
               "(16 MiB of responses); nothing read for 500 ms (at most a quarter of the idle "
               "timeout), then everything at full speed",
      .expects = "the 16 hits, whole and in order, then a GET on the same connection is answered",
      .timing = Timing::kBulk,
      .needs = {"5.2/value-1mib", "2.5/coalesced"},
      .min_max_frame_bytes = kLargeResponsesMinFrame,
      .run = large_responses,
  });
  cases.add({
      .id = "8.2/last-frames-with-fin",
      .quote = "after the client's FIN, the server answers every complete request, then closes",
      .sends = "20 PUT/GET requests, whose responses are read; then PUT x, GET x, GET <absent> in "
               "one write followed at once by a half-close (FIN)",
      .expects = "the 3 responses in order (ack, hit, miss), then the server closes; x is stored "
                 "(a GET on a new connection hits)",
      .needs = {"8.2/half-close-pipelined"},
      .run = last_frames_with_fin,
  });
  cases.add({
      .id = "8.2/fin-completes-split-frame",
      .quote = "after the client's FIN, the server answers every complete request, then closes",
      .sends = "a PUT without its last 3 footer bytes; 50 ms later those 3 bytes and at once a "
               "half-close (FIN)",
      .expects = "the ack, then the server closes; the PUT is stored (a GET on a new connection "
                 "hits)",
      .needs = {"8.2/half-close-pipelined"},
      .run = fin_completes_split_frame,
  });
  cases.add({
      .id = "8.2/half-close-pipelined",
      .quote = "after the client's FIN, the server answers every complete request, then closes",
      .sends = "60 PUT/GET requests in one write, then a half-close (FIN)",
      .expects = "the 60 responses in order, then the server closes",
      .needs = {"2.5/coalesced"},
      .run = half_close_pipeline,
  });
}

}  // namespace kv
