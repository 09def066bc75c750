// Small building blocks shared by the cases_<topic>.cc files.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"

#include "conformance/case_context.h"
#include "conformance/case_result.h"

namespace kv {

// Opens a connection, PUTs `value` under ctx.key(name), expects the ack,
// then GETs it back on the same connection and expects a hit.
boost::asio::awaitable<Check> put_and_get_back(CaseContext& ctx, std::string_view name,
                                               std::string_view value);

// The value size that makes PUT key=value a frame whose LEN is exactly
// `len`, or 0 if no value size does.
std::size_t value_size_for_put_len(std::string_view key, std::uint32_t len);

// Waits `duration` without blocking other cases.
boost::asio::awaitable<void> pause(std::chrono::milliseconds duration);

// The verdict of a case that cannot run with this run's options.
inline Verdict skipped(std::string why) { return {Result::kSkip, "", std::move(why)}; }

// A case that is a plain pass so far.
inline Verdict passed() { return {}; }

}  // namespace kv

namespace kv {

// A pipeline of requests over a few keys of the case, with the responses
// a correct server gives, in order. Every key is written before it is read.
struct PipelineScript {
  std::string stream;             // All request frames, back to back.
  std::vector<std::string> frames;
  std::vector<Message> responses;
};

PipelineScript make_pipeline(CaseContext& ctx, std::size_t requests, std::size_t keys);

}  // namespace kv

namespace kv {

// Runs the tasks concurrently on the caller's executor and waits for all
// of them; returns the first failure in task order, if any.
using CheckTask = std::function<boost::asio::awaitable<Check>()>;
boost::asio::awaitable<Check> run_concurrently(std::vector<CheckTask> tasks);

}  // namespace kv
