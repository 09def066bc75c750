#include "conformance/case_helpers.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "codec/frame_format.h"
#include "conformance/expectations.h"
#include "codec/frame_encoder.h"
#include "conformance/messages.h"
#include "conformance/stream_shapes.h"

namespace kv {

boost::asio::awaitable<Check> put_and_get_back(CaseContext& ctx, std::string_view name,
                                               std::string_view value) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string key = ctx.key(name);
  const auto timeout = value.size() > 4096 ? ctx.options().bulk_timeout()
                                           : ctx.options().response_timeout();
  KV_CHECK(co_await c->send(encode_frame_to_string(make_put(key, value)), timeout));
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT", timeout));
  KV_CHECK(co_await c->send(encode_frame_to_string(make_get(key)), timeout));
  KV_CHECK(co_await expect_response(*c, make_get_hit(key, value), "GET of the key", timeout));
  c->close();
  co_return std::nullopt;
}

std::size_t value_size_for_put_len(std::string_view key, std::uint32_t len) {
  // BODY = key field + value field + kind field (18 03); LEN = BODY + 5.
  const std::size_t key_field = key.empty() ? 0 : 1 + pb_varint_size(key.size()) + key.size();
  const std::size_t fixed = key_field + 2 + kFooterBytes;
  if (len <= fixed + 1) return 0;
  for (std::size_t prefix = 1; prefix <= 5; ++prefix) {
    // The value field is 1 tag byte + `prefix` length bytes + the value.
    if (len < fixed + 1 + prefix) return 0;
    const std::size_t size = len - fixed - 1 - prefix;
    if (size > 0 && pb_varint_size(size) == prefix) return size;
  }
  return 0;
}

}  // namespace kv

namespace kv {

PipelineScript make_pipeline(CaseContext& ctx, std::size_t requests, std::size_t keys) {
  PipelineScript script;
  std::vector<std::string> names;
  std::vector<std::string> values;
  auto add = [&](const Message& request, const Message& response) {
    script.frames.push_back(encode_frame_to_string(request));
    script.responses.push_back(response);
  };
  for (std::size_t i = 0; i < keys && script.frames.size() < requests; ++i) {
    names.push_back(ctx.key(fmt::format("pipeline-{}", i)));
    values.push_back(fmt::format("initial-{}", i));
    add(make_put(names[i], values[i]), make_put_ack());
  }
  std::uniform_int_distribution<std::size_t> pick_key(0, names.size() - 1);
  std::uniform_int_distribution<int> pick_op(0, 1);
  while (script.frames.size() < requests) {
    const std::size_t k = pick_key(ctx.rng());
    if (pick_op(ctx.rng()) == 0) {
      values[k] = fmt::format("v{}-{}", script.frames.size(), std::string(k % 7, '#'));
      add(make_put(names[k], values[k]), make_put_ack());
    } else {
      add(make_get(names[k]), make_get_hit(names[k], values[k]));
    }
  }
  script.stream = coalesce(script.frames);
  return script;
}

}  // namespace kv

namespace kv {

boost::asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  namespace asio = boost::asio;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

boost::asio::awaitable<Check> run_concurrently(std::vector<CheckTask> tasks) {
  namespace asio = boost::asio;
  const auto executor = co_await asio::this_coro::executor;
  std::vector<Check> results(tasks.size());
  std::size_t running = tasks.size();
  asio::steady_timer all_done(executor);
  all_done.expires_at(asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(
        executor,
        [&, i]() -> asio::awaitable<void> {
          results[i] = co_await tasks[i]();
          if (--running == 0) all_done.cancel();
        },
        asio::detached);
  }
  while (running > 0) {
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  for (Check& result : results) {
    if (result) co_return std::move(result);
  }
  co_return std::nullopt;
}

}  // namespace kv
