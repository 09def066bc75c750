#include "conformance/cases/case_helpers.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <random>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

namespace asio = boost::asio;

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> pause_until(std::chrono::steady_clock::time_point due) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(due);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

std::string patterned_value(std::size_t size, char first) {
  std::string value(size, '\0');
  for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>(first + (i / 7 + i) % 26);
  return value;
}

asio::awaitable<Check> put_and_get_back(CaseContext& ctx, std::string key, std::string value) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const auto timeout =
      value.size() > 4096 ? ctx.options().bulk_timeout() : ctx.options().response_timeout();
  KV_CHECK(co_await c->send(encode_frame_to_string(make_put(key, value)), timeout));
  KV_CHECK(co_await expect_response(*c, make_put_ack(), "ack of the PUT", timeout));
  KV_CHECK(co_await c->send(encode_frame_to_string(make_get(key)), timeout));
  KV_CHECK(co_await expect_response(*c, make_get_hit(key, value), "GET of the key", timeout));
  c->close();
  co_return std::nullopt;
}

static asio::awaitable<Verdict> put_get_run(CaseContext& ctx, std::string name, std::string value) {
  const std::string key = ctx.key(name);
  const std::size_t frame_len = make_put(key, value).ByteSizeLong() + kFooterBytes;
  if (frame_len > ctx.options().max_frame_bytes) {
    co_return skipped(fmt::format("the PUT frame (LEN {}) exceeds --max-frame-bytes {}", frame_len,
                                  ctx.options().max_frame_bytes));
  }
  KV_CHECK(co_await put_and_get_back(ctx, key, std::move(value)));
  co_return passed();
}

CaseFn put_get_case(std::string name, std::string value) {
  return [name, value](CaseContext& ctx) { return put_get_run(ctx, name, value); };
}

asio::awaitable<Check> put_all_then_get_all(CaseContext& ctx, std::vector<KeyValue> entries) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  std::size_t largest = 0;
  for (const KeyValue& entry : entries) {
    largest = std::max(largest, entry.key.size() + entry.value.size());
  }
  const auto timeout =
      largest > 4096 ? ctx.options().bulk_timeout() : ctx.options().response_timeout();
  for (const KeyValue& entry : entries) {
    KV_CHECK(co_await c->send(encode_frame_to_string(make_put(entry.key, entry.value)), timeout));
    KV_CHECK(
        co_await expect_response(*c, make_put_ack(), "ack of the PUT of " + entry.name, timeout));
  }
  for (const KeyValue& entry : entries) {
    KV_CHECK(co_await c->send(encode_frame_to_string(make_get(entry.key)), timeout));
    KV_CHECK(co_await expect_response(*c, make_get_hit(entry.key, entry.value),
                                      "GET of " + entry.name + " (its own value)", timeout));
  }
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

asio::awaitable<Verdict> body_case_run(CaseContext& ctx, std::string body, Message want,
                                       std::string untouched) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_raw_frame_to_string(body), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_response(*c, want, "response to the frame",
                                    ctx.options().response_timeout()));
  KV_CHECK(co_await expect_connection_open(ctx, *c));
  if (!untouched.empty()) {
    KV_CHECK(co_await round_trip(ctx, *c, make_get(untouched), make_get_miss(untouched),
                                 "the store is unchanged"));
  }
  co_return passed();
}

asio::awaitable<Verdict> bad_body_case_run(CaseContext& ctx, std::string body,
                                           std::string untouched) {
  Message probe;
  if (probe.ParseFromString(body)) {
    co_return error_verdict("harness bug: the 'bad' body parses: " + hex_bytes(body));
  }
  co_return co_await body_case_run(ctx, std::move(body), make_error_response(),
                                   std::move(untouched));
}

asio::awaitable<Verdict> bad_header_run(CaseContext& ctx, std::uint32_t len) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  KV_CHECK(co_await c->send(encode_header_to_string(len), ctx.options().response_timeout()));
  KV_CHECK(co_await expect_framing_close(*c, ctx.options().close_bound()));
  co_return passed();
}

PipelineScript make_pipeline(CaseContext& ctx, std::size_t requests, std::size_t keys) {
  keys = std::max<std::size_t>(1, std::min(keys, requests / 2));
  PipelineScript script;
  std::vector<std::string> names;
  std::vector<std::string> values;
  auto add = [&](const Message& request, const Message& response) {
    script.frames.push_back(encode_frame_to_string(request));
    script.responses.push_back(response);
  };
  for (std::size_t i = 0; i < keys; ++i) {
    names.push_back(ctx.key(fmt::format("pipeline-{}", i)));
    values.push_back(fmt::format("initial-{}", i));
    add(make_put(names[i], values[i]), make_put_ack());
  }
  std::uniform_int_distribution<std::size_t> pick_key(0, names.size() - 1);
  std::uniform_int_distribution<int> pick_op(0, 1);
  // The last `keys` requests read every key back.
  while (script.frames.size() + keys < requests) {
    const std::size_t k = pick_key(ctx.rng());
    if (pick_op(ctx.rng()) == 0) {
      values[k] = fmt::format("v{}-{}", script.frames.size(), std::string(k % 7, '#'));
      add(make_put(names[k], values[k]), make_put_ack());
    } else {
      add(make_get(names[k]), make_get_hit(names[k], values[k]));
    }
  }
  for (std::size_t k = 0; k < keys && script.frames.size() < requests; ++k) {
    add(make_get(names[k]), make_get_hit(names[k], values[k]));
  }
  script.stream = coalesce(script.frames);
  return script;
}

asio::awaitable<Check> run_concurrently(std::vector<CheckTask> tasks) {
  // A parallel group, not detached coroutines: when the case is cancelled
  // the group cancels every task and waits for them, so no task outlives
  // the frames it refers to.
  if (tasks.empty()) co_return std::nullopt;
  const auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, tasks.front()(), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (CheckTask& task : tasks) ops.push_back(asio::co_spawn(executor, task(), asio::deferred));
  auto [order, errors, results] =
      co_await asio::experimental::make_parallel_group(std::move(ops))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  for (Check& result : results) {
    if (result) co_return std::move(result);
  }
  co_return std::nullopt;
}

}  // namespace kv
