// SPEC section 6, errors: a framing error closes the connection within the
// bound, with or without one error frame first (6.1), applies nothing
// (6.2), after the good frames before it are answered (6.3); a bad body is
// answered and the connection stays open (6.4); EOF inside a frame drops
// the partial frame (6.5).
#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// The frame of PUT key=value with its footer replaced by `footer`.
std::string put_with_footer(std::string_view key, std::string_view value, std::string_view footer) {
  std::string frame = encode_frame_to_string(make_put(key, value));
  frame.replace(frame.size() - kFooterBytes, kFooterBytes, footer);
  return frame;
}

// GCC 12 cannot keep braced initializer lists in coroutine frames, so the
// lists are built by plain functions.
std::string frames_then_bad(const std::string& a, const std::string& b) {
  return coalesce({encode_frame_to_string(make_put(a, "1")), encode_frame_to_string(make_get(a)),
                   put_with_footer(b, "2", "XXXXX")});
}

std::vector<Message> ack_then_hit(const std::string& key, const std::string& value) {
  return {make_put_ack(), make_get_hit(key, value)};
}

std::string bad_then_good(const std::string& bad, const std::string& good) {
  return coalesce(
      {put_with_footer(bad, "x", "@EOF!"), encode_frame_to_string(make_put(good, "no"))});
}

CaseFn bad_header_case(std::uint32_t len) {
  return [len](CaseContext& ctx) { return bad_header_run(ctx, len); };
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

// Each body fails to parse for a different reason. (A plain function:
// GCC 12 cannot keep braced initializer lists in coroutine frames.)
std::vector<std::string> garbage_body_list() {
  return {
      std::string("\x0a\x05"
                  "ab",
                  4),                                                        // Cut field.
      std::string("\x0f\x01", 2),                                            // Wire type 7.
      std::string("\x00\x01", 2),                                            // Field number 0.
      std::string("\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // Varint > 10 bytes.
      std::string("\x1a\x03\x01\x02", 4),  // Cut field 3 with wire type 2.
  };
}

asio::awaitable<Verdict> garbage_bodies(CaseContext& ctx) {
  const std::vector<std::string> bodies = garbage_body_list();
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  for (const std::string& body : bodies) {
    Message probe;
    if (probe.ParseFromString(body)) co_return error_verdict("harness bug: body parses");
    KV_CHECK(co_await c->send(encode_raw_frame_to_string(body), ctx.options().response_timeout()));
    KV_CHECK(co_await expect_response(*c, make_error_response(),
                                      "error response to body " + hex_bytes(body),
                                      ctx.options().response_timeout()));
  }
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  co_return passed();
}

enum class CutIn { kHeader, kBody, kFooter };

std::size_t cut_offset(CutIn where, std::size_t frame_size) {
  switch (where) {
    case CutIn::kHeader:
      return 2;
    case CutIn::kBody:
      return kHeaderBytes + (frame_size - kHeaderBytes - kFooterBytes) / 2;
    case CutIn::kFooter:
      return frame_size - 2;
  }
  return 0;
}

// Sends `complete_puts` whole PUTs, then the first bytes of PUT cut=<value>
// up to the cut, then a FIN. Expects the acks, a close, and no trace of the
// cut frame in the store.
asio::awaitable<Verdict> truncation_run(CaseContext& ctx, CutIn where, std::size_t complete_puts) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const bool with_complete = complete_puts > 0;
  const std::string done = ctx.key("complete");
  const std::string cut = ctx.key("cut");
  const std::string partial = encode_frame_to_string(make_put(cut, "must not be stored"));
  std::string stream;
  for (std::size_t i = 0; i < complete_puts; ++i) {
    stream += encode_frame_to_string(make_put(done, "stored"));
  }
  stream += partial.substr(0, cut_offset(where, partial.size()));
  KV_CHECK(co_await c->send(stream, ctx.options().response_timeout()));
  c->shutdown_send();
  if (with_complete) {
    KV_CHECK(co_await expect_responses(*c, std::vector<Message>(complete_puts, make_put_ack()),
                                       ctx.options().response_timeout()));
  }
  KV_CHECK(co_await expect_close(*c, "EOF inside a frame", ctx.options().response_timeout()));
  KV_CHECK(co_await expect_on_fresh_connection(ctx, cut, make_get_miss(cut)));
  if (with_complete) {
    KV_CHECK(co_await expect_on_fresh_connection(ctx, done, make_get_hit(done, "stored")));
  }
  co_return passed();
}

CaseFn truncation_case(CutIn where, std::size_t complete_puts) {
  return [where, complete_puts](CaseContext& ctx) {
    return truncation_run(ctx, where, complete_puts);
  };
}

}  // namespace

