// The spec's test vectors as wire cases, in the manner of Autobahn's
// generated cases: each vector of spec/vectors becomes the case
// "<rule>/vector-<id>", which sends the vector's bytes to the server (cut
// at its splits) and expects the responses its events imply. A new vector
// is a new case.
//
// What the events imply, one by one: a PUT is acknowledged; a GET of a key
// the stream PUT is a hit with that value, a GET of another key is a hit
// or a miss for that key (the store may hold it from elsewhere); any other
// kind K is answered {kind: K, NotOk}; a bad body is answered with the
// error response; a framing error ends the stream with the framing close
// of SPEC 6.1; truncation is sent with a FIN and the server must close
// after answering the frames before it. Vector keys are the vector's own
// (they are part of its bytes), so these cases run one at a time.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <optional>

#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/rules/spec_vectors.h"
#include "conformance/rules/vector_ambiguity.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// The pause between the pieces of a split vector. 10 ms was not enough on a
// machine loaded about six times over its two cores: a server that was not
// scheduled within the pause read two pieces at once, and a flaw that
// takes each read for one frame (broken_kvserver one-read-one-frame) went
// unseen in some runs, which kvconform then called FLAKY. About 100 cuts
// over all vectors, 4 cases at a time, make 50 ms about 1 s per run.
constexpr std::chrono::milliseconds kVectorCutGap{50};

// One response the server owes, in order.
struct OwedResponse {
  Message want;
  // A GET of a key the stream did not write: a hit or a miss is right.
  bool hit_or_miss = false;
};

enum class StreamEnd { kClean, kFramingError, kTruncated };

struct VectorPlan {
  std::vector<OwedResponse> responses;
  StreamEnd end = StreamEnd::kClean;
  std::size_t frames = 0;  // Frame and bad-body events.
  bool writes = false;     // Some frame is a PUT or a GET.
};

VectorPlan plan_of(const SpecVector& vector) {
  VectorPlan plan;
  std::map<std::string, std::string> stored;
  for (const nlohmann::json& event : vector.expect) {
    if (event.contains("error")) {
      const std::string error = event["error"];
      if (error == "bad-body") {
        plan.responses.push_back({make_error_response()});
        ++plan.frames;
        continue;
      }
      plan.end = error == "truncated" ? StreamEnd::kTruncated : StreamEnd::kFramingError;
      break;
    }
    ++plan.frames;
    const std::string key = event["key"];
    const std::uint32_t kind = event["kind"];
    if (kind == kKindPutOrUpdate) {
      stored[key] = event["value"];
      plan.responses.push_back({make_put_ack()});
      plan.writes = true;
    } else if (kind == kKindGet) {
      const auto hit = stored.find(key);
      plan.responses.push_back(hit != stored.end() ? OwedResponse{make_get_hit(key, hit->second)}
                                                   : OwedResponse{make_get_miss(key), true});
      plan.writes = true;
    } else {
      plan.responses.push_back({make_unknown_kind_response(kind)});
    }
  }
  return plan;
}

std::string describe_plan(const VectorPlan& plan) {
  std::vector<std::string> parts;
  for (const OwedResponse& owed : plan.responses) {
    parts.push_back(owed.hit_or_miss
                        ? fmt::format("a hit or a miss for {}", quote_bytes(owed.want.key()))
                        : describe_message(owed.want));
  }
  std::string text =
      parts.empty() ? std::string("no response") : fmt::format("{}", fmt::join(parts, ", "));
  switch (plan.end) {
    case StreamEnd::kClean:
      return text +
             "; the connection stays open (a GET of a key of the case's own is then a "
             "miss)";
    case StreamEnd::kFramingError:
      return text +
             "; then the framing-error close of SPEC 6.1 (an error frame and a close, or "
             "a plain close, within 1 s)";
    case StreamEnd::kTruncated:
      return text + "; the stream is sent with a FIN, and the server closes";
  }
  return text;
}

