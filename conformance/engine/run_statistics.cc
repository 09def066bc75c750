#include "conformance/engine/run_statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kv {

namespace {

// The numbers of a rule ID ("5.10" -> {5, 10}); a part that is not a
// number sorts after every number, by its text.
std::vector<long> rule_numbers(std::string_view id, std::string_view& rest) {
  std::vector<long> numbers;
  while (!id.empty()) {
    long n = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (error != std::errc()) break;
    numbers.push_back(n);
    id.remove_prefix(static_cast<std::size_t>(end - id.data()));
    if (id.empty() || id.front() != '.') break;
    id.remove_prefix(1);
  }
  rest = id;
  return numbers;
}

}  // namespace

StatCounter& StatGroup::find_or_add(std::string_view counter) {
  for (StatCounter& c : counters) {
    if (c.name == counter) return c;
  }
  counters.push_back({std::string(counter), 0, {}});
  return counters.back();
}

void StatGroup::add(std::string_view counter, double amount) {
  find_or_add(counter).value += amount;
}

void StatGroup::set(std::string_view counter, double value, std::string_view unit) {
  StatCounter& c = find_or_add(counter);
  c.value = value;
  c.unit = std::string(unit);
}

double StatGroup::value(std::string_view counter) const {
  for (const StatCounter& c : counters) {
    if (c.name == counter) return c.value;
  }
  return 0;
}

bool RuleIdLess::operator()(const std::string& a, const std::string& b) const {
  std::string_view rest_a;
  std::string_view rest_b;
  const std::vector<long> na = rule_numbers(a, rest_a);
  const std::vector<long> nb = rule_numbers(b, rest_b);
  if (na != nb) return na < nb;
  return rest_a < rest_b;
}

StatGroup& RunStatistics::group(std::string_view name) {
  for (StatGroup& g : groups_) {
    if (g.name == name) return g;
  }
  groups_.push_back({std::string(name), {}, {}});
  return groups_.back();
}

void RunStatistics::can_judge(const std::string& rule) {
  rules_.try_emplace(rule, 0);
}

void RunStatistics::judged(const std::string& rule, std::uint64_t count) {
  rules_[rule] += count;
}

std::map<std::string, std::uint64_t, RuleIdLess> RunStatistics::rules_judged() const {
  std::map<std::string, std::uint64_t, RuleIdLess> out;
  for (const auto& [rule, count] : rules_) {
    if (count > 0) out.emplace(rule, count);
  }
  return out;
}

std::vector<std::string> RunStatistics::rules_never_exercised() const {
  std::vector<std::string> out;
  for (const auto& [rule, count] : rules_) {
    if (count == 0) out.push_back(rule);
  }
  return out;
}

std::string stat_value_text(const StatCounter& counter) {
  const double v = counter.value;
  std::string text;
  if (std::nearbyint(v) == v && std::fabs(v) < 1e15) {
    text = fmt::format("{}", static_cast<long long>(v));
  } else if (std::fabs(v) >= 100) {
    text = fmt::format("{:.0f}", v);
  } else if (std::fabs(v) >= 1) {
    text = fmt::format("{:.1f}", v);
  } else {
    text = fmt::format("{:.2g}", v);
  }
  if (counter.unit.empty()) return text;
  return counter.unit.front() == '/' ? text + counter.unit : text + " " + counter.unit;
}

}  // namespace kv
