#include "conformance/console_report.h"

#include <fmt/format.h>

namespace kv {

ConsoleReport::ConsoleReport(std::FILE* out, bool verbose, bool color)
    : out_(out), verbose_(verbose), color_(color) {}

std::string ConsoleReport::paint(Result result, std::string_view text) const {
  if (!color_) return std::string(text);
  const char* code = "0";
  switch (result) {
    case Result::kPass:
      code = "32";
      break;
    case Result::kFail:
      code = "1;31";
      break;
    case Result::kLenient:
      code = "33";
      break;
    case Result::kSkip:
      code = "2";
      break;
    case Result::kError:
      code = "1;35";
      break;
    case Result::kKnownFailing:
      code = "36";
      break;
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void ConsoleReport::case_finished(const CaseReport& r, std::size_t done, std::size_t total) {
  const int width = static_cast<int>(std::to_string(total).size());
  fmt::print(out_, "[{:>{}}/{}] {} {:<44} {:>8.1f} ms\n", done, width, total,
             paint(r.result, fmt::format("{:<13}", result_name(r.result))), r.id, r.duration_ms);
  for (const std::string& note : r.notes) fmt::print(out_, "      note: {}\n", note);
  const bool failed = r.result == Result::kFail || r.result == Result::kError ||
                      r.result == Result::kLenient || r.result == Result::kKnownFailing;
  if (failed) {
    fmt::print(out_, "      rule:     {} {} — {}\n", r.rule, level_name(r.level), r.title);
    if (!r.expected.empty()) fmt::print(out_, "      expected: {}\n", r.expected);
    fmt::print(out_, "      seen:     {}\n", r.observed);
    fmt::print(out_, "      rerun:    {}\n", r.rerun);
  }
  if ((failed && r.result != Result::kKnownFailing) || (verbose_ && r.result != Result::kSkip)) {
    fmt::print(out_, "      wire log (times from case start; conn 99 is the liveness check):\n{}",
               format_wire_log(r.wire_log));
  }
  std::fflush(out_);
}

void ConsoleReport::summary(const RunReport& run) {
  fmt::print(out_, "\nkvconform {} — target {}, profile {}, seed {}, {}\n", "summary", run.target,
             run.profile, run.seed, duration_text(run.duration_ms));
  bool header = false;
  for (const CaseReport& r : run.cases) {
    if (r.result == Result::kPass || r.result == Result::kSkip) continue;
    if (!header) {
      fmt::print(out_, "\n  {:<13} {:<6} {:<44} {}\n", "RESULT", "LEVEL", "CASE", "SEEN");
      header = true;
    }
    std::string seen = r.observed.substr(0, r.observed.find('\n'));
    if (seen.size() > 90) seen = seen.substr(0, 87) + "...";
    fmt::print(out_, "  {} {:<6} {:<44} {}\n",
               paint(r.result, fmt::format("{:<13}", result_name(r.result))), level_name(r.level),
               r.id, seen);
  }
  for (const CaseReport& r : run.cases) {
    if (run.profile == "concurrent" && r.id.starts_with("11.3/") && r.result == Result::kFail) {
      fmt::print(out_,
                 "\n  hint: {} failed. If the server serves one connection at a time, run with "
                 "--profile sequential;\n        otherwise cases running in parallel also time out "
                 "and fail.\n",
                 r.id);
    }
  }
  const RunSummary& s = run.summary;
  fmt::print(out_,
             "\n  {} total: {} pass, {} fail, {} lenient, {} known-failing, {} skip, {} error\n",
             s.total(), s.pass, s.fail, s.lenient, s.known_failing, s.skip, s.error);
  const int code = run.exit_code();
  fmt::print(out_, "  verdict: {}\n",
             code == 0 ? paint(Result::kPass, run.strict ? "CONFORMS (strict: MUST and SHOULD)"
                                                         : "CONFORMS (every MUST case passed)")
                       : paint(Result::kFail, "DOES NOT CONFORM (exit 1)"));
}

void print_case_list(std::FILE* out, const CaseRegistry& registry) {
  for (const CaseDef& def : registry.cases()) {
    fmt::print(out, "{:<40} {:<6} {:<10} {} — {}\n", def.id, level_name(def.level),
               profile_scope_name(def.scope), def.rule, def.quote);
  }
}

void print_case_explanation(std::FILE* out, const CaseDef& def, const RunOptions& options) {
  fmt::print(out, "{}\n", def.id);
  fmt::print(out, "  rule:      SPEC {} ({}): {}\n", def.rule, level_name(def.level), def.quote);
  fmt::print(out, "  profile:   {}\n",
             def.scope == ProfileScope::kAny
                 ? std::string("every profile")
                 : fmt::format("{} only (SKIP otherwise)", profile_scope_name(def.scope)));
  fmt::print(out, "  sends:     {}\n", def.sends);
  fmt::print(out, "  expects:   {}\n", def.expects);
  if (!def.legal.empty()) fmt::print(out, "  legal:     {}\n", def.legal);
  fmt::print(out, "  keys:      prefixed \"{}/<seed>/\", private to this case\n", def.id);
  fmt::print(out, "  timeouts:  each response within {} ms (5 s x --timeout-scale {})\n",
             options.response_timeout().count(), options.timeout_scale);
  if (def.timing == Timing::kBulk) {
    fmt::print(out, "             bulk transfers within {} ms (20 s x scale)\n",
               options.bulk_timeout().count());
  }
  if (def.timing == Timing::kCloseWithin) {
    fmt::print(out,
               "             the close within {} ms: the spec's 1 s x max(1, scale) + {} ms grace "
               "(the only tight bound)\n",
               options.close_bound().count(), kCloseGrace.count());
  }
  if (def.timing == Timing::kSlowDrip) {
    fmt::print(out, "             one byte every {} ms (--drip-ms; the spec allows up to 100 ms)\n",
               options.drip_interval.count());
  }
  fmt::print(out, "  afterwards: liveness check — PUT and GET on a fresh connection must work\n");
}

}  // namespace kv
