// The map from the rules of spec/RULES.outline.md to the kvconform cases
// that cite them, and the check that every MUST and SHOULD rule is cited by
// a case or is listed in spec/not-checkable.txt with a reason. Used by
// `kvconform list --by-rule` and by the RuleCoverage tests.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// One rule line of the outline: "2.3 MUST  LEN = len(BODY) + 5; ...".
struct SpecRule {
  std::string id;     // "2.3"
  std::string level;  // "MUST", "SHOULD", "MAY" or "—" (no level)
  std::string text;   // The rest of the line.
};

// The rule lines of an outline text, in order. Lines that do not start
// with "<section>.<n> <level>" (headings, prose, section 1's summary line)
// are not rules.
std::vector<SpecRule> parse_rule_outline(std::string_view text);

// The lines "ID  reason" of a not-checkable list; '#' starts a comment.
// A line without a reason or a repeated ID adds a message to `errors`.
std::map<std::string, std::string> parse_not_checkable(std::string_view text,
                                                       std::vector<std::string>& errors);

// One rule with what covers it.
struct RuleCoverage {
  SpecRule rule;
  std::vector<std::string> cases;  // The IDs of the cases citing it.
  std::string not_checkable;       // The reason, if listed; else empty.
};

// The rules of `rules` in outline order with the cases of `case_ids`
// ("<rule>/<slug>") that cite each.
std::vector<RuleCoverage> map_rules(const std::vector<SpecRule>& rules,
                                    const std::map<std::string, std::string>& not_checkable,
                                    const std::vector<std::string>& case_ids);

// Every way the map breaks the coverage rule, one message each: a MUST or
// SHOULD rule with no case that is not listed; a listed rule that has a
// case after all, or that is not in the outline, or has no level; a case
// citing a rule the outline does not have. Empty when all is well.
std::vector<std::string> coverage_problems(const std::vector<RuleCoverage>& map,
                                           const std::map<std::string, std::string>& not_checkable,
                                           const std::vector<std::string>& case_ids);

// Prints the map, one block per rule: its ID, level and text, then the
// cases citing it, "not checkable over the wire: <reason>", or, for a MUST
// or SHOULD rule, "NO CASE".
void print_rule_map(std::FILE* out, const std::vector<RuleCoverage>& map);

// The outline and the not-checkable list built into this binary, as they
// were in spec/ when it was built.
std::string_view built_in_rule_outline();
std::string_view built_in_not_checkable();

}  // namespace kv
