// SPEC section 7, connection lifecycle: a server accepts connections for
// as long as it runs (7.1), no input on one connection harms the server or
// other connections (7.2), and a peer's reset never kills it (7.4).
#include <fmt/format.h>

#include <random>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

asio::awaitable<Verdict> connections_in_turn(CaseContext& ctx) {
  static constexpr int kConnections = 100;
  for (int i = 0; i < kConnections; ++i) {
    const std::string k = ctx.key(fmt::format("c{}", i));
    std::unique_ptr<WireSession> c;
    KV_CHECK(co_await ctx.open(c));
    KV_CHECK(co_await round_trip(ctx, *c, make_put(k, "v"), make_put_ack(),
                                 fmt::format("ack of the PUT on connection {} of {}", i + 1,
                                             kConnections)));
    c->close();
  }
  const std::string first = ctx.key("c0");
  KV_CHECK(co_await expect_on_fresh_connection(ctx, first, make_get_hit(first, "v")));
  co_return passed();
}

// Seeded bytes that are no protocol at all, apart from where they happen
// to look like a header.
std::string garbage(std::mt19937_64& rng, std::size_t size) {
  std::string bytes(size, '\0');
  for (char& b : bytes) b = static_cast<char>(rng() & 0xFFU);
  return bytes;
}

asio::awaitable<Verdict> garbage_then_new_connection(CaseContext& ctx) {
  static constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    std::unique_ptr<WireSession> c;
    KV_CHECK(co_await ctx.open(c));
    // Whatever the server answers, and whether it closes, is not judged
    // here: only that it goes on serving others.
    const std::string bytes = garbage(ctx.rng(), 64U << static_cast<unsigned>(round));
    // A server may close in the middle of the garbage: a failed send is
    // legal here and not judged.
    const Check sent = co_await c->send(bytes, StreamShape::random_chunks(ctx.rng()(), 512),
                                        ctx.options().response_timeout());
    static_cast<void>(sent);
    if (round % 2 == 0) {
      c->reset();
    } else {
      c->close();
    }
  }
  const std::string k = ctx.key("after-garbage");
  KV_CHECK(co_await put_and_get_back(ctx, k, "still served"));
  co_return passed();
}

asio::awaitable<Verdict> reset_with_pending_output(CaseContext& ctx) {
  static constexpr int kRounds = 3;
  static constexpr std::size_t kGets = 32;
  const std::string k = ctx.key("big");
  const std::size_t size = std::min<std::size_t>(1U << 20U, ctx.options().max_frame_bytes / 2);
  KV_CHECK(co_await put_and_get_back(ctx, k, std::string(size, 'r')));
  const std::string get = encode_frame_to_string(make_get(k));
  std::string pipeline;
  for (std::size_t i = 0; i < kGets; ++i) pipeline += get;
  for (int round = 0; round < kRounds; ++round) {
    std::unique_ptr<WireSession> c;
    KV_CHECK(co_await ctx.open(c));
    KV_CHECK(co_await c->send(pipeline, ctx.options().response_timeout()));
    // Read a little, so the server is surely writing, then reset.
    const ReadEvent first = co_await c->read_frame(ctx.options().bulk_timeout());
    if (first.kind != ReadEventKind::kFrame) {
      co_return fail_verdict("the first of 32 pipelined GET responses", describe_event(first));
    }
    c->reset();
  }
  KV_CHECK(co_await put_and_get_back(ctx, ctx.key("after-resets"), "still served"));
  co_return passed();
}

}  // namespace

void register_lifecycle_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 7);
  cases.add({
      .id = "7.1/connections-in-turn",
      .quote = "a server accepts connections for as long as it runs",
      .sends = "100 connections one after another, each a PUT then a close; then a GET of the "
               "first key on a new connection",
      .expects = "every connection is accepted and its PUT acknowledged; the GET hits",
      .needs = {"5.1/put-then-get", "10.2/visible-across-connections"},
      .run = connections_in_turn,
  });
  cases.add({
      .id = "7.2/garbage-then-new-connection",
      .quote = "no input on one connection may crash the server or harm other connections",
      .sends = "8 connections each send 64 B .. 8 KiB of seeded random bytes in random chunks, "
               "then reset or close; then PUT and GET on a new connection",
      .expects = "the new connection is served (what the server answered the garbage is not "
                 "judged here)",
      .needs = {"5.1/put-then-get"},
      .run = garbage_then_new_connection,
  });
  cases.add({
      .id = "7.4/reset-with-pending-output",
      .quote = "a server must not die when a peer resets the connection",
      .sends = "3 times: 32 pipelined GETs of a 1 MiB value, read one response, then reset (RST) "
               "with the rest unread; then PUT and GET on a new connection",
      .expects = "the new connection is served (the server survived writing to reset peers: no "
                 "SIGPIPE death)",
      .timing = Timing::kBulk,
      .needs = {"5.2/value-1mib", "2.5/coalesced"},
      .run = reset_with_pending_output,
  });
}

}  // namespace kv
