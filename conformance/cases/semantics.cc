// SPEC section 5, semantics: what each request does to the store and how
// it is answered, one request at a time, each frame in one write.
#include <fmt/format.h>

#include <chrono>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "conformance/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

asio::awaitable<Verdict> overwrite(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await round_trip(ctx, *c, make_put(k, "first"), make_put_ack(), "ack of PUT first"));
  KV_CHECK(
      co_await round_trip(ctx, *c, make_put(k, "second"), make_put_ack(), "ack of PUT second"));
  KV_CHECK(
      co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, "second"), "GET after overwrite"));
  co_return passed();
}

asio::awaitable<Verdict> miss(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("never-written");
  KV_CHECK(co_await round_trip(ctx, *c, make_get(k), make_get_miss(k), "GET of an absent key"));
  co_return passed();
}

asio::awaitable<Verdict> miss_after_hit(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string hit = ctx.key("present");
  const std::string absent = ctx.key("absent");
  KV_CHECK(co_await round_trip(ctx, *c, make_put(hit, "some value"), make_put_ack(), "ack of PUT"));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(hit), make_get_hit(hit, "some value"), "GET hit"));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(absent), make_get_miss(absent),
                               "GET miss right after a hit (no value left over)"));
  co_return passed();
}

asio::awaitable<Verdict> empty_key(CaseContext& ctx) {
  // The empty key is shared by every run; write a value unique to this run.
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string value = ctx.key("value-under-empty-key");
  KV_CHECK(co_await round_trip(ctx, *c, make_put("", value), make_put_ack(), "ack of PUT \"\""));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(""), make_get_hit("", value), "GET \"\""));
  co_return passed();
}

asio::awaitable<Verdict> get_ignores_value_and_status(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await round_trip(ctx, *c, make_put(k, "stored"), make_put_ack(), "ack of PUT"));
  Message get = make_get(k);
  get.set_value("ignored-by-get");
  get.set_status(NotOk);
  KV_CHECK(co_await round_trip(ctx, *c, get, make_get_hit(k, "stored"),
                               "GET carrying a value and status NotOk"));
  const std::string absent = ctx.key("absent");
  Message get_absent = make_get(absent);
  get_absent.set_value("not-stored-by-get");
  KV_CHECK(co_await round_trip(ctx, *c, get_absent, make_get_miss(absent),
                               "GET of an absent key carrying a value"));
  KV_CHECK(co_await round_trip(ctx, *c, make_get(absent), make_get_miss(absent),
                               "the GET did not store its value"));
  co_return passed();
}

asio::awaitable<Verdict> put_ignores_status(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  Message put = make_put(k, "stored despite NotOk");
  put.set_status(NotOk);
  KV_CHECK(co_await round_trip(ctx, *c, put, make_put_ack(), "ack of PUT with status NotOk"));
  KV_CHECK(
      co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, "stored despite NotOk"), "GET"));
  co_return passed();
}

CaseFn unknown_kind_case(std::uint32_t kind) {
  return [kind](CaseContext& ctx) {
    const std::string key = ctx.key("k");
    const std::string body = pb_bytes_field(1, key) + pb_bytes_field(2, "must not be stored") +
                             pb_varint_field(3, kind);
    return body_case_run(ctx, body, make_unknown_kind_response(kind), key);
  };
}

// The pauses of answers_after_pauses: 250 ms, 1 s and 3 s, each at most a
// third of the server's idle timeout (SPEC 9.1 lets it close after that).
std::vector<std::chrono::milliseconds> pause_schedule(std::chrono::milliseconds idle_timeout) {
  std::vector<std::chrono::milliseconds> pauses;
  for (const long ms : {250L, 1000L, 3000L}) {
    pauses.push_back(std::min(std::chrono::milliseconds(ms), idle_timeout / 3));
  }
  return pauses;
}

asio::awaitable<Verdict> answers_after_pauses(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await round_trip(ctx, *c, make_put(k, "0"), make_put_ack(), "ack of the first PUT"));
  const std::vector<std::chrono::milliseconds> pauses = pause_schedule(ctx.options().idle_timeout);
  for (std::size_t i = 0; i < pauses.size(); ++i) {
    ctx.log().info(0, fmt::format("pausing {} ms on connection 1 (idle timeout {} ms)",
                                  pauses[i].count(), ctx.options().idle_timeout.count()));
    co_await pause(pauses[i]);
    const std::string value = std::to_string(i + 1);
    KV_CHECK(co_await round_trip(ctx, *c, make_put(k, value), make_put_ack(),
                                 fmt::format("ack of a PUT sent after a {} ms pause",
                                             pauses[i].count())));
    KV_CHECK(co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, value),
                                 "GET right after it"));
  }
  co_return passed();
}

asio::awaitable<Check> put_own_key(CaseContext& ctx, int client) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key(fmt::format("from-{}", client));
  KV_CHECK(co_await round_trip(ctx, *c, make_put(k, std::to_string(client)), make_put_ack(),
                               fmt::format("ack of the PUT on connection {}", client)));
  c->close();
  co_return std::nullopt;
}

asio::awaitable<Verdict> one_shared_store(CaseContext& ctx) {
  static constexpr int kClients = 4;
  for (int client = 1; client <= kClients; ++client) KV_CHECK(co_await put_own_key(ctx, client));
  // Every connection reads what every other connection wrote.
  for (int reader = 1; reader <= kClients; ++reader) {
    std::unique_ptr<WireSession> c;
    KV_CHECK(co_await ctx.open(c));
    for (int writer = 1; writer <= kClients; ++writer) {
      const std::string k = ctx.key(fmt::format("from-{}", writer));
      KV_CHECK(co_await round_trip(
          ctx, *c, make_get(k), make_get_hit(k, std::to_string(writer)),
          fmt::format("GET on reader connection {} of the key written on connection {}", reader,
                      writer)));
    }
    c->close();
  }
  co_return passed();
}

