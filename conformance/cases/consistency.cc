// SPEC section 10, consistency: operations are linearizable (10.1), an
// acknowledged write is visible on every connection (10.2), and concurrent
// writers lose nothing (10.3). The concurrent-profile cases use several
// connections at once and are SKIPped for a sequential server.
#include <fmt/format.h>

#include <map>
#include <random>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/cases/linearizability.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

asio::awaitable<Check> writer_task(CaseContext& ctx, int writer, std::size_t puts,
                                   std::uint64_t chunk_seed) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < puts; ++i) {
    frames.push_back(encode_frame_to_string(
        make_put(ctx.key(fmt::format("w{}-{}", writer, i)), fmt::format("value-{}-{}", writer, i))));
  }
  KV_CHECK(co_await c->send(coalesce(frames), StreamShape::random_chunks(chunk_seed, 300),
                            ctx.options().bulk_timeout()));
  KV_CHECK(co_await expect_responses(*c, std::vector<Message>(puts, make_put_ack()),
                                     ctx.options().bulk_timeout(),
                                     ctx.options().response_timeout()));
  co_return std::nullopt;
}

asio::awaitable<Verdict> writers_lose_nothing(CaseContext& ctx) {
  static constexpr int kWriters = 8;
  static constexpr std::size_t kPuts = 100;
  std::vector<CheckTask> tasks;
  // Every random choice is drawn here, in order, so that the run does not
  // depend on which connection the scheduler happens to serve first.
  for (int w = 0; w < kWriters; ++w) {
    const std::uint64_t chunk_seed = ctx.rng()();
    tasks.push_back([&ctx, w, chunk_seed]() { return writer_task(ctx, w, kPuts, chunk_seed); });
  }
  KV_CHECK(co_await run_concurrently(std::move(tasks)));
  std::unique_ptr<WireSession> reader;
  KV_CHECK(co_await ctx.open(reader));
  std::vector<std::string> gets;
  std::vector<Message> want;
  for (int w = 0; w < kWriters; ++w) {
    for (std::size_t i = 0; i < kPuts; ++i) {
      const std::string k = ctx.key(fmt::format("w{}-{}", w, i));
      gets.push_back(encode_frame_to_string(make_get(k)));
      want.push_back(make_get_hit(k, fmt::format("value-{}-{}", w, i)));
    }
  }
  KV_CHECK(co_await reader->send(coalesce(gets), ctx.options().bulk_timeout()));
  KV_CHECK(co_await expect_responses(*reader, want, ctx.options().bulk_timeout(),
                                     ctx.options().response_timeout()));
  co_return passed();
}

struct History {
  std::map<std::string, std::vector<RegisterOp>> by_key;
};

asio::awaitable<Check> history_client(CaseContext& ctx, int client, std::vector<std::string> keys,
                                      std::size_t ops, std::uint64_t seed, History& history) {
  std::mt19937_64 rng(seed);
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  std::uniform_int_distribution<std::size_t> pick_key(0, keys.size() - 1);
  std::uniform_int_distribution<int> pick_op(0, 1);
  for (std::size_t i = 0; i < ops; ++i) {
    const std::string& key = keys[pick_key(rng)];
    RegisterOp op;
    op.client = client;
    Message request;
    if (pick_op(rng) == 0) {
      op.type = RegisterOp::Type::kPut;
      op.value = fmt::format("c{}-{}", client, i);
      request = make_put(key, *op.value);
    } else {
      request = make_get(key);
    }
    op.invoke_ms = ctx.log().elapsed_ms();
    KV_CHECK(co_await c->send(encode_frame_to_string(request), ctx.options().response_timeout()));
    const ReadEvent event = co_await c->read_frame(ctx.options().response_timeout());
    op.response_ms = ctx.log().elapsed_ms();
    const std::string what = fmt::format("a response to {}", describe_message(request));
    if (event.kind != ReadEventKind::kFrame) co_return fail_verdict(what, describe_event(event));
    const Message& m = event.message;
    if (op.type == RegisterOp::Type::kPut) {
      if (!same_message(m, make_put_ack())) co_return fail_verdict("an ack", describe_event(event));
    } else if (same_message(m, make_get_miss(key))) {
      op.value = std::nullopt;
    } else if (m.kind() == kKindGetResponse && m.status() == Ok && m.key() == key) {
      op.value = m.value();
    } else {
      co_return fail_verdict("a hit or a miss for " + key, describe_event(event));
    }
    history.by_key[key].push_back(op);
  }
  co_return std::nullopt;
}

