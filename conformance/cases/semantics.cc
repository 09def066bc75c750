// SPEC section 5, semantics: what each request does to the store and how
// it is answered, one request at a time, each frame in one write.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

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
    const std::string body =
        pb_bytes_field(1, key) + pb_bytes_field(2, "must not be stored") + pb_varint_field(3, kind);
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
    KV_CHECK(co_await round_trip(
        ctx, *c, make_put(k, value), make_put_ack(),
        fmt::format("ack of a PUT sent after a {} ms pause", pauses[i].count())));
    KV_CHECK(
        co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, value), "GET right after it"));
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

std::string with_nul(std::string_view before, std::string_view after) {
  std::string text(before);
  text.push_back('\0');
  text.append(after);
  return text;
}

std::vector<KeyValue> nul_entries(CaseContext& ctx) {
  const std::string k = ctx.key("k");
  return {{with_nul(k, "tail"), with_nul("value", with_nul("with", "nuls")),
           "a key with U+0000 inside"},
          {with_nul(k, "") + with_nul("", ""), std::string(3, '\0'),
           "a key ending in two U+0000, value three U+0000"}};
}

asio::awaitable<Verdict> nul_in_key_and_value(CaseContext& ctx) {
  KV_CHECK(co_await put_all_then_get_all(ctx, nul_entries(ctx)));
  co_return passed();
}

std::vector<KeyValue> keys_differing_after_nul(CaseContext& ctx) {
  const std::string k = ctx.key("k");
  return {{k, "plain", "the key k"},
          {with_nul(k, "a"), "after-nul-a", "the key k U+0000 a"},
          {with_nul(k, "b"), "after-nul-b", "the key k U+0000 b"},
          {with_nul(k, ""), "ends-in-nul", "the key k U+0000"}};
}

asio::awaitable<Verdict> keys_differ_after_nul(CaseContext& ctx) {
  KV_CHECK(co_await put_all_then_get_all(ctx, keys_differing_after_nul(ctx)));
  co_return passed();
}

// The empty key is shared by every run, so this case runs solo: no other
// case of the run writes it meanwhile.
std::vector<KeyValue> empty_and_nul(CaseContext& ctx) {
  return {{"", ctx.key("value-under-the-empty-key"), "the empty key"},
          {std::string(1, '\0'), ctx.key("value-under-the-nul-key"), "the key U+0000"},
          {ctx.key("empty-value"), "", "a key holding the empty value"},
          {ctx.key("nul-value"), std::string(1, '\0'), "a key holding the value U+0000"}};
}

asio::awaitable<Verdict> empty_apart_from_nul(CaseContext& ctx) {
  KV_CHECK(co_await put_all_then_get_all(ctx, empty_and_nul(ctx)));
  co_return passed();
}

// The lengths of long_keys_common_prefix: around the 16-bit boundary, where
// a length kept in two bytes wraps, and 1 MiB.
constexpr std::size_t kLongKeyLengths[] = {65535, 65536, 65537, 1U << 20U};
constexpr std::uint32_t kLongKeysMinFrame = (1U << 20U) + 256;

std::vector<KeyValue> long_keys(CaseContext& ctx) {
  // Every key is a prefix of the longest one, so all share their first
  // 65,535 bytes; the filler is printable ASCII that does not repeat soon.
  std::string longest = ctx.key("long") + "/";
  while (longest.size() < kLongKeyLengths[3]) {
    longest += fmt::format("{:07x}.", longest.size() * 2654435761U % 0xFFFFFFFU);
  }
  std::vector<KeyValue> entries;
  for (const std::size_t length : kLongKeyLengths) {
    entries.push_back({longest.substr(0, length), fmt::format("value of the {}-byte key", length),
                       fmt::format("the key of {} bytes", length)});
  }
  return entries;
}

asio::awaitable<Verdict> long_keys_common_prefix(CaseContext& ctx) {
  KV_CHECK(co_await put_all_then_get_all(ctx, long_keys(ctx)));
  co_return passed();
}

// The values whose PUT frames have LEN max - 1 and max, or none when this
// case's keys leave no room for them. Built outside the coroutine (GCC 12
// and braced lists in coroutine frames).
std::vector<KeyValue> near_max_entries(CaseContext& ctx) {
  const std::uint32_t max = ctx.options().max_frame_bytes;
  std::vector<KeyValue> entries;
  for (const std::uint32_t len : {max - 1, max}) {
    const std::string key = ctx.key(fmt::format("len-{}", len));
    const std::size_t size = value_size_for_put_len(key, len);
    if (size == 0) return {};
    std::string value(size, '\0');
    for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>('A' + (i + len) % 26);
    entries.push_back({key, std::move(value), fmt::format("the value whose PUT has LEN {}", len)});
  }
  return entries;
}

