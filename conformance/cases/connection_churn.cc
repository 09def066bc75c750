// SPEC 7.5, connections over time: a server goes on accepting and serving
// however many connections came and went before, whichever way they
// ended. The case ends thousands of connections in ten ways, a few at a
// time, and after each round asks a fresh connection for a PUT and a GET;
// a server that leaks a descriptor or a slot on any one way of ending runs
// out after about a thousand of them, and the round in which it stops
// serving is named.
#include <fmt/format.h>

#include <algorithm>
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

// The ways a connection ends, from the server's point of view: a FIN or a
// reset from the client, before, after or in the middle of a request,
// after a half-close, with responses unread, or the server's own close
// after a framing error.
enum class Ending {
  kFinAtOnce,        // Connect, close (FIN) without a byte.
  kResetAtOnce,      // Connect, reset (RST) without a byte.
  kPutThenFin,       // PUT, its ack, close.
  kPutThenReset,     // PUT, its ack, reset.
  kHeaderThenFin,    // 3 bytes of a header, FIN; the server closes (6.5).
  kHalfFrameFin,     // Half a PUT frame, FIN; the server closes (6.5).
  kHalfFrameReset,   // Half a PUT frame, reset.
  kFramingError,     // A LEN 0 header; the server closes (6.1).
  kBadFooter,        // A PUT whose footer is wrong; the server closes (6.1).
  kHalfClose,        // PUT, FIN at once, its ack, the server's close (8.2).
  kUnreadResponses,  // 4 GETs of a 64 KiB value, one response read, reset.
  kBadBodyThenFin,   // A bad body, its error response, close.
};

// One cycle of endings, repeated. A server's code reaches the end of a
// connection by one of four paths: the client's FIN between frames (4
// endings), a reset (4), the client's FIN inside a frame (2) or a framing
// error (2). The endings of the last two come twice per cycle, so that
// each path ends a quarter of the connections.
constexpr Ending kCycle[] = {
    Ending::kFinAtOnce,      Ending::kHeaderThenFin,  Ending::kResetAtOnce,
    Ending::kFramingError,   Ending::kPutThenFin,     Ending::kHalfFrameFin,
    Ending::kPutThenReset,   Ending::kBadFooter,      Ending::kHalfClose,
    Ending::kHeaderThenFin,  Ending::kHalfFrameReset, Ending::kFramingError,
    Ending::kBadBodyThenFin, Ending::kHalfFrameFin,   Ending::kUnreadResponses,
    Ending::kBadFooter,
};
constexpr std::size_t kCycleLength = std::size(kCycle);

std::string_view ending_name(Ending ending) {
  switch (ending) {
    case Ending::kFinAtOnce:
      return "connect, then close (FIN) without a byte";
    case Ending::kResetAtOnce:
      return "connect, then reset (RST) without a byte";
    case Ending::kPutThenFin:
      return "PUT, ack, close";
    case Ending::kPutThenReset:
      return "PUT, ack, reset";
    case Ending::kHeaderThenFin:
      return "3 bytes of a header, FIN, the server's close";
    case Ending::kHalfFrameFin:
      return "half a PUT frame, FIN, the server's close";
    case Ending::kHalfFrameReset:
      return "half a PUT frame, reset";
    case Ending::kFramingError:
      return "a LEN 0 header, the server's close";
    case Ending::kBadFooter:
      return "a PUT with a wrong footer, the server's close";
    case Ending::kHalfClose:
      return "PUT and FIN, ack, the server's close";
    case Ending::kUnreadResponses:
      return "4 GETs of a 64 KiB value, one response read, reset";
    case Ending::kBadBodyThenFin:
      return "a bad body, its error response, close";
  }
  return "?";
}

// Cycles: each path then ends 1040 connections, more than 1024 (kvserver's
// default --max-connections, and a common descriptor limit), so a server
// that leaks on any one path runs out.
constexpr std::size_t kCycles = 260;
constexpr std::size_t kConnections = kCycles * kCycleLength;
// Connections open at once, and how many end between two checks that a
// fresh connection is served.
constexpr std::size_t kInFlight = 8;
constexpr std::size_t kRound = 1024;
constexpr std::size_t kUnreadValueBytes = 64U << 10U;
constexpr int kUnreadGets = 4;
constexpr std::uint32_t kMinFrame = kUnreadValueBytes + 256;

