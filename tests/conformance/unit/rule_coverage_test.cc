// Rule coverage (issue 10): every MUST and SHOULD rule of
// spec/RULES.outline.md is cited by a kvconform case or listed in
// spec/not-checkable.txt with a reason; the outline names the rules of
// spec/SPEC.md. Also the rule map's own parsing and checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "conformance/client/client_mode.h"
#include "conformance/rules/rule_map.h"

namespace kv {
namespace {

std::string read_spec_file(const std::string& name) {
  std::ifstream in(std::string(KV_SPEC_DIR) + "/" + name);
  EXPECT_TRUE(in) << "cannot read spec/" << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RuleCoverage, EveryMustAndShouldRuleHasACaseOrAReason) {
  std::vector<std::string> errors;
  const auto not_checkable = parse_not_checkable(built_in_not_checkable(), errors);
  EXPECT_EQ(errors, std::vector<std::string>{});
  const std::vector<std::string> ids = every_case_id();
  const std::vector<SpecRule> rules = parse_rule_outline(built_in_rule_outline());
  ASSERT_GT(rules.size(), 40U) << "the outline lost its rules";
  const auto map = map_rules(rules, not_checkable, ids);
  for (const std::string& problem : coverage_problems(map, not_checkable, ids)) {
    ADD_FAILURE() << problem;
  }
}

// The check has teeth on the real suite: taking away the cases of any one
// checkable rule makes it fail, naming that rule.
TEST(RuleCoverage, RemovingTheCasesOfAnyRuleFails) {
  std::vector<std::string> errors;
  const auto not_checkable = parse_not_checkable(built_in_not_checkable(), errors);
  const std::vector<std::string> ids = every_case_id();
  const std::vector<SpecRule> rules = parse_rule_outline(built_in_rule_outline());
  int checked = 0;
  for (const RuleCoverage& entry : map_rules(rules, not_checkable, ids)) {
    if (entry.cases.empty()) continue;
    std::vector<std::string> fewer;
    for (const std::string& id : ids) {
      if (std::find(entry.cases.begin(), entry.cases.end(), id) == entry.cases.end()) {
        fewer.push_back(id);
      }
    }
    const auto problems =
        coverage_problems(map_rules(rules, not_checkable, fewer), not_checkable, fewer);
    const bool names_rule =
        std::any_of(problems.begin(), problems.end(),
                    [&](const std::string& p) { return p.rfind(entry.rule.id + " ", 0) == 0; });
    EXPECT_TRUE(names_rule || entry.rule.level == "MAY" || entry.rule.level == "—")
        << "without its cases, rule " << entry.rule.id << " is not reported";
    ++checked;
  }
  EXPECT_GT(checked, 40);
}

// The built-in copies are the files of spec/ (the build embeds them).
TEST(RuleCoverage, BuiltInCopiesAreTheSpecFiles) {
  EXPECT_EQ(built_in_rule_outline(), read_spec_file("RULES.outline.md"));
  EXPECT_EQ(built_in_not_checkable(), read_spec_file("not-checkable.txt"));
}

// Every numbered rule of SPEC.md beyond section 1 (whose conventions the
// outline sums up in one line) has an outline line, and no other.
TEST(RuleCoverage, OutlineNamesTheRulesOfTheSpec) {
  std::set<std::string> in_spec;
  const std::string spec = read_spec_file("SPEC.md");
  const std::regex numbered(R"(^\*\*([0-9]+\.[0-9]+)\*\*)", std::regex::multiline);
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), numbered);
       it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    if (id.rfind("1.", 0) != 0) in_spec.insert(id);
  }
  std::set<std::string> in_outline;
  for (const SpecRule& rule : parse_rule_outline(built_in_rule_outline())) {
    in_outline.insert(rule.id);
  }
  EXPECT_GT(in_spec.size(), 40U);
  EXPECT_EQ(in_spec, in_outline);
}

constexpr std::string_view kOutline =
    "# Title\n"
    "## 1 Conventions\n"
    "1.1 RFC 2119 keywords. 1.2 Byte notation.\n"
    "2.1 MUST  A frame is LEN + BODY + FOOTER.\n"
    "2.2 SHOULD  Footers are nice.\n"
    "6.6 —     Names.\n"
    "9.1 MAY   Idle timeout.\n"
    "13.10 MUST A client bounds every wait.\n";

TEST(RuleMap, ParsesRuleLinesOnly) {
  const std::vector<SpecRule> rules = parse_rule_outline(kOutline);
  ASSERT_EQ(rules.size(), 5U);
  EXPECT_EQ(rules[0].id, "2.1");
  EXPECT_EQ(rules[0].level, "MUST");
  EXPECT_EQ(rules[0].text, "A frame is LEN + BODY + FOOTER.");
  EXPECT_EQ(rules[2].level, "—");
  EXPECT_EQ(rules[4].id, "13.10");
  EXPECT_EQ(rules[4].text, "A client bounds every wait.");
}

TEST(RuleMap, ReportsEachKindOfGap) {
  std::vector<std::string> errors;
  const auto listed = parse_not_checkable("# comment\n2.2  a reason\n9.1 may rule\n", errors);
  EXPECT_TRUE(errors.empty());
  const std::vector<std::string> ids = {"2.2/x", "7.7/unknown-rule"};
  const auto map = map_rules(parse_rule_outline(kOutline), listed, ids);
  const std::vector<std::string> problems = coverage_problems(map, listed, ids);
  const auto mentions = [&](std::string_view what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(mentions("2.1 MUST has no case")) << testing::PrintToString(problems);
  EXPECT_TRUE(mentions("13.10 MUST has no case"));
  EXPECT_TRUE(mentions("2.2 is listed as not checkable but 1 case(s) cite it"));
  EXPECT_TRUE(mentions("9.1 is listed as not checkable but is not a MUST or SHOULD rule"));
  EXPECT_TRUE(mentions("rule 7.7, which the outline does not have"));
  EXPECT_FALSE(mentions("6.6"));  // No level: needs no case.
  EXPECT_EQ(problems.size(), 5U);
}

TEST(RuleMap, CoveredOutlineHasNoProblem) {
  std::vector<std::string> errors;
  const auto listed = parse_not_checkable("13.10 needs a clock\n", errors);
  const std::vector<std::string> ids = {"2.1/a", "2.1/b", "2.2/c"};
  const auto map = map_rules(parse_rule_outline(kOutline), listed, ids);
  EXPECT_EQ(coverage_problems(map, listed, ids), std::vector<std::string>{});
  EXPECT_EQ(map[0].cases, (std::vector<std::string>{"2.1/a", "2.1/b"}));
  EXPECT_EQ(map[4].not_checkable, "needs a clock");
}

TEST(RuleMap, RejectsMalformedListLines) {
  std::vector<std::string> errors;
  parse_not_checkable("3.3\n3.3 twice\n3.3 again\nnot-an-id reason\n", errors);
  EXPECT_EQ(errors.size(), 3U) << testing::PrintToString(errors);
}

}  // namespace
}  // namespace kv
