// The settings of one run of the client suite (kvconform client)
// that cases depend on.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "codec/frame_format.h"

namespace kv {

struct ClientRunOptions {
  // The adapter command, with its placeholders (spec/client-adapter.md).
  std::string command;
  // The timeout the client applies to each response (SPEC 13.10).
  std::chrono::milliseconds client_timeout{2000};
  // The client's maximum response LEN (SPEC 13.5).
  std::uint32_t client_max_frame_bytes = kDefaultMaxFrameLen;
  double timeout_scale = 1.0;
  std::uint64_t seed = 0;

  // A generous bound for a step with no bound of its own: a result after
  // the server answered or ended the connection, a request after a
  // command, a write of the server. A slow machine never turns it into a
  // FAIL.
  std::chrono::milliseconds step_timeout() const { return scaled(std::chrono::seconds(5)); }
  // The bound for a result when the server stays silent: the client's own
  // timeout plus a grace.
  std::chrono::milliseconds silence_bound() const {
    return client_timeout + scaled(std::chrono::seconds(2));
  }
  // The bound for moving a 3 MiB value each way.
  std::chrono::milliseconds bulk_timeout() const { return scaled(std::chrono::seconds(20)); }
  std::chrono::milliseconds scaled(std::chrono::milliseconds base) const {
    return std::chrono::milliseconds(static_cast<long long>(base.count() * timeout_scale));
  }
};

}  // namespace kv