// What every connection of the case uses, built once.
struct ChurnScript {
  std::string put;          // PUT of a key of the case.
  std::string half_put;     // Its first half.
  std::string unread_gets;  // kUnreadGets GETs of the large value.
  Message large_hit;        // The response to one of them.
  std::string bad_body;     // A well-framed bad body.
  std::string bad_footer;   // The PUT with its last footer byte wrong.
};

// Waits for the server to end the connection, after at most one error
// response; within the response timeout.
asio::awaitable<Check> expect_server_close(CaseContext& ctx, WireSession& c, std::string_view why) {
  ReadEvent event = co_await c.read_frame(ctx.options().response_timeout());
  if (event.kind == ReadEventKind::kFrame && same_message(event.message, make_error_response())) {
    event = co_await c.read_frame(ctx.options().response_timeout());
  }
  if (event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kReset) {
    co_return std::nullopt;
  }
  co_return fail_verdict(fmt::format("the server closes the connection ({})", why),
                         describe_event(event));
}

asio::awaitable<Check> end_one(CaseContext& ctx, const ChurnScript& script, Ending ending) {
  std::unique_ptr<WireSession> c;
  if (std::string refused = co_await ctx.try_open(c); !refused.empty()) {
    co_return fail_verdict("the connection is accepted", refused);
  }
  const auto timeout = ctx.options().response_timeout();
  switch (ending) {
    case Ending::kFinAtOnce:
      c->close();
      break;
    case Ending::kResetAtOnce:
      c->reset();
      break;
    case Ending::kPutThenFin:
    case Ending::kPutThenReset:
      KV_CHECK(co_await c->send(script.put, timeout));
      KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT", timeout));
      if (ending == Ending::kPutThenFin) {
        c->close();
      } else {
        c->reset();
      }
      break;
    case Ending::kHeaderThenFin:
      KV_CHECK(co_await c->send(std::string_view(script.put).substr(0, 3), timeout));
      c->shutdown_send();
      KV_CHECK(co_await expect_server_close(ctx, *c, "EOF inside a header, SPEC 6.5"));
      c->close();
      break;
    case Ending::kHalfFrameFin:
      KV_CHECK(co_await c->send(script.half_put, timeout));
      c->shutdown_send();
      KV_CHECK(co_await expect_server_close(ctx, *c, "EOF inside a frame, SPEC 6.5"));
      c->close();
      break;
    case Ending::kHalfFrameReset:
      KV_CHECK(co_await c->send(script.half_put, timeout));
      c->reset();
      break;
    case Ending::kFramingError:
      KV_CHECK(co_await c->send(encode_header_to_string(0), timeout));
      KV_CHECK(co_await expect_server_close(ctx, *c, "after a framing error, SPEC 6.1"));
      c->close();
      break;
    case Ending::kBadFooter:
      KV_CHECK(co_await c->send(script.bad_footer, timeout));
      KV_CHECK(co_await expect_server_close(ctx, *c, "after a bad footer, SPEC 6.1"));
      c->close();
      break;
    case Ending::kHalfClose:
      KV_CHECK(co_await c->send(script.put, timeout));
      c->shutdown_send();
      KV_CHECK(
          co_await expect_response(*c, make_put_ack(), "ack of the PUT before the FIN", timeout));
      KV_CHECK(co_await expect_server_close(ctx, *c, "after a half-close, SPEC 8.2"));
      c->close();
      break;
    case Ending::kUnreadResponses:
      KV_CHECK(co_await c->send(script.unread_gets, timeout));
      KV_CHECK(co_await expect_response(*c, script.large_hit, "the first of the GET responses",
                                        ctx.options().bulk_timeout()));
      c->reset();
      break;
    case Ending::kBadBodyThenFin:
      KV_CHECK(co_await c->send(script.bad_body, timeout));
      KV_CHECK(co_await expect_response(*c, make_error_response(),
                                        "the error response to the bad body", timeout));
      c->close();
      break;
  }
  co_return std::nullopt;
}

