// The liveness check (SPEC 7.1, 7.2): is the server still serving new
// connections? It asks whether the server answers at all, not whether it
// answers correctly: wrong answers are the cases' business, and a server
// that answers wrongly is alive.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "codec/message.h"
#include "conformance/engine/run_options.h"
#include "conformance/wire/wire_log.h"

namespace kv {

// The rule a server breaks that stops accepting or answering new
// connections while its process runs (a wedge), whatever case was running.
inline constexpr const char* kLivenessRule = "7.1";
// The rule a server breaks that an input brought down (a crash).
inline constexpr const char* kCrashRule = "7.2";

// The connection number liveness checks use in wire logs.
inline constexpr int kLivenessConnection = 99;

// How a liveness check ended.
enum class LivenessOutcome {
  kAnswered,     // Both requests got a response frame: the server serves.
  kNotAccepted,  // The connection was refused or never completed.
  kUnanswered,   // Accepted, but a request got no response in time.
  kClosed,       // Accepted, then closed or reset without a response.
};

struct Liveness {
  bool alive = true;
  // When not alive, what was seen, in words: "a new connection was accepted
  // but its PUT got no response within 5000 ms".
  std::string problem;
  LivenessOutcome outcome = LivenessOutcome::kAnswered;
  // From the connect to the last response (or to the failure).
  double round_trip_ms = 0;
};

// True when the frame of `request` has LEN <= `max_frame_bytes`.
bool frame_fits(const Message& request, std::uint32_t max_frame_bytes);

// The frame of `request`; or, when it would exceed `max_frame_bytes`, the
// empty-body frame (LEN 5, the all-default message: kind 0, answered
// {kind: 0, status: NotOk} by SPEC 5.6), which fits every legal maximum.
std::string frame_within(const Message& request, std::uint32_t max_frame_bytes);

// Opens a fresh connection, sends a PUT and then a GET of `key`, and waits
// for one well-formed response frame to each (any response counts), all
// within options.response_timeout() per step. Logs on connection 99. The
// key is compacted by private_key(); a request that cannot fit the maximum
// LEN is replaced by the empty-body frame (frame_within).
boost::asio::awaitable<Liveness> check_liveness(const RunOptions& options, WireLog& log,
                                                std::string key);

}  // namespace kv
