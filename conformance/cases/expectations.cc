#include "conformance/cases/expectations.h"

#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "conformance/engine/liveness.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace asio = boost::asio;

asio::awaitable<Check> expect_response(WireSession& session, const Message& want,
                                       std::string_view what, Millis timeout) {
  const ReadEvent event = co_await session.read_frame(timeout);
  const std::string expected = fmt::format("{}: {}", what, describe_message(want));
  if (event.kind != ReadEventKind::kFrame) co_return fail_verdict(expected, describe_event(event));
  if (!same_message(event.message, want)) co_return fail_verdict(expected, describe_event(event));
  co_return std::nullopt;
}

asio::awaitable<Check> expect_responses(WireSession& session, const std::vector<Message>& want,
                                        Millis timeout, Millis each) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto left =
        std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    const std::string what = i == 0 ? fmt::format("response 1 of {}", want.size())
                                    : fmt::format("response {} of {} (the {} before it were right)",
                                                  i + 1, want.size(), i);
    KV_CHECK(co_await expect_response(session, want[i], what,
                                      std::max(std::min(left, each), Millis(1))));
  }
  co_return std::nullopt;
}

asio::awaitable<Check> round_trip(CaseContext& ctx, WireSession& session, const Message& request,
                                  const Message& want, std::string_view what) {
  KV_CHECK(
      co_await session.send(encode_frame_to_string(request), ctx.options().response_timeout()));
  co_return co_await expect_response(session, want, what, ctx.options().response_timeout());
}

asio::awaitable<Check> expect_close(WireSession& session, std::string_view why, Millis timeout) {
  const ReadEvent event = co_await session.read_frame(timeout);
  if (event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kReset) {
    co_return std::nullopt;
  }
  co_return fail_verdict(
      fmt::format("the server closes the connection within {} ms ({})", timeout.count(), why),
      describe_event(event));
}

asio::awaitable<Check> expect_framing_close(WireSession& session, Millis bound) {
  const auto start = std::chrono::steady_clock::now();
  const std::string expected =
      fmt::format("within {} ms: either an error frame {} then close, or a plain close",
                  bound.count(), describe_message(make_error_response()));
  ReadEvent event = co_await session.read_frame(bound);
  if (event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kReset) {
    co_return std::nullopt;
  }
  if (event.kind != ReadEventKind::kFrame) co_return fail_verdict(expected, describe_event(event));
  if (!same_message(event.message, make_error_response())) {
    co_return fail_verdict(expected, describe_event(event));
  }
  const auto left =
      bound - std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  event = co_await session.read_frame(std::max(left, Millis(1)));
  if (event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kReset) {
    co_return std::nullopt;
  }
  if (event.kind == ReadEventKind::kTimeout) {
    co_return fail_verdict(expected,
                           "the error frame arrived, but the server never closed the connection");
  }
  co_return fail_verdict(expected, "after the error frame: " + describe_event(event));
}

asio::awaitable<Check> expect_connection_open(CaseContext& ctx, WireSession& session) {
  const std::string probe = ctx.key("still-open-probe");
  const std::string what = "the connection stays open: a follow-up request is answered";
  const std::uint32_t max = ctx.options().max_frame_bytes;
  // Under a maximum too small for a GET the follow-up is the empty-body
  // frame, an unknown kind 0 (SPEC 5.6).
  const Message want =
      frame_fits(make_get(probe), max) ? make_get_miss(probe) : make_unknown_kind_response(0);
  KV_CHECK(
      co_await session.send(frame_within(make_get(probe), max), ctx.options().response_timeout()));
  co_return co_await expect_response(session, want, what, ctx.options().response_timeout());
}

asio::awaitable<Check> expect_on_fresh_connection(CaseContext& ctx, std::string_view key,
                                                  const Message& want) {
  std::unique_ptr<WireSession> fresh;
  KV_CHECK(co_await ctx.open(fresh));
  KV_CHECK(co_await round_trip(ctx, *fresh, make_get(key), want, "GET on a fresh connection"));
  fresh->close();
  co_return std::nullopt;
}

}  // namespace kv