asio::awaitable<Verdict> values_near_max(CaseContext& ctx) {
  const std::uint32_t max = ctx.options().max_frame_bytes;
  std::vector<KeyValue> entries = near_max_entries(ctx);
  if (entries.empty()) {
    co_return skipped(fmt::format("no PUT of this case's keys has LEN {} or {}", max - 1, max));
  }
  ctx.log().info(0, fmt::format("PUT frames of LEN {} and {} (the maximum)", max - 1, max));
  KV_CHECK(co_await put_all_then_get_all(ctx, std::move(entries)));
  co_return passed();
}

// A long pipeline whose last frames reach the server with the FIN: each
// request gets exactly one response, the last ones included, and nothing
// follows them but the close.
asio::awaitable<Verdict> one_response_each_then_fin(CaseContext& ctx) {
  static constexpr std::size_t kRequests = 2000;
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const PipelineScript script = make_pipeline(ctx, kRequests, 8);
  ctx.log().info(0, fmt::format("{} requests, {} bytes, in one write, then at once a FIN",
                                kRequests, script.stream.size()));
  KV_CHECK(co_await c->send(script.stream, ctx.options().bulk_timeout()));
  c->shutdown_send();
  KV_CHECK(co_await expect_responses(*c, script.responses, ctx.options().bulk_timeout(),
                                     ctx.options().response_timeout()));
  KV_CHECK(co_await expect_close(*c, "after exactly one response per request, nothing more",
                                 ctx.options().response_timeout()));
  co_return passed();
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
      .id = "5.2/nul-in-key-and-value",
      .quote = "keys and values are strings of any code point, U+0000 included, returned byte for "
               "byte",
      .sends = "on one connection: PUT k<00>tail = value<00>with<00>nuls, PUT k<00><00> = "
               "<00><00><00>, then GET both",
      .expects = "two acks, then two hits with the whole key and value, NULs included",
      .needs = {"5.1/put-then-get"},
      .run = nul_in_key_and_value,
  });
  cases.add({
      .id = "5.1/keys-differ-after-nul",
      .quote = "PUT stores v under k: keys that differ only after a U+0000 are different keys",
      .sends = "on one connection: PUT k, k<00>a, k<00>b and k<00>, each with its own value, "
               "then GET all four",
      .expects = "four acks, then each GET a hit with its own key's value",
      .needs = {"5.1/put-then-get"},
      .run = keys_differ_after_nul,
  });
  cases.add({
      .id = "5.2/long-keys-common-prefix",
      .quote = "GET k returns the value stored under k, for keys of any length",
      .sends = "on one connection: PUT keys of 65,535, 65,536, 65,537 and 1,048,576 bytes, each a "
               "prefix of the next, with distinct values; then GET all four",
      .expects = "four acks, then each GET a hit with its own key's value",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .min_max_frame_bytes = kLongKeysMinFrame,
      .run = long_keys_common_prefix,
  });
  cases.add({
      .id = "5.2/values-near-max",
      .quote = "GET returns the whole stored value, up to the largest that fits in a frame",
      .sends = "PUT k1 whose frame has LEN --max-frame-bytes - 1 and PUT k2 whose frame has LEN "
               "--max-frame-bytes, then GET both",
      .expects = "two acks, then two hits with the whole values",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get", "3.1/frame-at-max"},
      .run = values_near_max,
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
      .id = "5.5/empty-key-apart-from-nul",
      .quote = "the empty key and the empty value are ordinary data, distinct from a U+0000",
      .sends = "on one connection: PUT \"\" and PUT <00>, each with a run-unique value; PUT "
               "k1=\"\" and k2=<00>; then GET all four (solo: no other case writes \"\" meanwhile)",
      .expects = "four acks, then four hits: \"\" and <00> each with its own value, k1 with the "
                 "empty value, k2 with <00>",
      .needs = {"5.5/empty-key", "5.5/empty-value"},
      .solo = true,
      .run = empty_apart_from_nul,
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
      .id = "5.7/one-response-each-then-fin",
      .quote = "exactly one response per well-framed request, in request order, the last ones "
               "included",
      .sends = "2000 PUT/GET requests in one write, followed at once by a half-close (FIN), so "
               "the last frames reach the server with the FIN",
      .expects = "the 2000 responses in order, none missing and none extra, then the server closes",
      .timing = Timing::kBulk,
      .needs = {"8.2/half-close-pipelined"},
      .run = one_response_each_then_fin,
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
