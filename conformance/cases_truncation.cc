// Cases for truncation (SPEC 6.5): EOF inside a frame discards the partial
// frame, leaves the store untouched, and the server closes the connection
// after answering the complete frames before it.
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

enum class CutIn { kHeader, kBody, kFooter };

std::size_t cut_offset(CutIn where, std::size_t frame_size) {
  switch (where) {
    case CutIn::kHeader: return 2;
    case CutIn::kBody: return kHeaderBytes + (frame_size - kHeaderBytes - kFooterBytes) / 2;
    case CutIn::kFooter: return frame_size - 2;
  }
  return 0;
}

// Sends `complete` frames, then the first bytes of PUT cut=<value> up to
// the cut, then a FIN. Expects `answers`, a close, and no trace of the cut
// frame in the store.
asio::awaitable<Verdict> truncation_run(CaseContext& ctx, CutIn where, std::size_t complete_puts) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const bool with_complete = complete_puts > 0;
  const std::string done = ctx.key("complete");
  const std::string cut = ctx.key("cut");
  const std::string partial = encode_frame_to_string(make_put(cut, "must not be stored"));
  std::string stream;
  for (std::size_t i = 0; i < complete_puts; ++i) stream += encode_frame_to_string(make_put(done, "stored"));
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

void register_truncation_cases(CaseRegistry& r) {
  const char* const kQuote =
      "at EOF inside a frame the partial frame is discarded and the server closes the connection";
  const struct {
    const char* slug;
    CutIn where;
    const char* part;
  } cuts[] = {{"eof-in-header", CutIn::kHeader, "the first 2 header bytes"},
              {"eof-in-body", CutIn::kBody, "the header and half the body"},
              {"eof-in-footer", CutIn::kFooter, "all but the last 2 footer bytes"}};
  for (const auto& c : cuts) {
    r.add({fmt::format("6.5/{}", c.slug), "6.5", Level::kMust, ProfileScope::kAny, kQuote,
           fmt::format("{} of PUT k=v, then a half-close (FIN)", c.part),
           "the server closes the connection; GET k on a fresh connection is a miss", "",
           Timing::kResponse, truncation_case(c.where, 0)});
  }
  r.add({"6.5/answered-before-truncation", "6.5", Level::kMust, ProfileScope::kAny,
         "complete frames before the truncated one are answered before the close",
         "PUT a=stored, then half the body of PUT b, in one write, then a half-close (FIN)",
         "the ack of PUT a, then close; a is stored, b is not", "", Timing::kResponse,
         truncation_case(CutIn::kBody, 1)});
}

}  // namespace kv
