// SPEC section 3, limits: a frame of exactly the maximum LEN is legal
// (3.1); a LEN above it is rejected from the header alone (3.2).
#include <fmt/format.h>

#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"

namespace kv {

namespace {

namespace asio = boost::asio;

asio::awaitable<Verdict> frame_at_max(CaseContext& ctx) {
  const std::string key = ctx.key("k");
  const std::uint32_t max = ctx.options().max_frame_bytes;
  const std::size_t size = value_size_for_put_len(key, max);
  if (size == 0) co_return skipped(fmt::format("no PUT of this case's key fits LEN {}", max));
  ctx.log().info(0, fmt::format("PUT frame LEN = {} (the maximum)", max));
  KV_CHECK(co_await put_and_get_back(ctx, key, std::string(size, 'm')));
  co_return passed();
}

CaseFn max_plus_one_case() {
  return [](CaseContext& ctx) { return bad_header_run(ctx, ctx.options().max_frame_bytes + 1U); };
}

CaseFn len_ffffffff_case() {
  return [](CaseContext& ctx) { return bad_header_run(ctx, 0xFFFFFFFFU); };
}

}  // namespace

void register_limits_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 3);
  cases.add({
      .id = "3.1/frame-at-max",
      .quote =
          "LEN equal to the maximum is legal (--max-frame-bytes; the target must use the same max)",
      .sends = "PUT whose frame has LEN exactly --max-frame-bytes, then GET",
      .expects = "ack, then a hit with the whole value",
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .run = frame_at_max,
  });
  cases.add({
      .id = "3.2/len-max-plus-one-no-body",
      .quote = "LEN above the maximum is rejected from the header alone, without waiting for the "
               "body",
      .sends = "the 4-byte header LEN = --max-frame-bytes + 1, no body",
      .expects = "the connection closes within the bound",
      .legal = kLegalFramingClose,
      .timing = Timing::kCloseWithin,
      .min_max_frame_bytes = kMinFrameLen,
      .run = max_plus_one_case(),
  });
  cases.add({
      .id = "3.2/len-0xffffffff-no-body",
      .quote = "LEN 0xFFFFFFFF is rejected from the header alone (no wait, no 4 GiB allocation)",
      .sends = "the 4-byte header ff ff ff ff, no body",
      .expects = "the connection closes within the bound",
      .legal = kLegalFramingClose,
      .timing = Timing::kCloseWithin,
      .min_max_frame_bytes = kMinFrameLen,
      .run = len_ffffffff_case(),
  });
}

}  // namespace kv
