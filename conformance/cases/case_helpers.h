// Building blocks shared by the files of conformance/cases/: whole case
// bodies that several sections use, request scripts, and coroutine helpers.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"
#include "conformance/cases/case_context.h"
#include "conformance/cases/case_registry.h"
#include "conformance/engine/case_result.h"

namespace kv {

// The verdict of a case that cannot run with this run's options.
inline Verdict skipped(std::string why) {
  return {Result::kSkip, "", std::move(why)};
}

// A case that is a plain pass so far.
inline Verdict passed() {
  return {};
}

// Waits `duration` without blocking other cases.
boost::asio::awaitable<void> pause(std::chrono::milliseconds duration);
// Waits until `due` (at once if it has passed): steps of an absolute
// schedule, so that one late step does not delay the ones after it.
boost::asio::awaitable<void> pause_until(std::chrono::steady_clock::time_point due);
// The whole milliseconds from `start` to now.
std::chrono::milliseconds since(std::chrono::steady_clock::time_point start);

// `size` bytes of a repeating letter pattern that starts at `first` ('a'
// or 'A'), so that two large values of one case differ everywhere.
std::string patterned_value(std::size_t size, char first);

// Opens a connection, PUTs `value` under `key`, expects the ack, then GETs
// it back on the same connection and expects a hit.
boost::asio::awaitable<Check> put_and_get_back(CaseContext& ctx, std::string key,
                                               std::string value);

// A case: PUT then GET of `value` under ctx.key(name) on one connection;
// SKIP when the PUT frame exceeds --max-frame-bytes.
CaseFn put_get_case(std::string name, std::string value);

// One key and the value stored under it, for cases that write several.
struct KeyValue {
  std::string key;
  std::string value;
  std::string name;  // For the report, e.g. "the key of 65,536 bytes".
};

// PUTs every entry, then GETs every entry back, on one connection, each
// frame in a write of its own: each GET must return its own key and value
// byte for byte, so keys a server conflates and values it alters fail.
boost::asio::awaitable<Check> put_all_then_get_all(CaseContext& ctx, std::vector<KeyValue> entries);

// The value size that makes PUT key=value a frame whose LEN is exactly
// `len`, or 0 if no value size does.
std::size_t value_size_for_put_len(std::string_view key, std::uint32_t len);

// Sends `body` framed, expects `want`, then checks that the connection
// still serves requests and, unless `untouched` is empty, that GET
// `untouched` is still a miss. Parameters by value: the coroutine owns them.
boost::asio::awaitable<Verdict> body_case_run(CaseContext& ctx, std::string body, Message want,
                                              std::string untouched);

// body_case_run with the error response {kind 0, NotOk} (SPEC 6.4); an
// ERROR if `body` parses after all (a harness bug).
boost::asio::awaitable<Verdict> bad_body_case_run(CaseContext& ctx, std::string body,
                                                  std::string untouched);

// The two legal reactions to a framing error (SPEC 6.1), for `legal`.
inline constexpr const char* kLegalFramingClose =
    "an error frame {kind 0, NotOk} then close, or a plain close (EOF or reset); "
    "FAIL: any other frame, an error frame without a close, or no close within the bound";

// Sends the 4-byte header LEN=`len` alone and expects the framing-error
// close of SPEC 6.1 within its bound.
boost::asio::awaitable<Verdict> bad_header_run(CaseContext& ctx, std::uint32_t len);

// A pipeline of requests over a few keys of the case, with the responses a
// correct server gives, in order. Every key is written before it is read,
// and the script ends by reading back every key it wrote, so a server that
// acknowledges PUTs without storing them cannot pass.
struct PipelineScript {
  std::string stream;  // All request frames, back to back.
  std::vector<std::string> frames;
  std::vector<Message> responses;
};

// `requests` must be at least 2 * `keys` (a PUT and a final GET per key);
// fewer keys are used otherwise.
PipelineScript make_pipeline(CaseContext& ctx, std::size_t requests, std::size_t keys);

// Runs the tasks concurrently on the caller's executor and waits for all
// of them; returns the first failure in task order, if any.
using CheckTask = std::function<boost::asio::awaitable<Check>()>;
boost::asio::awaitable<Check> run_concurrently(std::vector<CheckTask> tasks);

}  // namespace kv
