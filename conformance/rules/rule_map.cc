#include "conformance/rules/rule_map.h"

#include <fmt/format.h>

#include <set>

namespace kv {

// cmake/embed_text.cmake defines these from spec/ (conformance/CMakeLists.txt).
extern const std::string_view kEmbeddedRuleOutline;
extern const std::string_view kEmbeddedNotCheckable;

namespace {

constexpr std::string_view kBlank = " \t\r";

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

// Splits off the first whitespace-separated word of `line`.
std::string_view take_word(std::string_view& line) {
  line = trim(line);
  const std::size_t end = line.find_first_of(kBlank);
  const std::string_view word = line.substr(0, end);
  line = end == std::string_view::npos ? std::string_view() : trim(line.substr(end));
  return word;
}

// "<digits>.<digits>", the form of a rule ID.
bool is_rule_id(std::string_view id) {
  const std::size_t dot = id.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == id.size()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i != dot && (id[i] < '0' || id[i] > '9')) return false;
  }
  return true;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    fn(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
}

std::string_view rule_of(std::string_view case_id) {
  return case_id.substr(0, case_id.find('/'));
}

bool has_level(const SpecRule& rule) {
  return rule.level == "MUST" || rule.level == "SHOULD";
}

}  // namespace

std::vector<SpecRule> parse_rule_outline(std::string_view text) {
  std::vector<SpecRule> rules;
  for_each_line(text, [&](std::string_view line) {
    const std::string_view id = take_word(line);
    const std::string_view level = take_word(line);
    if (!is_rule_id(id)) return;
    if (level != "MUST" && level != "SHOULD" && level != "MAY" && level != "—") return;
    rules.push_back({std::string(id), std::string(level), std::string(line)});
  });
  return rules;
}

std::map<std::string, std::string> parse_not_checkable(std::string_view text,
                                                       std::vector<std::string>& errors) {
  std::map<std::string, std::string> listed;
  int number = 0;
  for_each_line(text, [&](std::string_view line) {
    ++number;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) return;
    const std::string id(take_word(line));
    if (!is_rule_id(id) || line.empty()) {
      errors.push_back(fmt::format("not-checkable line {}: want \"ID  reason\"", number));
    } else if (!listed.emplace(id, std::string(line)).second) {
      errors.push_back(fmt::format("not-checkable line {}: rule {} listed twice", number, id));
    }
  });
  return listed;
}

std::vector<RuleCoverage> map_rules(const std::vector<SpecRule>& rules,
                                    const std::map<std::string, std::string>& not_checkable,
                                    const std::vector<std::string>& case_ids) {
  std::vector<RuleCoverage> map;
  map.reserve(rules.size());
  for (const SpecRule& rule : rules) {
    RuleCoverage entry{rule, {}, {}};
    for (const std::string& id : case_ids) {
      if (rule_of(id) == rule.id) entry.cases.push_back(id);
    }
    if (const auto listed = not_checkable.find(rule.id); listed != not_checkable.end()) {
      entry.not_checkable = listed->second;
    }
    map.push_back(std::move(entry));
  }
  return map;
}

std::vector<std::string> coverage_problems(const std::vector<RuleCoverage>& map,
                                           const std::map<std::string, std::string>& not_checkable,
                                           const std::vector<std::string>& case_ids) {
  std::vector<std::string> problems;
  std::set<std::string, std::less<>> known;
  for (const RuleCoverage& entry : map) {
    known.insert(entry.rule.id);
    const bool listed = !entry.not_checkable.empty();  // Reasons are never empty.
    if (has_level(entry.rule) && entry.cases.empty() && !listed) {
      problems.push_back(fmt::format("{} {} has no case and is not listed as not checkable",
                                     entry.rule.id, entry.rule.level));
    }
    if (listed && !entry.cases.empty()) {
      problems.push_back(
          fmt::format("{} is listed as not checkable but {} case(s) cite it, "
                      "e.g. {}",
                      entry.rule.id, entry.cases.size(), entry.cases.front()));
    }
    if (listed && !has_level(entry.rule)) {
      problems.push_back(fmt::format(
          "{} is listed as not checkable but is not a MUST or SHOULD rule", entry.rule.id));
    }
  }
  for (const auto& [id, reason] : not_checkable) {
    if (known.count(id) == 0)
      problems.push_back("not-checkable rule " + id + " is not in the outline");
  }
  std::set<std::string, std::less<>> reported;
  for (const std::string& id : case_ids) {
    const std::string_view rule = rule_of(id);
    if (known.count(rule) == 0 && reported.emplace(rule).second) {
      problems.push_back(
          fmt::format("case {} cites rule {}, which the outline does not have", id, rule));
    }
  }
  return problems;
}

void print_rule_map(std::FILE* out, const std::vector<RuleCoverage>& map) {
  for (const RuleCoverage& entry : map) {
    fmt::print(out, "{:<6} {:<6} {}\n", entry.rule.id, entry.rule.level, entry.rule.text);
    for (const std::string& id : entry.cases) fmt::print(out, "         {}\n", id);
    if (!entry.not_checkable.empty()) {
      fmt::print(out, "         not checkable over the wire: {}\n", entry.not_checkable);
    } else if (entry.cases.empty() && has_level(entry.rule)) {
      fmt::print(out, "         NO CASE\n");
    }
  }
}

std::string_view built_in_rule_outline() {
  return kEmbeddedRuleOutline;
}
std::string_view built_in_not_checkable() {
  return kEmbeddedNotCheckable;
}

}  // namespace kv