std::string three_mib_value() {
  std::string value(3U << 20U, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  return value;
}

}  // namespace

void register_semantics_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 5);
  const std::string put_get = "PUT k=v then GET k on one connection, each frame in one write";
  const std::string hit = "{kind 3, Ok} for the PUT, then {key k, value v, kind 2, Ok}";
  cases.add({
      .id = "5.1/put-then-get",
      .quote = "PUT k=v stores v under k and is answered {kind: 3, status: Ok}",
      .sends = put_get,
      .expects = hit,
      .run = put_get_case("k", "value"),
  });
  cases.add({
      .id = "5.1/overwrite",
      .quote = "PUT replaces any earlier value",
      .sends = "PUT k=first, PUT k=second, GET k",
      .expects = "two acks, then a hit with value \"second\"",
      .needs = {"5.1/put-then-get"},
      .run = overwrite,
  });
  cases.add({
      .id = "5.2/unicode",
      .quote = "keys and values are UTF-8 strings, returned byte for byte",
      .sends = put_get + " (multi-byte UTF-8)",
      .expects = hit,
      .needs = {"5.1/put-then-get"},
      .run = put_get_case("ключ-键-🔑", "värde-値-🗝️ and \u00e9\u0301"),
  });
  cases.add({
      .id = "5.2/value-1mib",
      .quote = "GET returns the whole stored value (1 MiB)",
      .sends = put_get + " (v is 1 MiB)",
      .expects = hit,
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .run = put_get_case("k", std::string(1U << 20U, 'x')),
  });
  cases.add({
      .id = "5.2/value-3mib",
      .quote = "GET returns the whole stored value (3 MiB, below the 4 MiB default maximum)",
      .sends = put_get + " (v is 3 MiB of varied bytes)",
      .expects = hit,
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .run = put_get_case("k", three_mib_value()),
  });
  cases.add({
      .id = "5.3/miss",
      .quote = "GET k, miss: {key: k, kind: 2, status: NotOk}, value empty",
      .sends = "GET of a key never written",
      .expects = "{key k, kind 2, NotOk}",
      .run = miss,
  });
  cases.add({
      .id = "5.3/miss-after-hit",
      .quote = "a miss carries an empty value, even right after a hit on the same connection",
      .sends = "PUT a, GET a (hit), GET b (never written) on one connection",
      .expects = "ack, hit, then a miss with an empty value",
      .needs = {"5.1/put-then-get", "5.3/miss"},
      .run = miss_after_hit,
  });
  cases.add({
      .id = "5.4/get-ignores-value-and-status",
      .quote = "GET ignores value and status",
      .sends = "GET k with a value and status NotOk; GET of an absent key with a value; GET it "
               "again",
      .expects = "a normal hit; a miss; a miss again (GET stored nothing)",
      .needs = {"5.1/put-then-get", "5.3/miss"},
      .run = get_ignores_value_and_status,
  });
  cases.add({
      .id = "5.4/put-ignores-status",
      .quote = "PUT ignores status",
      .sends = "PUT k=v with status NotOk, then GET k",
      .expects = "ack, then a hit",
      .needs = {"5.1/put-then-get"},
      .run = put_ignores_status,
  });
  cases.add({
      .id = "5.5/empty-key",
      .quote = "the empty key is ordinary data",
      .sends = "PUT \"\"=<run-unique value>, GET \"\"",
      .expects = "ack, then a hit with key \"\"",
      .needs = {"5.1/put-then-get"},
      .run = empty_key,
  });
  cases.add({
      .id = "5.5/empty-value",
      .quote = "the empty value is ordinary data: PUT k=\"\" then GET k is a hit",
      .sends = put_get,
      .expects = "ack, then {key k, kind 2, Ok} with an empty value (a hit, not a miss)",
      .needs = {"5.1/put-then-get"},
      .run = put_get_case("k", ""),
  });
  cases.add({
      .id = "5.7/answers-after-pauses",
      .quote = "exactly one response per well-framed request, however long the client pauses "
               "between requests (below the idle timeout)",
      .sends = "on one connection: PUT, then pauses of 250 ms, 1 s and 3 s (each at most a third "
               "of --idle-timeout-ms), each followed by a PUT and a GET",
      .expects = "every request answered on the same connection, each time",
      .timing = Timing::kPauses,
      .needs = {"5.1/put-then-get"},
      .run = answers_after_pauses,
  });
  cases.add({
      .id = "5.8/one-shared-store",
      .quote = "one store is shared by all connections of a server",
      .sends = "4 connections one after another each PUT a key of their own and close; then 4 "
               "more connections each GET all 4 keys",
      .expects = "every GET on every connection hits, with the value its writer stored",
      .needs = {"5.1/put-then-get"},
      .run = one_shared_store,
  });
  for (const std::uint32_t kind : {0U, 2U, 4U, 0xFFFFFFFFU}) {
    cases.add({
        .id = fmt::format("5.6/unknown-kind-{}", kind),
        .quote = "any other kind K is answered {kind: K, status: NotOk}; connection open; store "
                 "unchanged",
        .sends = fmt::format("a message with key k, a value and kind {}", kind),
        .expects = fmt::format("{{kind {}, NotOk}}, then a GET on the same connection is answered "
                               "(connection open); GET k is a miss",
                               kind),
        .needs = {"5.3/miss"},
        .run = unknown_kind_case(kind),
    });
  }
}

}  // namespace kv
