// The expectations cases are made of. Each returns std::nullopt when the
// server behaved as the spec says, or the verdict (expected vs seen).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"
#include "conformance/cases/case_context.h"
#include "conformance/engine/case_result.h"
#include "conformance/wire/wire_session.h"

namespace kv {

using Millis = std::chrono::milliseconds;

// The next response equals `want` (compared as messages, so explicit
// default fields are accepted; SPEC 4.5). `what` names the request.
boost::asio::awaitable<Check> expect_response(WireSession& session, const Message& want,
                                              std::string_view what, Millis timeout);

// The next responses equal `want`, in order (SPEC 5.7). `timeout` covers
// them all; each must also be complete within `each` of the one before,
// so a server that stalls fails at once rather than at the end of a long
// deadline.
boost::asio::awaitable<Check> expect_responses(WireSession& session,
                                               const std::vector<Message>& want, Millis timeout,
                                               Millis each = Millis::max());

// Sends `request` whole and expects `want`.
boost::asio::awaitable<Check> round_trip(CaseContext& ctx, WireSession& session,
                                         const Message& request, const Message& want,
                                         std::string_view what);

// The server closes the connection (EOF or reset) within `timeout`, with
// no response first.
boost::asio::awaitable<Check> expect_close(WireSession& session, std::string_view why,
                                           Millis timeout);

// The two legal reactions to a framing error (SPEC 6.1): one error frame
// {kind 0, NotOk} then close, or a plain close, within `bound`. An error
// frame without a close, any other frame, or silence is a FAIL.
boost::asio::awaitable<Check> expect_framing_close(WireSession& session, Millis bound);

// The connection still serves requests: a GET of a key of this case that
// was never written is answered with a miss.
boost::asio::awaitable<Check> expect_connection_open(CaseContext& ctx, WireSession& session);

// On a new connection, GET `key` answers `want` (hit or miss).
boost::asio::awaitable<Check> expect_on_fresh_connection(CaseContext& ctx, std::string_view key,
                                                         const Message& want);

}  // namespace kv
