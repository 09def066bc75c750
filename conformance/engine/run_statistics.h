// What a run covered, in numbers: the statistics section of the report
// model. Any source of checks (the server suite, the client suite,
// explore, differential) fills it, and every reporter shows it: the
// console summary ("Statistics:"), the JSON report ("statistics") and the
// HTML report (section "Statistics"). A run that only says PASS leaves the
// reader guessing what was tried; this says how much of what ran, and
// which rules were actually judged.
//
// Two parts:
//  * Named groups of counters, in the order they were first touched. A
//    group is one topic ("explore: programs", "client exploration"); a
//    counter is a name, a number and an optional unit. Counters are
//    doubles so that rates and durations fit; a whole number is shown
//    without decimals.
//  * Rule coverage: the SPEC rules whose judgements ran, each with how
//    many judgements of it ran, and the rules the source could have
//    judged but never did ("never exercised").
//
// How a source fills it, before the run's report is finished:
//
//   RunStatistics& stats = report.statistics;
//   StatGroup& programs = stats.group("explore: programs");
//   programs.add("programs run");             // +1
//   programs.add("requests", run.requests);   // +n
//   programs.set("steps per second", 812.5, "/s");
//   stats.can_judge("5.1");                   // a rule this source checks
//   stats.judged("5.1");                      // one judgement of 5.1 ran
//
// can_judge() and judged() may come in any order and any number of times;
// rules_never_exercised() is every rule given to can_judge() with no
// judged() call. Rule IDs sort by their numbers ("5.9" before "5.10").
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

struct StatCounter {
  std::string name;
  double value = 0;
  std::string unit;  // "", "s", "ms", "/s", "bytes", ...
};

struct StatGroup {
  std::string name;
  // One optional sentence about the group: what was counted, and how.
  std::string note;
  std::vector<StatCounter> counters;

  // Adds `amount` to the counter `counter` (created at 0 if new).
  void add(std::string_view counter, double amount = 1);
  // Sets the counter `counter` to `value`, with `unit`.
  void set(std::string_view counter, double value, std::string_view unit = {});
  // The counter's value, 0 if there is none.
  double value(std::string_view counter) const;

 private:
  StatCounter& find_or_add(std::string_view counter);
};

// Orders rule IDs by their numbers: "2.5" < "5.9" < "5.10" < "13.1".
struct RuleIdLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

class RunStatistics {
 public:
  // The group named `name`, appended if there is none yet. The reference
  // stays valid for the life of the statistics, also when groups are added.
  StatGroup& group(std::string_view name);
  const std::deque<StatGroup>& groups() const { return groups_; }

  // `rule` is one this run's source can judge: if no judgement of it runs,
  // it is listed as never exercised.
  void can_judge(const std::string& rule);
  // `count` judgements of `rule` ran (whatever their verdict).
  void judged(const std::string& rule, std::uint64_t count = 1);
  // Rule ID -> judgements that ran, for every rule judged at least once.
  std::map<std::string, std::uint64_t, RuleIdLess> rules_judged() const;
  // The rules given to can_judge() that no judgement exercised.
  std::vector<std::string> rules_never_exercised() const;

  // True when nothing was filled in.
  bool empty() const { return groups_.empty() && rules_.empty(); }

 private:
  std::deque<StatGroup> groups_;
  std::map<std::string, std::uint64_t, RuleIdLess> rules_;
};

// A counter's value for people: whole numbers without decimals, others
// with one or two significant decimals, then the unit.
std::string stat_value_text(const StatCounter& counter);

}  // namespace kv
