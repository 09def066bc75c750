#include "conformance/engine/liveness.h"

#include <fmt/format.h>

#include <chrono>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_context.h"
#include "conformance/wire/wire_session.h"

namespace kv {

namespace {

// What a read that produced no response frame means for liveness.
std::string no_response(const ReadEvent& event, std::string_view request) {
  switch (event.kind) {
    case ReadEventKind::kTimeout:
      return fmt::format("a new connection was accepted but its {} got no response within {}",
                         request, event.detail);
    case ReadEventKind::kEof:
    case ReadEventKind::kReset:
      return fmt::format(
          "a new connection was accepted but closed without a response to its {} "
          "({})",
          request, describe_event(event));
    default:
      return fmt::format("a new connection was accepted but its {} got {}", request,
                         describe_event(event));
  }
}

// Built outside the coroutine: GCC 12 cannot keep braced initializer lists
// in coroutine frames.
std::vector<std::pair<Message, std::string>> liveness_requests(const std::string& key) {
  return {{make_put(key, "alive"), "PUT"}, {make_get(key), "GET"}};
}

}  // namespace

bool frame_fits(const Message& request, std::uint32_t max_frame_bytes) {
  return request.ByteSizeLong() + kFooterBytes <= max_frame_bytes;
}

std::string frame_within(const Message& request, std::uint32_t max_frame_bytes) {
  return encode_frame_to_string(frame_fits(request, max_frame_bytes) ? request : Message());
}

namespace {

// The liveness check proper; check_liveness() adds the timing.
boost::asio::awaitable<Liveness> liveness_steps(const RunOptions& options, WireLog& log,
                                                std::string key) {
  ConnectResult connected =
      co_await WireSession::connect(options.endpoint, log, kLivenessConnection,
                                    options.response_timeout(), options.max_frame_bytes);
  if (!connected.session) {
    co_return Liveness{false, "a new connection was not accepted: " + connected.error,
                       LivenessOutcome::kNotAccepted};
  }
  WireSession& session = *connected.session;
  const std::vector<std::pair<Message, std::string>> steps =
      liveness_requests(private_key(options, key));
  for (const auto& [request, name] : steps) {
    // Under a maximum below a PUT's frame every step is the empty-body
    // frame: one answer shows the server is alive (startup_probe.cc).
    const bool fits = frame_fits(request, options.max_frame_bytes);
    if (!fits && &request != &steps.front().first) break;
    if (Check sent = co_await session.send(frame_within(request, options.max_frame_bytes),
                                           options.response_timeout())) {
      co_return Liveness{false,
                         fmt::format("a new connection was accepted but its {} could not be "
                                     "sent: {}",
                                     name, sent->observed),
                         LivenessOutcome::kClosed};
    }
    const ReadEvent event = co_await session.read_frame(options.response_timeout());
    // A bad body is a response frame too: the server is answering.
    if (event.kind != ReadEventKind::kFrame && event.kind != ReadEventKind::kBadBody) {
      co_return Liveness{false, no_response(event, name),
                         event.kind == ReadEventKind::kTimeout ? LivenessOutcome::kUnanswered
                                                               : LivenessOutcome::kClosed};
    }
  }
  session.close();
  co_return Liveness{};
}

}  // namespace

boost::asio::awaitable<Liveness> check_liveness(const RunOptions& options, WireLog& log,
                                                std::string key) {
  const auto start = std::chrono::steady_clock::now();
  Liveness result = co_await liveness_steps(options, log, std::move(key));
  result.round_trip_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  co_return result;
}

}  // namespace kv
