// Cases for SPEC sections 4.5, 5 and 10.2: what each request does to the
// store and how it is answered, one request at a time, sent whole.
#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "conformance/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// Parameters by value: the coroutine frame owns them.
asio::awaitable<Verdict> put_get_run(CaseContext& ctx, std::string name, std::string value) {
  const std::size_t frame_len = make_put(ctx.key(name), value).ByteSizeLong() + kFooterBytes;
  if (frame_len > ctx.options().max_frame_bytes) {
    co_return skipped(fmt::format("the PUT frame (LEN {}) exceeds --max-frame-bytes {}", frame_len,
                                  ctx.options().max_frame_bytes));
  }
  KV_CHECK(co_await put_and_get_back(ctx, name, value));
  co_return passed();
}

CaseFn put_get_case(std::string name, std::string value) {
  return [name, value](CaseContext& ctx) { return put_get_run(ctx, name, value); };
}

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

asio::awaitable<Verdict> frame_at_max(CaseContext& ctx) {
  const std::string key = ctx.key("k");
  const std::uint32_t max = ctx.options().max_frame_bytes;
  const std::size_t size = value_size_for_put_len(key, max);
  if (size == 0) co_return error_verdict(fmt::format("no PUT fits LEN exactly {}", max));
  const std::string value(size, 'm');
  ctx.log().info(0, fmt::format("PUT frame LEN = {} (the maximum)", max));
  KV_CHECK(co_await put_and_get_back(ctx, "k", value));
  co_return passed();
}

// Built outside the coroutine: GCC 12 cannot keep braced initializer lists
// in coroutine frames.
std::vector<std::pair<Message, Message>> canonical_exchanges(const std::string& k,
                                                             const std::string& absent) {
  return {{make_put(k, "v"), make_put_ack()},
          {make_get(k), make_get_hit(k, "v")},
          {make_get(absent), make_get_miss(absent)}};
}

asio::awaitable<Verdict> response_canonical(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const auto exchanges = canonical_exchanges(k, ctx.key("absent"));
  for (const auto& [request, want] : exchanges) {
    KV_CHECK(co_await c->send(encode_frame_to_string(request), ctx.options().response_timeout()));
    const ReadEvent event = co_await c->read_frame(ctx.options().response_timeout());
    const std::string canonical = encode_frame_to_string(want);
    if (event.kind != ReadEventKind::kFrame || event.raw != canonical) {
      co_return fail_verdict("canonical bytes " + hex_bytes(canonical),
                             event.kind == ReadEventKind::kFrame ? "bytes " + hex_bytes(event.raw)
                                                                 : describe_event(event));
    }
  }
  co_return passed();
}

}  // namespace