std::vector<std::string> register_keys(CaseContext& ctx) {
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) keys.push_back(ctx.key(fmt::format("r{}", i)));
  return keys;
}

asio::awaitable<Verdict> linearizable_register(CaseContext& ctx) {
  static constexpr int kClients = 4;
  static constexpr std::size_t kOps = 25;
  const std::vector<std::string> keys = register_keys(ctx);
  {
    std::unique_ptr<WireSession> setup;
    KV_CHECK(co_await ctx.open(setup));
    for (const std::string& k : keys) {
      KV_CHECK(co_await round_trip(ctx, *setup, make_put(k, "initial"), make_put_ack(),
                                   "ack of the initial PUT"));
    }
  }
  History history;
  std::vector<CheckTask> tasks;
  for (int client = 1; client <= kClients; ++client) {
    const std::uint64_t seed = ctx.rng()();
    tasks.push_back([&ctx, &keys, &history, client, seed]() {
      return history_client(ctx, client, keys, kOps, seed, history);
    });
  }
  KV_CHECK(co_await run_concurrently(std::move(tasks)));
  for (const auto& [key, ops] : history.by_key) {
    const LinearizabilityResult result = check_register_history(ops, std::string("initial"));
    if (!result.linearizable) {
      co_return fail_verdict("a linearizable history for key " + key, result.explanation);
    }
  }
  co_return passed();
}

asio::awaitable<Verdict> visible_across_connections(CaseContext& ctx) {
  std::unique_ptr<WireSession> a;
  KV_CHECK(co_await ctx.open(a));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await round_trip(ctx, *a, make_put(k, "from A"), make_put_ack(), "ack of PUT on A"));
  // A sequential server serves one connection at a time: let A go first.
  if (ctx.options().profile == Profile::kSequential) a->close();
  std::unique_ptr<WireSession> b;
  KV_CHECK(co_await ctx.open(b));
  KV_CHECK(co_await round_trip(ctx, *b, make_get(k), make_get_hit(k, "from A"),
                               "GET on B after A's PUT was acknowledged"));
  co_return passed();
}

}  // namespace

void register_consistency_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 10);
  cases.add({
      .id = "10.1/linearizable-register",
      .scope = ProfileScope::kConcurrentOnly,
      .quote = "each operation takes effect atomically between its request and its response",
      .sends = "4 connections each do 25 seeded random PUT/GET operations, one at a time, on 3 "
               "shared keys",
      .expects = "for each key, some order of the operations respects real time and register "
                 "semantics (Wing-Gong search over the recorded invoke/response times)",
      .needs = {"5.1/put-then-get", "10.2/visible-across-connections"},
      .run = linearizable_register,
  });
  cases.add({
      .id = "10.2/visible-across-connections",
      .quote = "a response received on one connection is visible to every later request on any "
               "connection",
      .sends = "PUT on connection A, wait for the ack, then GET on a new connection B (sequential "
               "profile: A is closed first)",
      .expects = "a hit on B",
      .needs = {"5.1/put-then-get"},
      .run = visible_across_connections,
  });
  cases.add({
      .id = "10.3/concurrent-writers-lose-nothing",
      .scope = ProfileScope::kConcurrentOnly,
      .quote = "concurrent writers lose nothing",
      .sends = "8 connections each pipeline 100 PUTs of distinct keys at once, in random chunks; "
               "then one connection GETs all 800",
      .expects = "800 acks, then 800 hits with the right values",
      .timing = Timing::kBulk,
      .needs = {"2.5/random-chunks-pipeline", "2.5/coalesced",
                "10.2/visible-across-connections"},
      .run = writers_lose_nothing,
  });
}

}  // namespace kv
