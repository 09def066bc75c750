#include "conformance/engine/server_health.h"

#include <algorithm>
#include <map>

namespace kv {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace

ServerHealth::ServerHealth() : start_(std::chrono::steady_clock::now()) {}

void ServerHealth::record(const Liveness& check, int generation) {
  const double at =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  samples_.push_back({at, check.round_trip_ms, check.outcome, generation});
}

std::optional<Slowdown> ServerHealth::slowdown(std::chrono::milliseconds floor,
                                               std::optional<int> generation) const {
  // The answered round trips of each incarnation, in order.
  std::map<int, std::vector<double>> answered;
  for (const HealthSample& s : samples_) {
    if (s.outcome == LivenessOutcome::kAnswered && (!generation || s.generation == *generation)) {
      answered[s.generation].push_back(s.round_trip_ms);
    }
  }
  std::optional<Slowdown> worst;
  const auto window = static_cast<std::ptrdiff_t>(kSlowdownWindow);
  for (const auto& [generation, trips] : answered) {
    if (trips.size() < 2 * kSlowdownWindow) continue;
    const double early = median({trips.begin(), trips.begin() + window});
    const double late = median({trips.end() - window, trips.end()});
    if (late < static_cast<double>(floor.count()) || late < kSlowdownFactor * early) continue;
    if (!worst || late > worst->late_ms) worst = Slowdown{early, late, trips.size()};
  }
  return worst;
}

bool degrades_over_run(int same_failed, int needed, const std::vector<Liveness>& fresh,
                       std::chrono::milliseconds bound) {
  if (same_failed < needed || fresh.empty()) return false;
  const double fast = static_cast<double>(bound.count()) / ServerHealth::kSlowdownFactor;
  return std::all_of(fresh.begin(), fresh.end(), [fast](const Liveness& l) {
    return l.outcome == LivenessOutcome::kAnswered && l.round_trip_ms <= fast;
  });
}

}  // namespace kv
