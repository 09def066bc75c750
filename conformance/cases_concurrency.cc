// Cases for concurrency (SPEC 10, 11.2, 11.3). The concurrent-profile
// cases use several connections at once; a sequential server is not
// expected to pass them and they are SKIPped for it, and the other way
// round for the sequential-profile case.
#include <fmt/format.h>

#include <map>

#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "conformance/linearizability.h"
#include "codec/frame_encoder.h"
#include "conformance/messages.h"

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

asio::awaitable<Check> writer_task(CaseContext& ctx, int writer, std::size_t puts) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < puts; ++i) {
    frames.push_back(encode_frame_to_string(
        make_put(ctx.key(fmt::format("w{}-{}", writer, i)), fmt::format("value-{}-{}", writer, i))));
  }
  KV_CHECK(co_await c->send(coalesce(frames), StreamShape::random_chunks(ctx.rng()(), 300),
                            ctx.options().bulk_timeout()));
  KV_CHECK(co_await expect_responses(*c, std::vector<Message>(puts, make_put_ack()),
                                     ctx.options().bulk_timeout()));
  co_return std::nullopt;
}

asio::awaitable<Verdict> writers_lose_nothing(CaseContext& ctx) {
  static constexpr int kWriters = 8;
  static constexpr std::size_t kPuts = 100;
  std::vector<CheckTask> tasks;
  for (int w = 0; w < kWriters; ++w) {
    tasks.push_back([&ctx, w]() { return writer_task(ctx, w, kPuts); });
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
  KV_CHECK(co_await expect_responses(*reader, want, ctx.options().bulk_timeout()));
  co_return passed();
}

struct History {
  std::map<std::string, std::vector<RegisterOp>> by_key;
};

asio::awaitable<Check> history_client(CaseContext& ctx, int client, std::vector<std::string> keys,
                                      std::size_t ops, History& history) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  std::uniform_int_distribution<std::size_t> pick_key(0, keys.size() - 1);
  std::uniform_int_distribution<int> pick_op(0, 1);
  for (std::size_t i = 0; i < ops; ++i) {
    const std::string& key = keys[pick_key(ctx.rng())];
    RegisterOp op;
    op.client = client;
    Message request;
    if (pick_op(ctx.rng()) == 0) {
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
    tasks.push_back([&ctx, &keys, &history, client]() {
      return history_client(ctx, client, keys, kOps, history);
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

void register_concurrency_cases(CaseRegistry& r) {
  r.add({"11.3/stalled-client-does-not-delay", "11.3", Level::kMust, ProfileScope::kConcurrentOnly,
         "a client that stalls mid-frame does not delay any other client's requests",
         "connection 1 sends half a PUT frame and stalls; connection 2 sends PUT and GET; "
         "then connection 1 completes its frame",
         "connection 2 is answered while 1 is stalled; then 1 gets its ack", "",
         Timing::kResponse, stalled_client});
  r.add({"10.3/concurrent-writers-lose-nothing", "10.3", Level::kMust,
         ProfileScope::kConcurrentOnly, "concurrent writers lose nothing",
         "8 connections each pipeline 100 PUTs of distinct keys at once, in random chunks; "
         "then one connection GETs all 800",
         "800 acks, then 800 hits with the right values", "", Timing::kBulk,
         writers_lose_nothing});
  r.add({"10.1/linearizable-register", "10.1", Level::kMust, ProfileScope::kConcurrentOnly,
         "each operation takes effect atomically between its request and its response",
         "4 connections each do 25 seeded random PUT/GET operations, one at a time, on 3 shared keys",
         "for each key, some order of the operations respects real time and register semantics "
         "(Wing-Gong search over the recorded invoke/response times)",
         "", Timing::kResponse, linearizable_register});
  r.add({"11.2/queued-clients-served", "11.2", Level::kMust, ProfileScope::kSequentialOnly,
         "sequential profile: waiting connections are served in full once the current one leaves",
         "connection 1 is served; connections 2 and 3 queue 5 pipelined requests each; 1 closes",
         "connections 2 and 3 get all their responses, in order", "", Timing::kResponse,
         queued_clients_served});
}

}  // namespace kv