void register_errors_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 6);
  for (std::uint32_t len = 0; len < kMinFrameLen; ++len) {
    cases.add({
        .id = fmt::format("6.1/len-{}", len),
        .quote =
            fmt::format("LEN {} < 5 is a length-too-small framing error (2.3): close within 1 s",
                        len),
        .sends = fmt::format("the 4-byte header LEN={} and nothing else, in one write", len),
        .expects = "the connection closes within the bound",
        .legal = kLegalFramingClose,
        .timing = Timing::kCloseWithin,
        .min_max_frame_bytes = kMinFrameLen,
        .run = bad_header_case(len),
    });
  }
  cases.add({
      .id = "6.1/stops-reading-after-error",
      .quote = "after a framing error the server stops reading the connection",
      .sends = "a PUT with a bad footer followed by a valid PUT k=no, in one write",
      .expects = "close within the bound; k is never stored",
      .legal = kLegalFramingClose,
      .timing = Timing::kCloseWithin,
      .needs = {"5.3/miss", "10.2/visible-across-connections"},
      .run = stops_reading_after_error,
  });
  cases.add({
      .id = "6.2/bad-footer-not-applied",
      .quote =
          "a frame whose footer is not @EOF@ is a framing error and changes nothing in the store",
      .sends = "PUT k=v framed with footer \"@EOX@\", one write; then GET k on a fresh connection",
      .expects = "close within the bound; then a miss for k",
      .legal = kLegalFramingClose,
      .timing = Timing::kCloseWithin,
      .needs = {"5.3/miss", "10.2/visible-across-connections"},
      .run = bad_footer_not_applied,
  });
  cases.add({
      .id = "6.3/answered-before-bad-frame",
      .quote = "frames that arrived complete before the bad one are processed and answered, in "
               "order",
      .sends = "PUT a=1, GET a, then PUT b=2 with a bad footer, all in one write",
      .expects = "ack, hit for a, then close within the bound; later a is stored and b is not",
      .legal = kLegalFramingClose,
      .timing = Timing::kCloseWithin,
      .needs = {"2.5/coalesced", "5.3/miss", "10.2/visible-across-connections"},
      .run = answered_before_bad_frame,
  });
  cases.add({
      .id = "6.4/garbage-body",
      .quote = "a bad body is answered {kind: 0, status: NotOk}; the connection stays open",
      .sends = "five well-framed bodies that are not protobuf (cut field, wire type 7, field 0, "
               "11-byte varint, cut bytes field), one frame per write",
      .expects = "{kind 0, NotOk} for each, then a GET on the same connection is answered "
                 "(connection open)",
      .needs = {"5.3/miss"},
      .run = garbage_bodies,
  });
  const char* const quote =
      "at EOF inside a frame the partial frame is discarded and the server closes the connection";
  const struct {
    const char* slug;
    CutIn where;
    const char* part;
  } cuts[] = {{"eof-in-header", CutIn::kHeader, "the first 2 header bytes"},
              {"eof-in-body", CutIn::kBody, "the header and half the body"},
              {"eof-in-footer", CutIn::kFooter, "all but the last 2 footer bytes"}};
  for (const auto& cut : cuts) {
    cases.add({
        .id = fmt::format("6.5/{}", cut.slug),
        .quote = quote,
        .sends = fmt::format("{} of PUT k=v, then a half-close (FIN)", cut.part),
        .expects = "the server closes the connection; GET k on a fresh connection is a miss",
        .needs = {"5.3/miss", "10.2/visible-across-connections"},
        .run = truncation_case(cut.where, 0),
    });
  }
  cases.add({
      .id = "6.5/answered-before-truncation",
      .quote = "complete frames before the truncated one are answered before the close",
      .sends = "PUT a=stored, then half the body of PUT b, in one write, then a half-close (FIN)",
      .expects = "the ack of PUT a, then close; a is stored, b is not",
      .needs = {"2.5/coalesced", "5.3/miss", "10.2/visible-across-connections"},
      .run = truncation_case(CutIn::kBody, 1),
  });
}

}  // namespace kv
