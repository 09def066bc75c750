// The settings of one conformance run that cases depend on.
#pragma once

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "codec/frame_format.h"

namespace kv {

enum class Profile { kConcurrent, kSequential };

struct RunOptions {
  boost::asio::ip::tcp::endpoint endpoint;
  Profile profile = Profile::kConcurrent;
  std::uint32_t max_frame_bytes = kDefaultMaxFrameLen;
  double timeout_scale = 1.0;
  std::uint64_t seed = 0;
  // The pause between bytes of the slow-drip shape (SPEC 9.2 allows 100 ms).
  std::chrono::milliseconds drip_interval{50};
  // The idle timeout the server was started with (SPEC 9.1, default 10 s):
  // cases that pause between requests stay well below it.
  std::chrono::milliseconds idle_timeout{10000};
  // The drain time the server was started with (SPEC 12.5, default 3 s):
  // the bound of the drain cases, which need --exec.
  std::chrono::milliseconds drain_time{3000};

  // A generous bound for an answer that has no bound in the spec: a slow
  // machine never turns it into a FAIL.
  std::chrono::milliseconds response_timeout() const { return scaled(std::chrono::seconds(5)); }
  // The bound for work proportional to a long pipeline or a large value.
  std::chrono::milliseconds bulk_timeout() const { return scaled(std::chrono::seconds(20)); }
  // The bound for a rule that says "within 1 s" (SPEC 6.1): the spec's
  // bound times max(1, scale), plus a grace for scheduling noise.
  std::chrono::milliseconds close_bound() const;
  std::chrono::milliseconds scaled(std::chrono::milliseconds base) const;
  // A bound the spec sets, times max(1, scale): a slow machine may loosen
  // it, a scale below 1 never tightens it.
  std::chrono::milliseconds spec_bound(std::chrono::milliseconds base) const;
  // The longest quiet spell after which a close is still judged an early
  // idle close (SPEC 9.4): the idle timeout less a slack of 3 s (times
  // max(1, scale)) for a loaded client's late send, never less than half
  // the idle timeout. A client that sends after a quiet spell shorter than
  // this reaches a correct server before its idle timeout runs out.
  std::chrono::milliseconds judged_quiet_limit() const;
};

inline constexpr std::chrono::milliseconds kIdleSendSlack{3000};

inline constexpr std::chrono::milliseconds kCloseGrace{250};

inline std::chrono::milliseconds RunOptions::scaled(std::chrono::milliseconds base) const {
  return std::chrono::milliseconds(static_cast<long long>(base.count() * timeout_scale));
}

inline std::chrono::milliseconds RunOptions::spec_bound(std::chrono::milliseconds base) const {
  return timeout_scale > 1.0 ? scaled(base) : base;
}

inline std::chrono::milliseconds RunOptions::judged_quiet_limit() const {
  return std::max(idle_timeout / 2, idle_timeout - spec_bound(kIdleSendSlack));
}

inline std::chrono::milliseconds RunOptions::close_bound() const {
  return spec_bound(std::chrono::seconds(1)) + kCloseGrace;
}

}  // namespace kv
