// The companion cases of the ambiguous spec vectors of section 4 (see
// vector_companions.h): "<rule>/companion-<vector id>", each run solo like
// the vector cases, since vector keys ("k", "") are shared.
#include "conformance/cases/vector_companions.h"

#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

std::string put_fields(std::string_view key, std::string_view value) {
  return pb_bytes_field(1, key) + pb_bytes_field(2, value) + pb_varint_field(3, kKindPutOrUpdate);
}

std::string_view describe_companion(Ambiguity why) {
  switch (why) {
    case Ambiguity::kPutNotReadBack:
      return "PUT the vector's key with a sentinel value, then the vector's frame, then GET its "
             "key";
    case Ambiguity::kKindZero:
      return "the vector's body followed by the fields of a PUT of a key of the case (key, "
             "value, kind 3), framed; then GET that key";
    case Ambiguity::kBadBody:
      return "the fields of a PUT of a key of the case (key, value, kind 3) followed by the "
             "vector's body, framed (it still does not parse); then GET that key";
  }
  return "?";
}

std::string_view expect_companion(Ambiguity why) {
  switch (why) {
    case Ambiguity::kPutNotReadBack:
      return "two acks; the GET returns the vector's own value, not the sentinel (only a "
             "server that parsed the body right stored it)";
    case Ambiguity::kKindZero:
      return "an ack, then a hit with the PUT's value (a server that rejects the vector's body, "
             "or loses its place in it, fails)";
    case Ambiguity::kBadBody:
      return "{kind 0, NotOk}, then a miss (a server that parses leniently, or applies the "
             "fields before the fault, stored the key)";
  }
  return "?";
}

asio::awaitable<Verdict> companion_run(CaseContext& ctx, const SpecVector& vector) {
  if (vector.max_frame_len != ctx.options().max_frame_bytes) {
    co_return skipped(
        fmt::format("the vector is for a maximum LEN of {} (run with "
                    "--max-frame-bytes {} against a server configured so)",
                    vector.max_frame_len, vector.max_frame_len));
  }
  const std::optional<CompanionPlan> plan =
      companion_plan(vector, ctx.key("k"), ctx.key("value"), ctx.key("sentinel"));
  if (!plan) co_return error_verdict("harness bug: no companion plan for " + vector.id);
  if (plan->why == Ambiguity::kBadBody) {
    Message probe;
    const std::string_view body =
        std::string_view(plan->frame)
            .substr(kHeaderBytes, plan->frame.size() - kHeaderBytes - kFooterBytes);
    if (probe.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      co_return error_verdict("harness bug: the companion's bad body parses: " + hex_bytes(body));
    }
  }
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  ctx.log().info(0, fmt::format("companion of spec vector {} ({}): {}", vector.id,
                                ambiguity_name(plan->why), describe_companion(plan->why)));
  if (plan->why == Ambiguity::kPutNotReadBack) {
    KV_CHECK(co_await round_trip(ctx, *c, make_put(plan->key, plan->sentinel), make_put_ack(),
                                 "ack of the PUT of the sentinel under the vector's key"));
  }
  KV_CHECK(co_await c->send(plan->frame, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, plan->response, "response to the companion's frame",
                                    ctx.options().response_timeout()));
  const Message want = plan->miss ? make_get_miss(plan->key) : make_get_hit(plan->key, plan->value);
  KV_CHECK(co_await round_trip(
      ctx, *c, make_get(plan->key), want,
      plan->miss ? "GET of the key the bad body began to PUT" : "GET of the key the frame PUT"));
  co_return passed();
}

}  // namespace

std::optional<CompanionPlan> companion_plan(const SpecVector& vector, std::string_view key,
                                            std::string_view value, std::string_view sentinel) {
  const std::vector<AmbiguousFrame> ambiguous = ambiguous_frames(vector);
  if (ambiguous.empty() || vector.expect.size() != 1) return std::nullopt;
  const nlohmann::json& event = vector.expect[0];
  const std::size_t len = event["len"];
  if (vector.bytes.size() != kHeaderBytes + len || len < kFooterBytes) return std::nullopt;
  const std::string body = vector.bytes.substr(kHeaderBytes, len - kFooterBytes);
  CompanionPlan plan;
  plan.why = ambiguous[0].why;
  switch (plan.why) {
    case Ambiguity::kPutNotReadBack:
      plan.key = event["key"];
      plan.value = event["value"];
      plan.sentinel = std::string(sentinel);
      plan.frame = vector.bytes;
      plan.response = make_put_ack();
      break;
    case Ambiguity::kKindZero:
      plan.key = std::string(key);
      plan.value = std::string(value);
      plan.frame = encode_raw_frame_to_string(body + put_fields(key, value));
      plan.response = make_put_ack();
      break;
    case Ambiguity::kBadBody:
      plan.key = std::string(key);
      plan.miss = true;
      plan.frame = encode_raw_frame_to_string(put_fields(key, value) + body);
      plan.response = make_error_response();
      break;
  }
  return plan;
}

void register_vector_companion_cases(CaseRegistry& registry) {
  for (const SpecVector& vector : built_in_vectors().vectors) {
    if (!is_message_vector(vector)) continue;
    const std::vector<AmbiguousFrame> ambiguous = ambiguous_frames(vector);
    if (ambiguous.empty() || !companion_plan(vector, "k", "v", "s")) continue;
    const Ambiguity why = ambiguous[0].why;
    registry.add({
        .id = companion_case_id(vector),
        .quote = fmt::format("the companion of spec vector {} ({}), whose expected response a "
                             "wrong parse could give too: {}",
                             vector.id, ambiguity_name(why), vector.description),
        .sends = std::string(describe_companion(why)),
        .expects = std::string(expect_companion(why)),
        .needs = {vector_case_id(vector), "5.1/put-then-get", "5.3/miss"},
        .solo = true,
        .run = [&vector](CaseContext& ctx) { return companion_run(ctx, vector); },
    });
  }
}

}  // namespace kv
