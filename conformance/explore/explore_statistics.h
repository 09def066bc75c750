// What an explore run tried, counted by category, in the spirit of
// QuickCheck's classify/cover and Hypothesis's statistics: programs, steps
// by kind, stream shapes, key and value families, body forms, framing
// errors by class, connections by how they ended, the SPEC rules whose
// judgements ran (and the server rules none did), and where the time went.
// The executor fills one per program run; the explorer adds them up.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// The groups, in the order reports show them.
inline constexpr std::string_view kStatPrograms = "programs";
inline constexpr std::string_view kStatSteps = "steps by kind";
inline constexpr std::string_view kStatShapes = "stream shapes of sends";
inline constexpr std::string_view kStatRequests = "requests by kind";
inline constexpr std::string_view kStatKeys = "key families";
inline constexpr std::string_view kStatValues = "value families";
inline constexpr std::string_view kStatForms = "body encodings";
inline constexpr std::string_view kStatFraming = "framing errors by class";
inline constexpr std::string_view kStatConnections = "connections";
// Terminate steps (--exec): how the server ended after its signals.
inline constexpr std::string_view kStatShutdowns = "shutdowns by signal";
inline constexpr std::string_view kStatRules = "SPEC rules judged";
// Wall time by phase; the rows add up to the programs' run time.
inline constexpr std::string_view kStatTime = "time by phase";
// The waits the steps ask for (pauses, gaps between slow reads and between
// the writes of a shape), part of the phases' time.
inline constexpr std::string_view kStatWaits = "waits the steps ask for";

class ExploreStatistics {
 public:
  void add(std::string_view group, std::string_view label, std::uint64_t n = 1);
  // Milliseconds spent on `what`, in `group` (kStatTime or kStatWaits).
  void add_time(std::string_view group, std::string_view what, double ms);
  // A judgement of SPEC rule `rule` ran (whatever its verdict).
  void judged(std::string_view rule) { add(kStatRules, rule); }
  void merge(const ExploreStatistics& other);

  std::uint64_t count(std::string_view group, std::string_view label) const;
  std::uint64_t total(std::string_view group) const;
  double time_ms(std::string_view group, std::string_view what) const;
  double total_time_ms(std::string_view group) const;

  // The groups with their rows, in report order; rows by label, rules in
  // SPEC order, times (last) rounded to whole milliseconds.
  struct Group {
    std::string name;
    std::vector<std::pair<std::string, std::uint64_t>> rows;
  };
  std::vector<Group> groups() const;

  // The rules of `rules` (IDs) that no judgement ran for, in SPEC order.
  std::vector<std::string> rules_never_judged(const std::vector<std::string>& rules) const;

 private:
  std::map<std::string, std::map<std::string, std::uint64_t>, std::less<>> counts_;
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> times_;
};

// Compares rule IDs as SPEC orders them: "2.5" < "2.10" < "10.1".
bool rule_id_less(std::string_view a, std::string_view b);

}  // namespace kv
