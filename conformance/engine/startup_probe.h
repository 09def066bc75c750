// The start-up probe: before any case runs, a short script finds out
// whether the target can be checked at all, and says in words what is
// wrong when it cannot. It stores a key, reads it back, reads it again on
// a new connection after closing the first, and once more after a client
// that connects and closes without a byte (as health checkers do), so a
// server that stops answering after a client leaves is named as such.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"

namespace kv {

enum class ProbeOutcome {
  kHealthy,       // Every step answered correctly.
  kWrongAnswers,  // Every step answered, some wrongly: cases can run.
  kUnresponsive,  // Connections are accepted but not answered (at some step).
  kUnreachable,   // The first connection could not be made.
};

struct ProbeResult {
  ProbeOutcome outcome = ProbeOutcome::kHealthy;
  // Set unless healthy: what was seen, with the probe's wire log.
  std::optional<Finding> finding;
};

// Runs the probe with keys prefixed `key_prefix`. Each step waits at most
// options.response_timeout().
boost::asio::awaitable<ProbeResult> run_startup_probe(const RunOptions& options,
                                                      std::string key_prefix);

}  // namespace kv
