#include "conformance/explore/explore_statistics.h"

#include <algorithm>
#include <charconv>

namespace kv {

namespace {

// The numbers of a rule ID: "12.5" -> {12, 5}; non-numbers end it.
std::vector<int> rule_numbers(std::string_view id) {
  std::vector<int> out;
  while (!id.empty()) {
    int n = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (error != std::errc()) break;
    out.push_back(n);
    id.remove_prefix(static_cast<std::size_t>(end - id.data()));
    if (id.empty() || id.front() != '.') break;
    id.remove_prefix(1);
  }
  return out;
}

const std::string_view kGroupOrder[] = {kStatPrograms, kStatSteps,  kStatShapes,
                                        kStatRequests, kStatKeys,   kStatValues,
                                        kStatForms,    kStatFraming, kStatConnections,
                                        kStatShutdowns, kStatRules};

}  // namespace

bool rule_id_less(std::string_view a, std::string_view b) {
  const std::vector<int> x = rule_numbers(a), y = rule_numbers(b);
  if (x != y) return x < y;
  return a < b;
}

void ExploreStatistics::add(std::string_view group, std::string_view label, std::uint64_t n) {
  auto it = counts_.find(group);
  if (it == counts_.end()) it = counts_.emplace(std::string(group), std::map<std::string, std::uint64_t>()).first;
  it->second[std::string(label)] += n;
}

void ExploreStatistics::add_time(std::string_view group, std::string_view what, double ms) {
  auto g = times_.find(group);
  if (g == times_.end()) g = times_.emplace(std::string(group), std::map<std::string, double, std::less<>>()).first;
  auto it = g->second.find(what);
  if (it == g->second.end()) it = g->second.emplace(std::string(what), 0.0).first;
  it->second += ms;
}

void ExploreStatistics::merge(const ExploreStatistics& other) {
  for (const auto& [group, rows] : other.counts_) {
    for (const auto& [label, n] : rows) add(group, label, n);
  }
  for (const auto& [group, rows] : other.times_) {
    for (const auto& [what, ms] : rows) add_time(group, what, ms);
  }
}

std::uint64_t ExploreStatistics::count(std::string_view group, std::string_view label) const {
  const auto g = counts_.find(group);
  if (g == counts_.end()) return 0;
  const auto row = g->second.find(std::string(label));
  return row == g->second.end() ? 0 : row->second;
}

std::uint64_t ExploreStatistics::total(std::string_view group) const {
  const auto g = counts_.find(group);
  if (g == counts_.end()) return 0;
  std::uint64_t sum = 0;
  for (const auto& [label, n] : g->second) sum += n;
  return sum;
}

double ExploreStatistics::time_ms(std::string_view group, std::string_view what) const {
  const auto g = times_.find(group);
  if (g == times_.end()) return 0.0;
  const auto it = g->second.find(what);
  return it == g->second.end() ? 0.0 : it->second;
}

double ExploreStatistics::total_time_ms(std::string_view group) const {
  const auto g = times_.find(group);
  if (g == times_.end()) return 0.0;
  double sum = 0;
  for (const auto& [what, ms] : g->second) sum += ms;
  return sum;
}

std::vector<ExploreStatistics::Group> ExploreStatistics::groups() const {
  std::vector<Group> out;
  const auto add_group = [&](std::string_view name) {
    const auto g = counts_.find(name);
    if (g == counts_.end()) return;
    Group group{std::string(name), {g->second.begin(), g->second.end()}};
    if (name == kStatRules) {
      std::sort(group.rows.begin(), group.rows.end(),
                [](const auto& a, const auto& b) { return rule_id_less(a.first, b.first); });
    }
    out.push_back(std::move(group));
  };
  for (const std::string_view name : kGroupOrder) add_group(name);
  for (const auto& [name, rows] : counts_) {
    if (std::find(std::begin(kGroupOrder), std::end(kGroupOrder), name) == std::end(kGroupOrder)) {
      add_group(name);
    }
  }
  for (const std::string_view name : {kStatTime, kStatWaits}) {
    const auto g = times_.find(name);
    if (g == times_.end()) continue;
    Group time{std::string(name), {}};
    for (const auto& [what, ms] : g->second) {
      time.rows.emplace_back(what, static_cast<std::uint64_t>(ms + 0.5));
    }
    out.push_back(std::move(time));
  }
  return out;
}

std::vector<std::string> ExploreStatistics::rules_never_judged(
    const std::vector<std::string>& rules) const {
  std::vector<std::string> out;
  for (const std::string& rule : rules) {
    if (count(kStatRules, rule) == 0) out.push_back(rule);
  }
  std::sort(out.begin(), out.end(), rule_id_less);
  return out;
}

}  // namespace kv
