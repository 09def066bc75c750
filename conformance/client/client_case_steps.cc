#include "conformance/client/client_case_steps.h"

#include <algorithm>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"

namespace kv {

std::string frame_of(const Message& message) {
  return encode_frame_to_string(message);
}

std::string hit_frame(const std::string& key, const std::string& value) {
  return frame_of(make_get_hit(key, value));
}

Message request_of(const AdapterRequest& request) {
  return request.op == AdapterRequest::Op::kPut ? make_put(request.key, request.value)
                                                : make_get(request.key);
}

StreamShape drip_over(std::size_t bytes, std::chrono::milliseconds total, std::size_t max_writes) {
  const std::size_t writes = std::max<std::size_t>(1, std::min(max_writes, bytes));
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < writes; ++i) cuts.push_back(i * bytes / writes);
  StreamShape shape = StreamShape::cut_at(std::move(cuts));
  shape.gap = writes > 1 ? total / static_cast<long>(writes - 1) : total;
  return shape;
}

ScriptedAnswer answer_with(std::string bytes, StreamShape shape, AnswerEnd end) {
  return {std::move(bytes), shape, end};
}

boost::asio::awaitable<Check> exchange(ClientCaseContext& ctx, AdapterCommand command,
                                       Message request, ScriptedAnswer answer, AdapterResult want,
                                       std::chrono::milliseconds bound, int& conn) {
  KV_CHECK(co_await ctx.command(command));
  KV_CHECK(co_await ctx.expect_request(request, conn));
  if (!answer.bytes.empty()) KV_CHECK(co_await ctx.reply(conn, answer.bytes, answer.shape));
  if (answer.end == AnswerEnd::kClose) ctx.server().close(conn);
  if (answer.end == AnswerEnd::kReset) ctx.server().reset(conn);
  KV_CHECK(co_await ctx.expect_result(want, bound));
  co_return std::nullopt;
}

boost::asio::awaitable<Verdict> exchange_case(ClientCaseContext& ctx, AdapterCommand command,
                                              Message request, ScriptedAnswer answer,
                                              AdapterResult want, std::chrono::milliseconds bound) {
  int conn = 0;
  const auto limit = bound.count() > 0 ? bound : ctx.options().step_timeout();
  KV_CHECK(co_await exchange(ctx, std::move(command), std::move(request), std::move(answer),
                             std::move(want), limit, conn));
  co_return passed();
}

ClientCaseFn get_answered(std::string (*bytes)(const ClientRunOptions&), AnswerEnd end,
                          std::string error_class) {
  return [bytes, end, error_class](ClientCaseContext& ctx) {
    return exchange_case(ctx, get_command("k"), make_get("k"),
                         answer_with(bytes(ctx.options()), StreamShape::whole(), end),
                         error_result(error_class), ctx.options().silence_bound());
  };
}

ClientCaseFn put_answered(std::string (*bytes)(const ClientRunOptions&), std::string error_class) {
  return [bytes, error_class](ClientCaseContext& ctx) {
    return exchange_case(ctx, put_command("k", "v"), make_put("k", "v"),
                         answer_with(bytes(ctx.options())), error_result(error_class),
                         ctx.options().silence_bound());
  };
}

}  // namespace kv
