// The server's health over a run, as the liveness checks (liveness.h) saw
// it: each check's round trip and outcome, kept in order. The engine
// reads it to name what went wrong with the server as a whole rather
// than with one case (blame.h): a server whose answers get ever slower
// degrades, which no single case can show.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "conformance/engine/liveness.h"

namespace kv {

// One liveness check.
struct HealthSample {
  double at_ms = 0;          // From the start of the record.
  double round_trip_ms = 0;  // Connect, PUT and GET, to the last response.
  LivenessOutcome outcome = LivenessOutcome::kAnswered;
  // The server's incarnation (Target::generation()): a restart starts a
  // new one, whose round trips are compared among themselves.
  int generation = 0;
};

// How the liveness round trips changed over a run.
struct Slowdown {
  double early_ms = 0;  // The median round trip of the first checks.
  double late_ms = 0;   // The median round trip of the last checks.
  std::size_t checks = 0;
};

// Whether a server whose liveness check failed late in a run (no answer
// within `bound`) degrades as connections come and go (SPEC 7.5) rather
// than being slow at the moment: the check failed again in at least
// `needed` reruns on the same incarnation, and every rerun on a fresh
// incarnation, under the same load on the machine, answered its check
// within `bound` / kSlowdownFactor. `fresh` holds the fresh reruns' checks;
// none proves nothing.
bool degrades_over_run(int same_failed, int needed, const std::vector<Liveness>& fresh,
                       std::chrono::milliseconds bound);

class ServerHealth {
 public:
  ServerHealth();

  void record(const Liveness& check, int generation);
  const std::vector<HealthSample>& samples() const { return samples_; }

  // Set when the answered checks against one incarnation of the server got
  // much slower: the median round trip of its last kSlowdownWindow answered
  // checks is at least kSlowdownFactor times that of its first ones, and at
  // least
  // `floor` (a bound a loaded machine does not reach for a PUT and a GET
  // on a fresh connection; the engine passes kSlowdownFloor x
  // max(1, --timeout-scale)). So
  // a server that is merely slow from the start, or a machine that gets
  // busy, is never taken for a degrading server.
  // With `generation`, only that incarnation is looked at.
  std::optional<Slowdown> slowdown(std::chrono::milliseconds floor,
                                   std::optional<int> generation = std::nullopt) const;

  static constexpr std::size_t kSlowdownWindow = 5;
  static constexpr std::chrono::milliseconds kSlowdownFloor{500};
  static constexpr double kSlowdownFactor = 4;

 private:
  std::chrono::steady_clock::time_point start_;
  std::vector<HealthSample> samples_;
};

}  // namespace kv