asio::awaitable<Check> expect_owed(WireSession& session, const OwedResponse& owed,
                                   std::size_t index, std::size_t count, Millis timeout) {
  const std::string what = fmt::format("response {} of {}", index + 1, count);
  if (!owed.hit_or_miss) co_return co_await expect_response(session, owed.want, what, timeout);
  const ReadEvent event = co_await session.read_frame(timeout);
  const std::string& key = owed.want.key();
  const std::string expected = fmt::format("{}: a hit or a miss for {}", what, quote_bytes(key));
  if (event.kind != ReadEventKind::kFrame) co_return fail_verdict(expected, describe_event(event));
  const Message& m = event.message;
  const bool hit = m.kind() == kKindGetResponse && m.status() == Ok && m.key() == key;
  const bool miss = same_message(m, make_get_miss(key));
  if (!hit && !miss) co_return fail_verdict(expected, describe_event(event));
  co_return std::nullopt;
}

// The vector's bytes cut at its splits, pieces far enough apart that a
// server reads them apart, even on a loaded machine: the splits are what
// these vectors are about.
StreamShape shape_of(const SpecVector& vector) {
  if (vector.splits.empty()) return StreamShape::whole();
  StreamShape shape = StreamShape::cut_at(vector.splits);
  shape.gap = kVectorCutGap;
  return shape;
}

// Runs `vector`, whose responses `plan` (plan_of(vector)) lists; the plan
// is a copy, kept in the coroutine's frame.
asio::awaitable<Verdict> vector_run(CaseContext& ctx, const SpecVector& vector, VectorPlan plan) {
  if (vector.max_frame_len != ctx.options().max_frame_bytes) {
    co_return skipped(
        fmt::format("this vector is for a maximum LEN of {} (run with "
                    "--max-frame-bytes {} against a server configured so)",
                    vector.max_frame_len, vector.max_frame_len));
  }
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  ctx.log().info(
      0, fmt::format("spec vector {} ({}): {}", vector.id, vector.source, vector.description));
  KV_CHECK(co_await c->send(vector.bytes, shape_of(vector), ctx.options().response_timeout()));
  if (plan.end == StreamEnd::kTruncated) c->shutdown_send();
  for (std::size_t i = 0; i < plan.responses.size(); ++i) {
    KV_CHECK(co_await expect_owed(*c, plan.responses[i], i, plan.responses.size(),
                                  ctx.options().response_timeout()));
  }
  switch (plan.end) {
    case StreamEnd::kClean:
      KV_CHECK(co_await expect_connection_open(ctx, *c));
      break;
    case StreamEnd::kFramingError:
      KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
      break;
    case StreamEnd::kTruncated:
      KV_CHECK(co_await expect_close(*c, "EOF inside a frame (SPEC 6.5)",
                                     ctx.options().response_timeout()));
      break;
  }
  co_return passed();
}

}  // namespace

void register_vector_cases(CaseRegistry& registry) {
  const SpecVectorSet& set = built_in_vectors();
  if (!set.errors.empty()) {
    fmt::print(stderr, "kvconform: bug: a built-in spec vector is malformed: {}\n",
               set.errors.front());
    std::abort();
  }
  for (const SpecVector& vector : set.vectors) {
    VectorPlan plan = plan_of(vector);
    std::vector<std::string> needs;
    if (plan.writes || plan.end == StreamEnd::kClean) needs.push_back("5.1/put-then-get");
    if (plan.end == StreamEnd::kClean) needs.push_back("5.3/miss");
    if (plan.frames > 1) needs.push_back("2.5/coalesced");
    if (!vector.splits.empty()) needs.push_back("2.5/split-every-offset");
    const std::string id = vector_case_id(vector);
    // A vector's own case must not need itself.
    std::erase(needs, id);
    registry.add({
        .id = id,
        .quote = vector.description,
        .sends = fmt::format("the {} bytes of spec vector {}, in {}", vector.bytes.size(),
                             vector.id, describe_shape(shape_of(vector))),
        .expects = describe_plan(plan),
        .legal = plan.end == StreamEnd::kFramingError ? kLegalFramingClose : "",
        .timing = plan.end == StreamEnd::kFramingError ? Timing::kCloseWithin : Timing::kResponse,
        .needs = std::move(needs),
        .solo = true,
        .min_max_frame_bytes = kMinFrameLen,
        .run = [&vector,
                plan = std::move(plan)](CaseContext& ctx) { return vector_run(ctx, vector, plan); },
    });
  }
}

}  // namespace kv