void register_semantics_cases(CaseRegistry& r) {
  const std::string put_get = "PUT k=v then GET k on one connection, each frame in one write";
  const std::string hit = "{kind 3, Ok} for the PUT, then {key k, value v, kind 2, Ok}";
  r.add({"5.1/put-then-get", "5.1", Level::kMust, ProfileScope::kAny,
         "PUT k=v stores v under k and is answered {kind: 3, status: Ok}", put_get, hit, "",
         Timing::kResponse, put_get_case("k", "value")});
  r.add({"5.1/overwrite", "5.1", Level::kMust, ProfileScope::kAny, "PUT replaces any earlier value",
         "PUT k=first, PUT k=second, GET k", "two acks, then a hit with value \"second\"", "",
         Timing::kResponse, overwrite});
  r.add({"5.3/miss", "5.3", Level::kMust, ProfileScope::kAny,
         "GET k, miss: {key: k, kind: 2, status: NotOk}, value empty", "GET of a key never written",
         "{key k, kind 2, NotOk}", "", Timing::kResponse, miss});
  r.add({"5.3/miss-after-hit", "5.3", Level::kMust, ProfileScope::kAny,
         "a miss carries an empty value, even right after a hit on the same connection",
         "PUT a, GET a (hit), GET b (never written) on one connection",
         "ack, hit, then a miss with an empty value", "", Timing::kResponse, miss_after_hit});
  r.add({"5.5/empty-key", "5.5", Level::kMust, ProfileScope::kAny, "the empty key is ordinary data",
         "PUT \"\"=<run-unique value>, GET \"\"", "ack, then a hit with key \"\"", "",
         Timing::kResponse, empty_key});
  r.add({"5.5/empty-value", "5.5", Level::kMust, ProfileScope::kAny,
         "the empty value is ordinary data: PUT k=\"\" then GET k is a hit", put_get,
         "ack, then {key k, kind 2, Ok} with an empty value (a hit, not a miss)", "",
         Timing::kResponse, put_get_case("k", "")});
  r.add({"5.2/unicode", "5.2", Level::kMust, ProfileScope::kAny,
         "keys and values are UTF-8 strings, returned byte for byte",
         put_get + " (multi-byte UTF-8)", hit, "", Timing::kResponse,
         put_get_case("ключ-键-🔑", "värde-値-🗝️ and \u00e9\u0301")});
  r.add({"2.4/footer-in-key-and-value", "2.4", Level::kMust, ProfileScope::kAny,
         "footer bytes inside BODY are ordinary data; receivers must not scan for @EOF@",
         put_get + " where key and value contain \"@EOF@\"", hit, "", Timing::kResponse,
         put_get_case("key-with-@EOF@-inside", "@EOF@value@EOF@@EOF@")});
  r.add({"5.2/value-1mib", "5.2", Level::kMust, ProfileScope::kAny,
         "GET returns the whole stored value (1 MiB)", put_get + " (v is 1 MiB)", hit, "",
         Timing::kBulk, put_get_case("k", std::string(1U << 20U, 'x'))});
  r.add({"5.2/value-3mib", "5.2", Level::kMust, ProfileScope::kAny,
         "GET returns the whole stored value (3 MiB, below the 4 MiB default maximum)",
         put_get + " (v is 3 MiB of varied bytes)", hit, "", Timing::kBulk, [](CaseContext& ctx) {
           std::string value(3U << 20U, '\0');
           for (std::size_t i = 0; i < value.size(); ++i)
             value[i] = static_cast<char>('a' + i % 26);
           return put_get_run(ctx, "k", std::move(value));
         }});
  r.add({"3.1/frame-at-max", "3.1", Level::kMust, ProfileScope::kAny,
         "LEN equal to the maximum is legal (--max-frame-bytes; the target must use the same max)",
         "PUT whose frame has LEN exactly --max-frame-bytes, then GET",
         "ack, then a hit with the whole value", "", Timing::kBulk, frame_at_max});
  r.add({"5.4/get-ignores-value-and-status", "5.4", Level::kMust, ProfileScope::kAny,
         "GET ignores value and status",
         "GET k with a value and status NotOk; GET of an absent key with a value; GET it again",
         "a normal hit; a miss; a miss again (GET stored nothing)", "", Timing::kResponse,
         get_ignores_value_and_status});
  r.add({"5.4/put-ignores-status", "5.4", Level::kMust, ProfileScope::kAny, "PUT ignores status",
         "PUT k=v with status NotOk, then GET k", "ack, then a hit", "", Timing::kResponse,
         put_ignores_status});
  r.add(
      {"10.2/visible-across-connections", "10.2", Level::kMust, ProfileScope::kAny,
       "a response received on one connection is visible to every later request on any connection",
       "PUT on connection A, wait for the ack, then GET on a new connection B "
       "(sequential profile: A is closed first)",
       "a hit on B", "", Timing::kResponse, visible_across_connections});
  r.add({"4.5/response-canonical", "4.5", Level::kShould, ProfileScope::kAny,
         "senders SHOULD omit default fields (canonical proto3)",
         "PUT, GET hit, GET miss; the response bytes are compared",
         "byte-for-byte canonical responses, e.g. ack = 07 00 00 00 18 03 40 45 4f 46 40",
         "responses with explicit default fields are legal (MUST cases accept them); "
         "this SHOULD case reports them as LENIENT",
         Timing::kResponse, response_canonical});
}

}  // namespace kv
