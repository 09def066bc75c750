// Steps the client cases are made of: one command, its request, a
// scripted answer, and the result to expect.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "client/adapter/adapter_protocol.h"
#include "codec/message.h"
#include "conformance/client/client_case.h"
#include "conformance/engine/case_result.h"
#include "conformance/wire/stream_shapes.h"

namespace kv {

// How the scripted server ends its answer.
enum class AnswerEnd {
  kKeepOpen,  // The connection stays open (and silent after the bytes).
  kClose,     // Then the server closes the connection (FIN).
  kReset,     // Then the server resets the connection (RST).
};

// The server's scripted answer to one request.
struct ScriptedAnswer {
  std::string bytes;  // Maybe empty: nothing is sent.
  StreamShape shape = StreamShape::whole();
  AnswerEnd end = AnswerEnd::kKeepOpen;
};

// A ScriptedAnswer, built outside coroutines: GCC 12 miscompiles braced
// temporaries in co_await expressions.
ScriptedAnswer answer_with(std::string bytes, StreamShape shape = StreamShape::whole(),
                           AnswerEnd end = AnswerEnd::kKeepOpen);

// Sends `command` (one put or get), expects its request `request`,
// answers with `answer`, and expects `want` within `bound`. `conn`
// receives the connection the request came on.
boost::asio::awaitable<Check> exchange(ClientCaseContext& ctx, AdapterCommand command,
                                       Message request, ScriptedAnswer answer, AdapterResult want,
                                       std::chrono::milliseconds bound, int& conn);

// exchange() as a whole case, with the step timeout as the bound unless
// `bound` is given.
boost::asio::awaitable<Verdict> exchange_case(ClientCaseContext& ctx, AdapterCommand command,
                                              Message request, ScriptedAnswer answer,
                                              AdapterResult want,
                                              std::chrono::milliseconds bound = {});

// A case that sends GET "k" (or PUT "k" = "v") and answers it with the
// bytes `bytes` builds, ended as `end` says; the client must report the
// error `error_class` within silence_bound() (a client that waits for its
// timeout reports the wrong class, which the case shows).
ClientCaseFn get_answered(std::string (*bytes)(const ClientRunOptions&), AnswerEnd end,
                          std::string error_class);
ClientCaseFn put_answered(std::string (*bytes)(const ClientRunOptions&), std::string error_class);

// The writes that deliver `bytes` bytes steadily over `total`: up to
// `max_writes` writes (fewer for fewer bytes), evenly cut and evenly
// spaced, the first at once and the last at `total`. For SPEC 13.10: a
// response that keeps arriving for longer than the timeout.
StreamShape drip_over(std::size_t bytes, std::chrono::milliseconds total, std::size_t max_writes);

// A request's frame and the usual answers, in bytes.
std::string frame_of(const Message& message);
std::string hit_frame(const std::string& key, const std::string& value);

// A PUT's or GET's request message, for the command made with
// put_command() or get_command().
Message request_of(const AdapterRequest& request);

}  // namespace kv
