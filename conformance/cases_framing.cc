// Cases for framing errors (SPEC 2.2, 2.3, 3.2 and 6.1-6.3): the server
// closes within the bound, with or without one error frame first, applies
// nothing from the bad frame, and answers the good frames before it.
#include <fmt/format.h>

#include "codec/frame_format.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/expectations.h"
#include "codec/frame_encoder.h"
#include "conformance/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

const char* const kLegalClose =
    "an error frame {kind 0, NotOk} then close, or a plain close (EOF or reset); "
    "FAIL: any other frame, an error frame without a close, or no close within the bound";

// The frame of PUT key=value with its footer replaced by `footer`.
std::string put_with_footer(std::string_view key, std::string_view value, std::string_view footer) {
  std::string frame = encode_frame_to_string(make_put(key, value));
  frame.replace(frame.size() - kFooterBytes, kFooterBytes, footer);
  return frame;
}

// GCC 12 cannot keep braced initializer lists in coroutine frames, so the
// lists are built by plain functions.
std::string frames_then_bad(const std::string& a, const std::string& b) {
  return coalesce({encode_frame_to_string(make_put(a, "1")), encode_frame_to_string(make_get(a)), put_with_footer(b, "2", "XXXXX")});
}

std::vector<Message> ack_then_hit(const std::string& key, const std::string& value) {
  return {make_put_ack(), make_get_hit(key, value)};
}

std::string bad_then_good(const std::string& bad, const std::string& good) {
  return coalesce({put_with_footer(bad, "x", "@EOF!"), encode_frame_to_string(make_put(good, "no"))});
}

asio::awaitable<Verdict> bad_header_run(CaseContext& ctx, std::uint32_t len) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_header_to_string(len), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
  co_return passed();
}

CaseFn bad_header_case(std::uint32_t len) {
  return [len](CaseContext& ctx) { return bad_header_run(ctx, len); };
}

CaseFn max_plus_one_case() {
  return [](CaseContext& ctx) {
    return bad_header_run(ctx, ctx.options().max_frame_bytes + 1U);
  };
}

asio::awaitable<Verdict> bad_footer_not_applied(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  KV_CHECK(co_await c->send(put_with_footer(k, "must not be stored", "@EOX@"),
                            ctx.options().response_timeout()));
  KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, k, make_get_miss(k)));
  co_return passed();
}

asio::awaitable<Verdict> answered_before_bad_frame(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string a = ctx.key("a");
  const std::string b = ctx.key("b");
  const std::string stream = frames_then_bad(a, b);
  KV_CHECK(co_await c->send(stream, ctx.options().response_timeout()));
  const std::vector<Message> want = ack_then_hit(a, "1");
  KV_CHECK(co_await expect_responses(*c, want, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, a, make_get_hit(a, "1")));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, b, make_get_miss(b)));
  co_return passed();
}

asio::awaitable<Verdict> stops_reading_after_error(CaseContext& ctx) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("after-bad-frame");
  const std::string stream = bad_then_good(ctx.key("bad"), k);
  KV_CHECK(co_await c->send(stream, ctx.options().response_timeout()));
  KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, k, make_get_miss(k)));
  co_return passed();
}

}  // namespace

void register_framing_cases(CaseRegistry& r) {
  for (std::uint32_t len = 0; len < kMinFrameLen; ++len) {
    r.add({fmt::format("6.1/len-{}", len), "6.1", Level::kMust, ProfileScope::kAny,
           fmt::format("LEN {} < 5 is a length-too-small framing error (2.3): close within 1 s", len),
           fmt::format("the 4-byte header LEN={} and nothing else, in one write", len),
           "the connection closes within the bound", kLegalClose, Timing::kCloseWithin,
           bad_header_case(len)});
  }
  r.add({"3.2/len-max-plus-one-no-body", "3.2", Level::kMust, ProfileScope::kAny,
         "LEN above the maximum is rejected from the header alone, without waiting for the body",
         "the 4-byte header LEN = --max-frame-bytes + 1, no body",
         "the connection closes within the bound", kLegalClose, Timing::kCloseWithin,
         max_plus_one_case()});
  r.add({"3.2/len-0xffffffff-no-body", "3.2", Level::kMust, ProfileScope::kAny,
         "LEN 0xFFFFFFFF is rejected from the header alone (no wait, no 4 GiB allocation)",
         "the 4-byte header ff ff ff ff, no body", "the connection closes within the bound",
         kLegalClose, Timing::kCloseWithin, bad_header_case(0xFFFFFFFFU)});
  r.add({"6.2/bad-footer-not-applied", "6.2", Level::kMust, ProfileScope::kAny,
         "a frame whose footer is not @EOF@ is a framing error and changes nothing in the store",
         "PUT k=v framed with footer \"@EOX@\", one write; then GET k on a fresh connection",
         "close within the bound; then a miss for k", kLegalClose, Timing::kCloseWithin,
         bad_footer_not_applied});
  r.add({"6.3/answered-before-bad-frame", "6.3", Level::kMust, ProfileScope::kAny,
         "frames that arrived complete before the bad one are processed and answered, in order",
         "PUT a=1, GET a, then PUT b=2 with a bad footer, all in one write",
         "ack, hit for a, then close within the bound; later a is stored and b is not",
         kLegalClose, Timing::kCloseWithin, answered_before_bad_frame});
  r.add({"6.1/stops-reading-after-error", "6.1", Level::kMust, ProfileScope::kAny,
         "after a framing error the server stops reading the connection",
         "a PUT with a bad footer followed by a valid PUT k=no, in one write",
         "close within the bound; k is never stored", kLegalClose, Timing::kCloseWithin,
         stops_reading_after_error});
}

}  // namespace kv