// One of kInFlight workers of a round: the connections first + worker,
// first + worker + kInFlight, ... below `end`, each ended the way its
// number says.
asio::awaitable<Check> worker(CaseContext& ctx, const ChurnScript& script, std::size_t first,
                              std::size_t end, std::size_t index) {
  for (std::size_t n = first + index; n < end; n += kInFlight) {
    const Ending ending = kCycle[n % kCycleLength];
    if (Check failed = co_await end_one(ctx, script, ending)) {
      failed->observed = fmt::format("{} (connection {} of {}, ended \"{}\", after {} others)",
                                     failed->observed, n + 1, kConnections, ending_name(ending), n);
      co_return failed;
    }
  }
  co_return std::nullopt;
}

asio::awaitable<Check> round_of(CaseContext& ctx, const ChurnScript& script, std::size_t first,
                                std::size_t end) {
  std::vector<CheckTask> tasks;
  for (std::size_t i = 0; i < kInFlight; ++i) {
    tasks.push_back([&ctx, &script, first, end, i] { return worker(ctx, script, first, end, i); });
  }
  co_return co_await run_concurrently(std::move(tasks));
}

ChurnScript churn_script(CaseContext& ctx, const std::string& large_key,
                         const std::string& large_value) {
  ChurnScript script;
  script.put = encode_frame_to_string(make_put(ctx.key("k"), "churn"));
  script.half_put = script.put.substr(0, script.put.size() / 2);
  for (int i = 0; i < kUnreadGets; ++i) {
    script.unread_gets += encode_frame_to_string(make_get(large_key));
  }
  script.large_hit = make_get_hit(large_key, large_value);
  script.bad_body = encode_raw_frame_to_string(std::string("\xff\xff", 2));
  script.bad_footer = script.put;
  script.bad_footer.back() = '#';
  return script;
}

asio::awaitable<Verdict> connections_ended_every_way(CaseContext& ctx) {
  const std::string large_key = ctx.key("large");
  const std::string large_value = patterned_value(kUnreadValueBytes, 'a');
  KV_CHECK(co_await put_and_get_back(ctx, large_key, large_value));
  const ChurnScript script = churn_script(ctx, large_key, large_value);
  const std::string probe = ctx.key("probe");
  for (std::size_t first = 0; first < kConnections; first += kRound) {
    const std::size_t end = std::min(first + kRound, kConnections);
    KV_CHECK(co_await round_of(ctx, script, first, end));
    ctx.log().info(0, fmt::format("{} connections ended; a fresh connection must be served", end));
    std::unique_ptr<WireSession> fresh;
    if (std::string refused = co_await ctx.try_open(fresh); !refused.empty()) {
      co_return fail_verdict(
          fmt::format("after {} connections ended, a new connection is accepted", end), refused);
    }
    const std::string value = std::to_string(end);
    const std::string after = fmt::format("after {} connections ended", end);
    KV_CHECK(co_await round_trip(ctx, *fresh, make_put(probe, value), make_put_ack(),
                                 "ack of a PUT on a fresh connection " + after));
    KV_CHECK(co_await round_trip(ctx, *fresh, make_get(probe), make_get_hit(probe, value),
                                 "GET on a fresh connection " + after));
    fresh->close();
  }
  co_return passed();
}

std::string every_ending() {
  std::string text;
  for (std::size_t i = 0; i < kCycleLength; ++i) {
    const Ending ending = kCycle[i];
    if (std::find(kCycle, kCycle + i, ending) != kCycle + i) continue;
    const auto times = std::count(kCycle, kCycle + kCycleLength, ending);
    text +=
        fmt::format("{}{} \"{}\"", text.empty() ? "" : "; ", kCycles * times, ending_name(ending));
  }
  return text;
}

}  // namespace

void register_connection_churn_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 7);
  cases.add({
      .id = "7.5/connections-ended-every-way",
      .quote = "a server accepts and serves new connections however many ended before, "
               "whichever way they ended",
      .sends = fmt::format("{} connections, {} at a time, ended in turn: {}; after every {} a "
                           "PUT and a GET on a fresh connection (solo: the churn would load the "
                           "server under the other cases' timing)",
                           kConnections, kInFlight, every_ending(), kRound),
      .expects = "every connection accepted and every request of it answered; each fresh "
                 "connection's PUT acknowledged and its GET a hit",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get", "7.1/connections-in-turn"},
      .solo = true,
      .min_max_frame_bytes = kMinFrame,
      .run = connections_ended_every_way,
  });
}

}  // namespace kv
